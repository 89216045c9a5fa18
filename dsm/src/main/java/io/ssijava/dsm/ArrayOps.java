package io.ssijava.dsm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Array;

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
