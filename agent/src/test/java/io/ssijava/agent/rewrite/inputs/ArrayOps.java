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
}
