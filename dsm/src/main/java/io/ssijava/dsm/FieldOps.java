package io.ssijava.dsm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Atomic compare-and-set of instance fields of application objects, for merging fetched values. */
final class FieldOps
{
    private static final Map<Field, VarHandle> HANDLES = new ConcurrentHashMap<>();
    private static final VarHandle NONE = MethodHandles.arrayElementVarHandle(int[].class);

    private FieldOps()
    {
    }

    /**
     * Sets the field to {@code fresh} if it still holds {@code expected}, atomically with respect to concurrent stores.
     * "Holds" is meant as the diff means it ({@link ObjectSpace#same}): a boxed number equal to the twin's is no
     * write of this node, even if it is another object (a local {@code v + 0}); kept, it would hide the fresh value
     * from this node while its diff, finding nothing changed, never sends it.
     *
     * @return false if this field has no atomic access (final fields): the caller falls back to a plain check.
     */
    static boolean replaceIfUnchanged(final Field f, final Object owner, final Object expected, final Object fresh)
    {
        final VarHandle vh = HANDLES.computeIfAbsent(f, FieldOps::handle);
        if (vh == NONE)
        {
            return false;
        }
        while (true)
        {
            final Object current = vh.getVolatile(owner);
            if (!ObjectSpace.same(current, expected) || vh.compareAndSet(owner, current, fresh))
            {
                return true;
            }
        }
    }

    private static VarHandle handle(final Field f)
    {
        if (Modifier.isFinal(f.getModifiers()))
        {
            return NONE;
        }
        try
        {
            return MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup()).unreflectVarHandle(f);
        }
        catch (final IllegalAccessException | RuntimeException ex)
        {
            return NONE;
        }
    }
}
