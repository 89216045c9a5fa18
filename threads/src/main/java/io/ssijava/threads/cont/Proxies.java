package io.ssijava.threads.cont;

import java.lang.reflect.Constructor;

/** Instances of hidden lambda classes, made without a constructor. */
final class Proxies
{
    private Proxies()
    {
    }

    /** Whether a frame of this class only forwards a call (a lambda's generated class). */
    static boolean isForwarder(final Class<?> cls)
    {
        return cls.isHidden() && cls.getName().contains("$$Lambda");
    }

    /**
     * A new instance of a lambda class, to call the frame above it again. Only its receiver value matters: a lambda
     * over an instance method calls that method on its first captured value, which must be the frame's receiver;
     * the other captured values are passed as arguments, which the resumed frame replaces with its saved locals.
     */
    static Object instantiate(final Class<?> cls, final Object calleeSelf)
    {
        final Constructor<?>[] ctors = cls.getDeclaredConstructors();
        if (ctors.length != 1)
        {
            throw new IllegalStateException("cannot resume through " + cls.getName());
        }
        final Class<?>[] params = ctors[0].getParameterTypes();
        final Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++)
        {
            args[i] = i == 0 && calleeSelf != null && params[0].isInstance(calleeSelf) ? calleeSelf : zero(params[i]);
        }
        try
        {
            ctors[0].setAccessible(true);
            return ctors[0].newInstance(args);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new IllegalStateException("cannot resume through " + cls.getName(), ex);
        }
    }

    private static Object zero(final Class<?> type)
    {
        if (!type.isPrimitive())
        {
            return null;
        }
        if (type == boolean.class)
        {
            return false;
        }
        if (type == char.class)
        {
            return (char)0;
        }
        if (type == long.class)
        {
            return 0L;
        }
        if (type == float.class)
        {
            return 0f;
        }
        if (type == double.class)
        {
            return 0d;
        }
        if (type == byte.class)
        {
            return (byte)0;
        }
        if (type == short.class)
        {
            return (short)0;
        }
        return 0;
    }
}
