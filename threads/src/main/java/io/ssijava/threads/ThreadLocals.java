package io.ssijava.threads;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's thread-locals of a thread, read so that they can go where the thread goes. The JDK keeps them in two
 * maps on the Thread object ({@code threadLocals}, {@code inheritableThreadLocals}), whose entries are weak
 * references to the ThreadLocal with its value; they are read here through {@code jdk.internal.misc.Unsafe} and set
 * on the other node with {@code ThreadLocal.set} on the arrived thread.
 * <p>
 * A ThreadLocal cannot be shared between nodes (a class whose statics hold one is initialized on every node), so a
 * thread-local is named by the static field that holds it, looked for in the classes of the thread's frames and in
 * their nests (the usual {@code static final ThreadLocal}); the other node takes its own ThreadLocal from the same
 * field. Thread-locals found in no such field, those of the JDK that hold per-node resources
 * ({@code TerminatingThreadLocal}: I/O buffer caches) and those of ssi-java itself stay behind. Where the maps cannot
 * be read (a JVM without access to {@code jdk.internal.misc}), no thread-local moves.
 */
final class ThreadLocals
{
    private static final MethodHandle GET_REFERENCE;
    private static final long[] MAP_OFFSETS;
    private static final long TABLE_OFFSET;
    private static final long VALUE_OFFSET;
    /** The field found for each ThreadLocal (a static final field keeps its ThreadLocal for good). */
    private static final java.util.Map<ThreadLocal<?>, Holder> HOLDERS =
        java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    static
    {
        MethodHandle get = null;
        long[] maps = new long[0];
        long table = -1;
        long value = -1;
        try
        {
            final Class<?> u = Class.forName("jdk.internal.misc.Unsafe");
            final Object unsafe = u.getMethod("getUnsafe").invoke(null);
            final MethodHandle offset = MethodHandles.lookup().findVirtual(u, "objectFieldOffset",
                MethodType.methodType(long.class, Class.class, String.class)).bindTo(unsafe);
            final Class<?> map = Class.forName("java.lang.ThreadLocal$ThreadLocalMap");
            final Class<?> entry = Class.forName("java.lang.ThreadLocal$ThreadLocalMap$Entry");
            maps = new long[] {
                (long)offset.invoke(Thread.class, "threadLocals"),
                (long)offset.invoke(Thread.class, "inheritableThreadLocals")};
            table = (long)offset.invoke(map, "table");
            value = (long)offset.invoke(entry, "value");
            get = MethodHandles.lookup().findVirtual(u, "getReference",
                MethodType.methodType(Object.class, Object.class, long.class)).bindTo(unsafe);
        }
        catch (final Throwable ex)
        {
            get = null;
        }
        GET_REFERENCE = get;
        MAP_OFFSETS = maps;
        TABLE_OFFSET = table;
        VALUE_OFFSET = value;
    }

    private ThreadLocals()
    {
    }

    /** One thread-local of a thread: the ThreadLocal and the thread's value of it. */
    record Entry(ThreadLocal<Object> local, Object value)
    {
    }

    /** A static field that holds a ThreadLocal: how the thread-local is named between nodes. */
    record Holder(String owner, String field)
    {
        /** @return the ThreadLocal this node keeps in the field (initializing its class here if need be). */
        @SuppressWarnings("unchecked")
        ThreadLocal<Object> resolve(final ClassLoader loader)
        {
            try
            {
                final java.lang.reflect.Field f = Class.forName(owner, true, loader).getDeclaredField(field);
                f.setAccessible(true);
                final Object v = f.get(null);
                if (!(v instanceof ThreadLocal))
                {
                    throw new IllegalStateException(owner + "." + field + " holds no ThreadLocal on this node");
                }
                return (ThreadLocal<Object>)v;
            }
            catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
            {
                throw new IllegalStateException("cannot read the thread-local " + owner + "." + field + ": " + ex, ex);
            }
        }

