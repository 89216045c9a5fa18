package io.ssijava.dsm;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Array;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The range scans that find what changed in an array agree with the element comparison, bit for bit. */
class ArrayOpsTest
{
    private static final List<Class<?>> TYPES = List.of(double.class, float.class, int.class, long.class,
        byte.class, char.class, short.class, boolean.class, Object.class);

    @Test
    void rangeScansAgreeWithTheElementComparisonForEveryType()
    {
        final Random random = new Random(42);
        for (final Class<?> type : TYPES)
        {
            for (int round = 0; round < 200; round++)
            {
                final int length = 1 + random.nextInt(300);
                final Object a = Array.newInstance(type, length);
                final Object b = Array.newInstance(type, length);
                for (int i = 0; i < length; i++)
                {
                    final Object v = value(type, random.nextInt(3));
                    Array.set(a, i, v);
                    Array.set(b, i, random.nextInt(4) == 0 ? value(type, 3 + random.nextInt(3)) : v);
                }
                final int from = random.nextInt(length);
                final int to = from + random.nextInt(length - from + 1);
                assertEquals(slowFirst(a, b, from, to, false), ArrayOps.firstDifferent(a, b, from, to),
                    type + " firstDifferent [" + from + "," + to + ")");
                assertEquals(slowFirst(a, b, from, to, true), ArrayOps.firstSame(a, b, from, to),
                    type + " firstSame [" + from + "," + to + ")");
            }
        }
    }

    @Test
    void floatingPointValuesCompareBitForBit()
    {
        final double[] a = {1.0, 0.0, Double.longBitsToDouble(0x7ff8000000000001L)};
        final double[] b = {1.0, -0.0, Double.longBitsToDouble(0x7ff8000000000002L)};
        assertEquals(1, ArrayOps.firstDifferent(a, b, 0, 3), "0.0 and -0.0 differ");
        assertEquals(2, ArrayOps.firstDifferent(a, b, 2, 3), "NaNs with other payloads differ");
        final float[] c = {Float.intBitsToFloat(0x7fc00001)};
        final float[] d = {Float.intBitsToFloat(0x7fc00002)};
        assertEquals(0, ArrayOps.firstDifferent(c, d, 0, 1));
    }

    @Test
    void referencesCompareByIdentity()
    {
        final Object[] a = {new String("x")};
        final Object[] b = {new String("x")};
        assertEquals(0, ArrayOps.firstDifferent(a, b, 0, 1), "equal but not the same object");
        b[0] = a[0];
        assertEquals(1, ArrayOps.firstDifferent(a, b, 0, 1));
    }

    /** A value of the type, one of a few distinct ones per seed (reference values distinct objects). */
    private static Object value(final Class<?> type, final int seed)
    {
        if (type == double.class)
        {
            return seed == 5 ? -0.0 : (double)seed;
        }
        if (type == float.class)
        {
            return seed == 5 ? -0.0f : (float)seed;
        }
        if (type == int.class)
        {
            return seed;
        }
        if (type == long.class)
        {
            return (long)seed;
        }
        if (type == byte.class)
        {
            return (byte)seed;
        }
        if (type == char.class)
        {
            return (char)seed;
        }
        if (type == short.class)
        {
            return (short)seed;
        }
        if (type == boolean.class)
        {
            return seed % 2 == 0;
        }
        return seed < 3 ? Integer.valueOf(seed) : new Object();
    }

    private static int slowFirst(final Object a, final Object b, final int from, final int to, final boolean same)
    {
        for (int i = from; i < to; i++)
        {
            if (ArrayOps.same(a, b, i) == same)
            {
                return i;
            }
        }
        return to;
    }
}
