package io.ssijava.dsm;

import java.lang.reflect.Array;

/** Element comparison of same-typed arrays without boxing for the common primitive types. */
final class ArrayOps
{
    private ArrayOps()
    {
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
