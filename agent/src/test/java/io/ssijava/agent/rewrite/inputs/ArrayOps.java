package io.ssijava.agent.rewrite.inputs;

import java.util.Arrays;

public final class ArrayOps
{
    private ArrayOps()
    {
    }

    public static int getI(final int[] a, final int i)
    {
        return a[i];
    }

    public static long getJ(final long[] a, final int i)
    {
        return a[i];
    }

    public static double getD(final double[] a, final int i)
    {
        return a[i];
    }

    public static float getF(final float[] a, final int i)
    {
        return a[i];
    }

    public static byte getB(final byte[] a, final int i)
    {
        return a[i];
    }

    public static boolean getZ(final boolean[] a, final int i)
    {
        return a[i];
    }

    public static char getC(final char[] a, final int i)
    {
        return a[i];
    }

    public static short getS(final short[] a, final int i)
    {
        return a[i];
    }

    public static Object getA(final Object[] a, final int i)
    {
        return a[i];
    }

    public static void setI(final int[] a, final int i, final int v)
    {
        a[i] = v;
    }

    public static void setJ(final long[] a, final int i, final long v)
    {
        a[i] = v;
    }

    public static void setD(final double[] a, final int i, final double v)
    {
        a[i] = v;
    }

    public static void setF(final float[] a, final int i, final float v)
    {
        a[i] = v;
    }

    public static void setB(final byte[] a, final int i, final byte v)
    {
        a[i] = v;
    }

    public static void setZ(final boolean[] a, final int i, final boolean v)
    {
        a[i] = v;
    }

    public static void setC(final char[] a, final int i, final char v)
    {
        a[i] = v;
    }

    public static void setS(final short[] a, final int i, final short v)
    {
        a[i] = v;
    }

    public static void setA(final Object[] a, final int i, final Object v)
    {
        a[i] = v;
    }

    public static int sum(final int[] a)
    {
        int s = 0;
        for (int i = 0; i < a.length; i++)
        {
            s += a[i];
        }
        return s;
    }

    /** A loop that reads a static field of another class: its first read may run that class's initializer. */
    public static void fillWithOut(final int[] a)
    {
        for (int i = 0; i < a.length; i++)
        {
            a[i] = System.out != null ? i : -1;
        }
    }

    public static void incAll(final long[] a)
    {
        for (int i = 0; i < a.length; i++)
        {
            a[i] += i;
        }
    }

    public static void copy(final int[] src, final int[] dst)
    {
        System.arraycopy(src, 0, dst, 1, src.length);
    }

    public static void fill(final int[] a, final int v)
    {
        Arrays.fill(a, v);
    }

    /** Category-2 arguments around the array argument: spilled and reloaded. */
    public static void fillRange(final double[] a, final int from, final int to, final double v)
    {
        Arrays.fill(a, from, to, v);
    }

    public static void sort(final int[] a)
    {
        Arrays.sort(a);
    }

    public static boolean same(final int[] a, final int[] b)
    {
        return Arrays.equals(a, b);
    }

    public static int[] cloneOf(final int[] a)
    {
        return a.clone();
    }

    /** Loop bound independent of the array: with n == 0 a null array is never touched. */
    public static int sumN(final int[] a, final int n)
    {
        int s = 0;
        for (int i = 0; i < n; i++)
        {
            s += a[i];
        }
        return s;
    }

    /** A while loop right after an if: the if's jump enters the loop from outside. */
    public static int whileAfterIf(final int[] a, final boolean twice)
    {
        int i = 0;
        int s = 0;
        if (twice)
        {
            s = a[0];
        }
        while (i < a.length)
        {
            s += a[i++];
        }
        return s;
    }

    /** Nested loops over a 2-D array, and a row local assigned in the outer loop. */
    public static long sum2d(final long[][] m)
    {
        long s = 0;
        for (int r = 0; r < m.length; r++)
        {
            final long[] row = m[r];
            for (int c = 0; c < row.length; c++)
            {
                s += row[c] * (r + 1);
            }
        }
        return s;
    }

    /** The array local changes inside the loop: the check cannot move out. */
    public static int walk(final int[][] chain)
    {
        int[] cur = chain[0];
        int steps = 0;
        while (cur[0] >= 0)
        {
            cur = chain[cur[0]];
            steps++;
        }
        return steps;
    }

    /** A call in the loop: it may acquire, so the check stays in the loop. */
    public static int sumAbs(final int[] a)
    {
        int s = 0;
        for (int i = 0; i < a.length; i++)
        {
            s += Math.abs(a[i]);
        }
        return s;
    }

    /** Copy loop: a read of one array and a write of another in the same loop. */
    public static void copyLoop(final double[] src, final double[] dst)
    {
        for (int i = 0; i < src.length; i++)
        {
            dst[i] = src[i] * 2;
        }
    }
}
