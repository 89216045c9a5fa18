package io.ssijava.rt;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The thread containers of JDK 21+ thread pools ({@code jdk.internal.vm.SharedThreadContainer}): they only group a
 * pool's threads for thread dumps, so a pool shared between nodes has, on each node, a container of its own with the
 * same name. Part of the instrumented java.base, where {@code jdk.internal.vm} can be reached.
 * <p>
 * Do not use -- for internal use only.
 */
public final class PoolContainers
{
    private static final String TYPE = "jdk.internal.vm.SharedThreadContainer";
    private static final ConcurrentHashMap<String, Object> BY_NAME = new ConcurrentHashMap<>();

    private PoolContainers()
    {
    }

    /** @return whether {@code v} is a pool's thread container. */
    public static boolean isContainer(final Object v)
    {
        return v != null && TYPE.equals(v.getClass().getName());
    }

    /** @return the name of a pool's thread container. */
    public static String nameOf(final Object container)
    {
        try
        {
            final Method name = container.getClass().getMethod("name");
            return String.valueOf(name.invoke(container));
        }
        catch (final ReflectiveOperationException ex)
        {
            return container.getClass().getName();
        }
    }

    /** @return this node's container of the given name, made on first use. */
    public static Object named(final String name)
    {
        return BY_NAME.computeIfAbsent(name, n ->
        {
            try
            {
                return Class.forName(TYPE).getMethod("create", String.class).invoke(null, n);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot make a thread container on this node: " + ex, ex);
            }
        });
    }
}
