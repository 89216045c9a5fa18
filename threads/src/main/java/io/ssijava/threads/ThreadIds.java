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
 * <p>
 * Each JVM numbers the threads it makes from 1, so a thread the program makes on another node would otherwise get an
 * id that a thread made on node 0 has too: {@link #numberFrom} gives node n the ids from n * 2<sup>48</sup> on.
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

    /** Ids a node may give its threads: node n numbers from n * SPAN. */
    static final long SPAN = 1L << 48;

    /**
     * Makes this JVM number the threads it makes from now on from {@code node * 2^48}, so that their ids differ from
     * those of every other node's threads (node 0 keeps the JVM's own numbers, which stay far below).
     *
     * @param node this node.
     * @return whether the JVM's counter could be moved.
     */
    static boolean numberFrom(final int node)
    {
        if (node <= 0)
        {
            return true;
        }
        try
        {
            final Class<?> u = Class.forName("jdk.internal.misc.Unsafe");
            final Object unsafe = u.getMethod("getUnsafe").invoke(null);
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final MethodHandle base = lookup.findVirtual(u, "staticFieldBase",
                MethodType.methodType(Object.class, Field.class)).bindTo(unsafe);
            final MethodHandle offset = lookup.findVirtual(u, "staticFieldOffset",
                MethodType.methodType(long.class, Field.class)).bindTo(unsafe);
            final MethodHandle getAndAdd = lookup.findVirtual(u, "getAndAddLong",
                MethodType.methodType(long.class, Object.class, long.class, long.class)).bindTo(unsafe);
            final long delta = node * SPAN;
            final Field seq = declared(Thread.class, "threadSeqNumber");
            if (seq != null)
            {
                // JDK 17: a static field that Thread.nextThreadID() increments while it holds Thread.class
                synchronized (Thread.class)
                {
                    getAndAdd.invoke(base.invoke(seq), (long)offset.invoke(seq), delta);
                }
                return true;
            }
            // JDK 19 on: the counter lives in the VM, at the address in Thread.ThreadIdentifiers.NEXT_TID_OFFSET
            final Field next = declared(Class.forName("java.lang.Thread$ThreadIdentifiers"), "NEXT_TID_OFFSET");
            if (next == null)
            {
                return false;
            }
            final MethodHandle getLong = lookup.findVirtual(u, "getLong",
                MethodType.methodType(long.class, Object.class, long.class)).bindTo(unsafe);
            final long address = (long)getLong.invoke(base.invoke(next), (long)offset.invoke(next));
            getAndAdd.invoke((Object)null, address, delta);
            return true;
        }
        catch (final Throwable ex)
        {
            return false;
        }
    }

    private static Field declared(final Class<?> c, final String name)
    {
        try
        {
            return c.getDeclaredField(name);
        }
        catch (final NoSuchFieldException ex)
        {
            return null;
        }
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
