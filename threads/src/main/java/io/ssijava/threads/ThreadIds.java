package io.ssijava.threads;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Gives the thread objects that stand for one thread of the program on several nodes the id of the object the program
 * made ({@code Thread.getId()}), so that the id is the same wherever the thread runs, moves or is looked at from.
 * The JVM keeps a thread's id in a final field of Thread, written once at construction; writing it before the thread
 * starts (or into a thread object that never runs) is what the constructor does. Where the field cannot be reached
 * (a JVM started without access to {@code jdk.internal.misc}), ids stay per node.
 */
final class ThreadIds
{
    private static final MethodHandle PUT_LONG;
    private static final long TID_OFFSET;

    static
    {
        MethodHandle put = null;
        long offset = -1;
        try
        {
            final Class<?> u = Class.forName("jdk.internal.misc.Unsafe");
            final Object unsafe = u.getMethod("getUnsafe").invoke(null);
            final Field tid = Thread.class.getDeclaredField("tid");
            offset = (long)u.getMethod("objectFieldOffset", Field.class).invoke(unsafe, tid);
            put = MethodHandles.lookup().findVirtual(u, "putLong",
                MethodType.methodType(void.class, Object.class, long.class, long.class)).bindTo(unsafe);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            put = null;
        }
        PUT_LONG = put;
        TID_OFFSET = offset;
    }

    private ThreadIds()
    {
    }

    /**
     * Makes {@code t} answer {@code id} from {@code getId()}.
     *
     * @param t  a thread object that has not started, or that never runs (a stand-in for one running elsewhere).
     * @param id the id of the thread it stands for.
     */
    static void adopt(final Thread t, final long id)
    {
        if (PUT_LONG == null || id <= 0 || t.getId() == id)
        {
            return;
        }
        try
        {
            PUT_LONG.invokeExact((Object)t, TID_OFFSET, id);
        }
        catch (final Throwable ex)
        {
            // ids stay per node
        }
    }
}