        /**
         * @param local   a ThreadLocal.
         * @param classes where to look: the classes of a thread's frames.
         * @return the static field among those classes and their nests that holds it, or null.
         */
        static Holder of(final ThreadLocal<?> local, final java.util.Collection<Class<?>> classes)
        {
            final Holder known = HOLDERS.get(local);
            if (known != null)
            {
                return known;
            }
            final Holder found = find(local, classes);
            if (found != null)
            {
                HOLDERS.put(local, found);
            }
            return found;
        }

        private static Holder find(final ThreadLocal<?> local, final java.util.Collection<Class<?>> classes)
        {
            final java.util.Set<Class<?>> seen = new java.util.HashSet<>();
            for (final Class<?> c : classes)
            {
                final List<Class<?>> nest = new ArrayList<>();
                nest.add(c);
                nest.add(c.getNestHost());
                nest.addAll(List.of(c.getNestHost().getNestMembers()));
                for (final Class<?> k : nest)
                {
                    if (!seen.add(k))
                    {
                        continue;
                    }
                    for (final java.lang.reflect.Field f : k.getDeclaredFields())
                    {
                        if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) &&
                            ThreadLocal.class.isAssignableFrom(f.getType()))
                        {
                            try
                            {
                                f.setAccessible(true);
                                if (f.get(null) == local)
                                {
                                    return new Holder(k.getName(), f.getName());
                                }
                            }
                            catch (final ReflectiveOperationException | RuntimeException ex)
                            {
                                // not readable: not this one
                            }
                        }
                    }
                }
            }
            return null;
        }
    }

    /** @return the thread's thread-locals that belong to the program. */
    @SuppressWarnings("unchecked")
    static List<Entry> of(final Thread t)
    {
        final List<Entry> out = new ArrayList<>();
        if (GET_REFERENCE == null)
        {
            return out;
        }
        try
        {
            for (final long mapOffset : MAP_OFFSETS)
            {
                final Object map = GET_REFERENCE.invoke((Object)t, mapOffset);
                if (map == null)
                {
                    continue;
                }
                final Object[] table = (Object[])GET_REFERENCE.invoke(map, TABLE_OFFSET);
                for (final Object e : table)
                {
                    if (e == null)
                    {
                        continue;
                    }
                    final Object key = ((Reference<?>)e).get();
                    if (key instanceof ThreadLocal && belongsToProgram((ThreadLocal<?>)key))
                    {
                        final Object v = GET_REFERENCE.invoke(e, VALUE_OFFSET);
                        if (v == null || !v.getClass().getName().startsWith("io.ssijava."))
                        {
                            out.add(new Entry((ThreadLocal<Object>)key, v));
                        }
                    }
                }
            }
        }
        catch (final Throwable ex)
        {
            out.clear(); // the maps changed shape under us (a JDK we do not know): nothing moves
        }
        return out;
    }

    private static boolean belongsToProgram(final ThreadLocal<?> local)
    {
        final Class<?> type = local.getClass();
        final ClassLoader loader = type.getClassLoader();
        if (loader == null || loader == ClassLoader.getPlatformClassLoader())
        {
            // the JDK's own kinds (class loading's buffer caches, TerminatingThreadLocal's registry) are not the
            // program's; the kinds a program makes are ThreadLocal, InheritableThreadLocal and withInitial's
            return type == ThreadLocal.class || type == InheritableThreadLocal.class ||
                type.getName().equals("java.lang.ThreadLocal$SuppliedThreadLocal");
        }
        for (Class<?> c = type; c != null && c != ThreadLocal.class; c = c.getSuperclass())
        {
            final String name = c.getName();
            if (name.startsWith("io.ssijava.") || name.equals("jdk.internal.misc.TerminatingThreadLocal"))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets the current thread's program thread-locals to these, dropping any it still had here from an earlier visit.
     *
     * @param entries the thread's thread-locals where it came from.
     */
    static void install(final List<Entry> entries)
    {
        for (final Entry stale : of(Thread.currentThread()))
        {
            stale.local().remove();
        }
        for (final Entry e : entries)
        {
            e.local().set(e.value());
        }
    }
}
