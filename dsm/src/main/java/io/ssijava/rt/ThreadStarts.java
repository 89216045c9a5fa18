package io.ssijava.rt;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Starting a JVM thread without dispatching to an application override of {@code start()} (the runtime has
 * already run that override, which is what called it).
 * <p>
 * Do not use -- for internal use only.
 */
public final class ThreadStarts
{
    private static final ClassValue<Boolean> OVERRIDES = new ClassValue<>()
    {
        @Override
        protected Boolean computeValue(final Class<?> type)
        {
            for (Class<?> c = type; c != null && c != Thread.class; c = c.getSuperclass())
            {
                try
                {
                    c.getDeclaredMethod("start");
                    return Boolean.TRUE;
                }
                catch (final NoSuchMethodException ignored)
                {
                    // keep looking up the hierarchy
                }
            }
            return Boolean.FALSE;
        }
    };

    private static final MethodHandle THREAD_START = threadStart();
    private static final java.util.concurrent.atomic.AtomicLong STARTED = new java.util.concurrent.atomic.AtomicLong();

    private ThreadStarts()
    {
    }

    private static MethodHandle threadStart()
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            return lookup.findSpecial(Thread.class, "start", MethodType.methodType(void.class), Thread.class);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null; // java.lang not open to us: fall back to a virtual call
        }
    }

    /** @return how many threads this JVM started through the runtime (for statistics of a one-node job). */
    public static long started()
    {
        return STARTED.get();
    }

    /** @return whether the class (below Thread) declares {@code start()}. */
    public static boolean overridesStart(final Class<?> type)
    {
        return type != Thread.class && OVERRIDES.get(type);
    }

    /** Starts the JVM thread, bypassing any override of {@code start()}. */
    public static void startThread(final Thread t)
    {
        STARTED.incrementAndGet();
        if (THREAD_START == null || !overridesStart(t.getClass()))
        {
            t.start();
            return;
        }
        try
        {
            THREAD_START.invokeExact(t);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
