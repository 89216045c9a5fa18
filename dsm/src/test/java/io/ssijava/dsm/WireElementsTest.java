package io.ssijava.dsm;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-copy element runs of {@link WireOut#putElements} and {@link WireIn#getElements}: the same bytes as the
 * per-element put methods write (readers of either kind read both), every number type, NaN payloads kept.
 */
class WireElementsTest
{
    private static final int N = 1000;

    @Test
    void elementRunsAreTheBytesOfTheirPutMethods()
    {
        final Random r = new Random(7);
        final double[] d = r.doubles(N).toArray();
        d[20] = Double.longBitsToDouble(0x7ff8_0000_0000_1234L); // a NaN whose payload a conversion could lose
        final long[] l = r.longs(N).toArray();
        final int[] i = r.ints(N).toArray();
        final float[] f = new float[N];
        final short[] s = new short[N];
        final char[] c = new char[N];
        final byte[] b = new byte[N];
        r.nextBytes(b);
        for (int k = 0; k < N; k++)
        {
            f[k] = r.nextFloat() - 0.5f;
            s[k] = (short)r.nextInt();
            c[k] = (char)r.nextInt();
        }
        f[20] = Float.intBitsToFloat(0x7fc0_0042);

        final WireOut bulk = new WireOut(16);
        final WireOut single = new WireOut(16);
        final int from = 17;
        final int to = N - 3;
        for (final Object a : new Object[] {d, l, i, f, s, c, b})
        {
            assertTrue(bulk.putElements(a, from, to));
        }
        for (int k = from; k < to; k++)
        {
            single.putLong(Double.doubleToRawLongBits(d[k]));
        }
        for (int k = from; k < to; k++)
        {
            single.putLong(l[k]);
        }
        for (int k = from; k < to; k++)
        {
            single.putInt(i[k]);
        }
        for (int k = from; k < to; k++)
        {
            single.putFloat(f[k]);
        }
        for (int k = from; k < to; k++)
        {
            single.putShort(s[k]);
        }
        for (int k = from; k < to; k++)
        {
            single.putChar(c[k]);
        }
        for (int k = from; k < to; k++)
        {
            single.putByte(b[k]);
        }
        assertArrayEquals(single.toBytes(), bulk.toBytes());

        final WireIn in = new WireIn(bulk.toBytes());
        final int n = to - from;
        final double[] d2 = new double[n + 2];
        in.getElements(d2, 2, n);
        for (int k = 0; k < n; k++)
        {
            assertEquals(Double.doubleToRawLongBits(d[from + k]), Double.doubleToRawLongBits(d2[2 + k]));
        }
        final long[] l2 = new long[n];
        in.getElements(l2, 0, n);
        assertArrayEquals(Arrays.copyOfRange(l, from, to), l2);
        final int[] i2 = new int[n];
        in.getElements(i2, 0, n);
        assertArrayEquals(Arrays.copyOfRange(i, from, to), i2);
        final float[] f2 = new float[n];
        in.getElements(f2, 0, n);
        for (int k = 0; k < n; k++)
        {
            assertEquals(Float.floatToRawIntBits(f[from + k]), Float.floatToRawIntBits(f2[k]));
        }
        final short[] s2 = new short[n];
        in.getElements(s2, 0, n);
        assertArrayEquals(Arrays.copyOfRange(s, from, to), s2);
        final char[] c2 = new char[n];
        in.getElements(c2, 0, n);
        assertArrayEquals(Arrays.copyOfRange(c, from, to), c2);
        // the per-element reader reads a run as well
        for (int k = from; k < from + 4; k++)
        {
            assertEquals(b[k], in.getByte());
        }
        final byte[] b2 = new byte[n - 4];
        in.getElements(b2, 0, n - 4);
        assertArrayEquals(Arrays.copyOfRange(b, from + 4, to), b2);
        assertEquals(0, in.remaining());
    }

    @Test
    void otherArraysAreLeftToTheCaller()
    {
        final WireOut out = new WireOut(16);
        assertFalse(out.putElements(new boolean[3], 0, 3));
        assertFalse(out.putElements(new Object[3], 0, 3));
        assertEquals(0, out.length());
        assertThrows(IllegalArgumentException.class, () -> new WireIn(new byte[8]).getElements(new String[1], 0, 1));
    }

    @Test
    void aShortMessageIsRefusedBeforeAnythingIsRead()
    {
        final WireIn in = new WireIn(new byte[8 * 10 - 1]);
        final double[] into = new double[10];
        assertThrows(WireException.class, () -> in.getElements(into, 0, 10));
        assertEquals(8 * 10 - 1, in.remaining());
        assertThrows(WireException.class, () -> in.require(-1));
        assertThrows(WireException.class, () -> in.require((long)Integer.MAX_VALUE * 8));
    }
}
