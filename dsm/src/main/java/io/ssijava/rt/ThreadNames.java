package io.ssijava.rt;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Default names of the program's threads ({@code Thread-N}). The agent gives each unnamed {@code Thread}
 * constructor of the program a name from {@link Ssi#threadName()}: in a cluster, one numbering kept by node 0 for
 * the threads the program makes, wherever it makes them (each JVM's own counter also counts the runtime's
 * threads, and would restart on every node); without one, the JVM's own counter, exactly as the JDK would.
 * <p>
 * Do not use -- for internal use only.
 */
public final class ThreadNames
{
    /** The JDK's own: {@code genThreadName()} (JDK 19 and later), or {@code nextThreadNum()} (JDK 17). */
    private static final MethodHandle GEN = find("genThreadName", String.class);
    private static final MethodHandle NUM = GEN != null ? null : find("nextThreadNum", int.class);
    private static final AtomicInteger CLUSTER = new AtomicInteger();
    /** Only if the JDK's counter cannot be reached. */
    private static final AtomicInteger FALLBACK = new AtomicInteger();

    private ThreadNames()
    {
    }

    private static MethodHandle find(final String name, final Class<?> type)
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            return lookup.findStatic(Thread.class, name, MethodType.methodType(type));
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }

    /** @return the next name of this JVM's own numbering, as {@code new Thread()} would give it. */
    public static String local()
    {
        try
        {
            if (GEN != null)
            {
                return (String)GEN.invokeExact();
            }
            if (NUM != null)
            {
                return "Thread-" + (int)NUM.invokeExact();
            }
        }
        catch (final Throwable ex)
        {
            // fall through
        }
        return "Thread-" + FALLBACK.getAndIncrement();
    }

    /** @return how many names the cluster's numbering gave (node 0; a checkpoint keeps it). */
    public static int clusterCount()
    {
        return CLUSTER.get();
    }

    /** Goes on numbering from a restored checkpoint's count (node 0, before the program runs). */
    public static void restoreClusterCount(final int count)
    {
        CLUSTER.accumulateAndGet(count, Math::max);
    }

    /** @return the next name of the cluster's numbering: call on node 0 only. */
    public static String cluster()
    {
        return "Thread-" + CLUSTER.getAndIncrement();
    }
}
