package io.ssijava.dsm;

import java.lang.reflect.Constructor;

/**
 * Creates copies of objects without running their constructors, the way Java deserialization does: through a
 * constructor of the nearest superclass that needs no arguments (Object's, or Thread's for thread subclasses, so
 * that a copied thread object is a real, startable thread).
 */
final class Allocation
{
    private Allocation()
    {
    }

    static Constructor<?> constructorFor(final Class<?> type)
    {
        try
        {
            final Class<?> base = Thread.class.isAssignableFrom(type) ? Thread.class : Object.class;
            final Constructor<?> baseCtor = base.getDeclaredConstructor();
            final sun.reflect.ReflectionFactory rf = sun.reflect.ReflectionFactory.getReflectionFactory();
            final Constructor<?> c = rf.newConstructorForSerialization(type, baseCtor);
            c.setAccessible(true);
            return c;
        }
        catch (final NoSuchMethodException ex)
        {
            throw new SsiException("cannot create copies of " + type.getName() + ": " + ex, ex);
        }
    }
}
