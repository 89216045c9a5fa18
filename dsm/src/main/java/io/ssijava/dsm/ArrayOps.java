package io.ssijava.dsm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;
import java.util.Arrays;

/** Element comparison of same-typed arrays without boxing for the common primitive types. */
final class ArrayOps
{
    private static final ClassValue<VarHandle> ELEMENTS = new ClassValue<>()
    {
        @Override
        protected VarHandle computeValue(final Class<?> type)
        {
            return MethodHandles.arrayElementVarHandle(type);
        }
    };

    private ArrayOps()
    {
    }

    /**
     * Sets {@code array[i] = fresh} if it still equals {@code twin[i]} (bitwise for floating point), atomically with
     * respect to concurrent stores into that element.
     */
    static void replaceIfUnchanged(final Object array, final int i, final Object twin, final Object fresh)
    {
        final VarHandle vh = ELEMENTS.get(array.getClass());
        final Object expected = Array.get(twin, i);
        try
        {
            vh.compareAndSet(array, i, expected, fresh);
        }
        catch (final UnsupportedOperationException ex)
        {
            // element types without atomic compare-and-set: best effort
            if (same(array, twin, i))
            {
                Array.set(array, i, fresh);
            }
        }
    }

    /**
     * The first index in [from, to) where same-typed arrays a and b hold different values, as {@link #same} tells,
     * or {@code to}. Integral elements go through the JDK's vectorized comparison (about 3x faster on an int[] row
     * than element by element, {@code DiffScanBenchmark}); floating point ones are compared bit for bit, which
     * {@link Arrays#mismatch} does not do for NaNs, and references by identity, element by element.
     */
    static int firstDifferent(final Object a, final Object b, final int from, final int to)
    {
        final int k;
        if (a instanceof int[])
        {
            k = Arrays.mismatch((int[])a, from, to, (int[])b, from, to);
        }
        else if (a instanceof long[])
        {
            k = Arrays.mismatch((long[])a, from, to, (long[])b, from, to);
        }
        else if (a instanceof byte[])
        {
            k = Arrays.mismatch((byte[])a, from, to, (byte[])b, from, to);
        }
        else if (a instanceof char[])
        {
            k = Arrays.mismatch((char[])a, from, to, (char[])b, from, to);
        }
        else if (a instanceof short[])
        {
            k = Arrays.mismatch((short[])a, from, to, (short[])b, from, to);
        }
        else if (a instanceof boolean[])
        {
            k = Arrays.mismatch((boolean[])a, from, to, (boolean[])b, from, to);
        }
        else
        {
            int i = from;
            while (i < to && same(a, b, i))
            {
                i++;
            }
            return i;
        }
        return k < 0 ? to : from + k;
    }

    /** The first index in [from, to) where a and b hold the same value, or {@code to}: the end of a changed run. */
    static int firstSame(final Object a, final Object b, final int from, final int to)
    {
        int i = from;
        while (i < to && !same(a, b, i))
        {
            i++;
        }
        return i;
    }

    /** @return whether a[i] and b[i] are the same value (bitwise for floating point, identity for references). */
    static boolean same(final Object a, final Object b, final int i)
    {
        if (a instanceof double[])
        {
            return Double.doubleToRawLongBits(((double[])a)[i]) == Double.doubleToRawLongBits(((double[])b)[i]);
        }
        if (a instanceof int[])
        {
            return ((int[])a)[i] == ((int[])b)[i];
        }
        if (a instanceof long[])
        {
            return ((long[])a)[i] == ((long[])b)[i];
        }
        if (a instanceof Object[])
        {
            return ((Object[])a)[i] == ((Object[])b)[i];
        }
        if (a instanceof float[])
        {
            return Float.floatToRawIntBits(((float[])a)[i]) == Float.floatToRawIntBits(((float[])b)[i]);
        }
        return ObjectSpace.same(Array.get(a, i), Array.get(b, i));
    }
}
