package io.ssijava.dsm;

import io.ssijava.rt.JdkOps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-modify-writes (compare-and-set, get-and-add, ...) of shared objects, as the JDK's atomics, concurrent
 * collections and synchronizers do them through {@code Unsafe} and {@code VarHandle}s: each runs on the object's
 * home node, on the master copy, so it is atomic across the cluster; it costs one round trip from any other node.
 * <p>
 * An atomic operation is a release and an acquire: this node's writes are flushed first, and the home invalidates
 * every other copy of what changed before it answers.
 * <p>
 * Values that travel by value (strings, boxed numbers, ...) arrive as new objects, so a compare-and-set compares
 * them by value where the JVM would compare references: a program cannot tell the difference unless it keeps two
 * equal such values apart by identity.
 */
final class Atomics
{
    private static final byte FIELD = 0;
    private static final byte ELEMENT = 1;

    private final Node node;
    private final ObjectSpace space;
    private final Map<Object, VarHandle> handles = new ConcurrentHashMap<>();

    Atomics(final Node node)
    {
        this.node = node;
        this.space = node.space();
        node.register(MessageTypes.ATOMIC, this::serve);
    }

    /** Runs the operation for a thread of this node. */
    Object run(final Object o, final long where, final String field, final int op, final Object a, final Object b)
    {
        final Meta m = space.metaOf(o);
        if (m == null)
        {
            throw new SsiException("atomic operation on " + o.getClass().getName() + ", which is not shared");
        }
        final Object slot = o.getClass().isArray() ?
            (Object)Integer.valueOf(field != null ? (int)where : Offsets.elementIndex(o.getClass(), where)) :
            field != null ? fieldNamed(o.getClass(), field) : Offsets.fieldAt(o.getClass(), where);
        space.flush();
        if (m.home == node.self())
        {
            final Result r = execute(m, slot, op, a, b);
            return r.value(op, a);
        }
        final WireOut msg = node.message(MessageTypes.ATOMIC).putLong(m.gid);
        if (slot instanceof Integer)
        {
            msg.putByte(ELEMENT).putInt((Integer)slot);
        }
        else
        {
            final Field f = (Field)slot;
            msg.putByte(FIELD).putString(f.getDeclaringClass().getName()).putString(f.getName());
        }
        msg.putByte((byte)op);
        space.codec.writeValue(msg, a);
        space.codec.writeValue(msg, b);
        final WireIn reply = node.call(m.home, msg);
        node.stats().atomics.incrementAndGet();
        final boolean matched = reply.getBoolean();
        final Object value = space.codec.readValue(reply);
        return new Result(matched, value).value(op, a);
    }

    private void serve(final int from, final long corr, final WireIn in)
    {
        final long gid = in.getLong();
        final Meta m = space.byGid(gid);
        if (m == null || m.home != node.self() || m.kind == Meta.Kind.STATICS || m.kind == Meta.Kind.PLAIN)
        {
            throw new WireException("atomic operation on unknown object " + Long.toHexString(gid));
        }
        final byte shape = in.getByte();
        final Object slot;
        if (shape == ELEMENT)
        {
            final int index = in.getInt();
            if (m.kind != Meta.Kind.ARRAY || index < 0 || index >= java.lang.reflect.Array.getLength(m.target))
            {
                throw new WireException("atomic operation on element " + index + " of " + m);
            }
            slot = index;
        }
        else if (shape == FIELD)
        {
            final String decl = in.getString();
            final String name = in.getString();
            if (m.kind != Meta.Kind.OBJECT)
            {
                throw new WireException("atomic operation on field " + name + " of " + m);
            }
            slot = fieldNamed(m.target.getClass(), decl + '.' + name);
        }
        else
        {
            throw new WireException("bad atomic operation shape " + shape);
        }
        final int op = in.getByte();
        if (op < JdkOps.CAS || op > JdkOps.XOR)
        {
            throw new WireException("bad atomic operation " + op);
        }
        final Object a = space.codec.readValue(in);
        final Object b = space.codec.readValue(in);
        final Result r = execute(m, slot, op, a, b);
        // what it read may have come with a diff whose invalidations are still on their way (to the asking node,
        // too): answering first would let that node act on its stale copy (a lock taken, its old state read)
        space.awaitInvalidations(m);
        final WireOut out = node.reply().putBoolean(r.matched);
        space.codec.writeValue(out, r.value);
        node.sendReply(from, corr, out);
    }

    /** On the home: applies the operation to the master copy, then invalidates the copies of what it changed. */
    private Result execute(final Meta m, final Object slot, final int op, final Object a, final Object b)
    {
        space.writeMiss(m);
        final VarHandle vh = handle(m.target.getClass(), slot);
        final List<Object> coords = new ArrayList<>(3);
        coords.add(m.target);
        if (slot instanceof Integer)
        {
            coords.add(slot);
        }
        final Result r;
        try
        {
            switch (op)
            {
                case JdkOps.CAS:
                case JdkOps.CAE:
                    r = compareAndSet(vh, coords, a, b);
                    break;
                default:
                    final List<Object> args = new ArrayList<>(coords);
                    args.add(a);
                    r = new Result(true, vh.toMethodHandle(mode(op)).invokeWithArguments(args));
                    break;
            }
        }
        catch (final RuntimeException | Error ex)
        {
            space.flush();
            throw ex;
        }
        catch (final Throwable ex)
        {
            space.flush();
            throw new SsiException("atomic operation on " + m + " failed: " + ex, ex);
        }
        if (r.matched)
        {
            space.atomicChanged(m, slot, r.value);
        }
        space.flush();
        return r;
    }

    private static Result compareAndSet(final VarHandle vh, final List<Object> coords, final Object expected,
        final Object fresh) throws Throwable
    {
        final MethodHandle get = vh.toMethodHandle(VarHandle.AccessMode.GET_VOLATILE);
        final MethodHandle cas = vh.toMethodHandle(VarHandle.AccessMode.COMPARE_AND_SET);
        while (true)
        {
            final Object current = get.invokeWithArguments(coords);
            if (!same(current, expected))
            {
                return new Result(false, current);
            }
            final List<Object> args = new ArrayList<>(coords);
            args.add(current);
            args.add(fresh);
            if ((boolean)cas.invokeWithArguments(args))
            {
                return new Result(true, current);
            }
        }
    }

    /** Reference equality, except for values that travel by value (they arrive as new, equal objects). */
    private static boolean same(final Object current, final Object expected)
    {
        if (current == expected)
        {
            return true;
        }
        return current != null && expected != null && current.getClass() == expected.getClass() &&
            isValue(expected) && current.equals(expected);
    }

    private static boolean isValue(final Object v)
    {
        return v instanceof String || v instanceof Number && (v.getClass().getName().startsWith("java.lang.") ||
            v instanceof BigInteger || v instanceof BigDecimal) || v instanceof Character || v instanceof Boolean ||
            v instanceof Record;
    }

    private static VarHandle.AccessMode mode(final int op)
    {
        switch (op)
        {
            case JdkOps.ADD: return VarHandle.AccessMode.GET_AND_ADD;
            case JdkOps.SET: return VarHandle.AccessMode.GET_AND_SET;
            case JdkOps.AND: return VarHandle.AccessMode.GET_AND_BITWISE_AND;
            case JdkOps.OR: return VarHandle.AccessMode.GET_AND_BITWISE_OR;
            case JdkOps.XOR: return VarHandle.AccessMode.GET_AND_BITWISE_XOR;
            default: throw new IllegalArgumentException("operation " + op);
        }
    }

    private VarHandle handle(final Class<?> type, final Object slot)
    {
        final Object key = slot instanceof Integer ? type : slot;
        return handles.computeIfAbsent(key, k ->
        {
            if (k instanceof Class)
            {
                return MethodHandles.arrayElementVarHandle((Class<?>)k);
            }
            final Field f = (Field)k;
            try
            {
                return MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup()).unreflectVarHandle(f);
            }
            catch (final IllegalAccessException ex)
            {
                throw new SsiException("no atomic access to " + f + ": " + ex.getMessage(), ex);
            }
        });
    }

    /** Resolves "declaring.class.Name.field" against a class that must inherit it. */
    private static Field fieldNamed(final Class<?> type, final String qualified)
    {
        final int dot = qualified.lastIndexOf('.');
        final String decl = qualified.substring(0, Math.max(0, dot));
        final String name = qualified.substring(dot + 1);
        for (Class<?> c = type; c != null; c = c.getSuperclass())
        {
            if (c.getName().equals(decl))
            {
                try
                {
                    final Field f = c.getDeclaredField(name);
                    if (Modifier.isStatic(f.getModifiers()))
                    {
                        break;
                    }
                    return f;
                }
                catch (final NoSuchFieldException ex)
                {
                    break;
                }
            }
        }
        throw new WireException("no instance field " + qualified + " in " + type.getName());
    }

    /** What an operation found: whether the expected value matched, and the old (or witness) value. */
    private static final class Result
    {
        final boolean matched;
        final Object value;

        Result(final boolean matched, final Object value)
        {
            this.matched = matched;
            this.value = value;
        }

        /** The value the caller's Unsafe or VarHandle method returns. */
        Object value(final int op, final Object expected)
        {
            if (op == JdkOps.CAS)
            {
                return matched;
            }
            // a witness equal to what the caller expected is the caller's own object, as on one JVM
            return op == JdkOps.CAE && matched ? expected : value;
        }
    }

    /** Field offsets and array layout as {@code jdk.internal.misc.Unsafe} reports them (the JDK code's offsets). */
    static final class Offsets
    {
        private static final MethodHandle FIELD_OFFSET;
        private static final MethodHandle BASE;
        private static final MethodHandle SCALE;
        private static final ClassValue<Map<Long, Field>> FIELDS = new ClassValue<>()
        {
            @Override
            protected Map<Long, Field> computeValue(final Class<?> type)
            {
                final Map<Long, Field> out = new ConcurrentHashMap<>();
                for (Class<?> c = type; c != null; c = c.getSuperclass())
                {
                    for (final Field f : c.getDeclaredFields())
                    {
                        if (!Modifier.isStatic(f.getModifiers()))
                        {
                            try
                            {
                                out.putIfAbsent((long)FIELD_OFFSET.invoke(f), f);
                            }
                            catch (final Throwable ex)
                            {
                                throw new SsiException("cannot find the offset of " + f + ": " + ex, ex);
                            }
                        }
                    }
                }
                return out;
            }
        };

        static
        {
            MethodHandle offset = null;
            MethodHandle base = null;
            MethodHandle scale = null;
            try
            {
                final Class<?> u = Class.forName("jdk.internal.misc.Unsafe");
                final Object unsafe = u.getMethod("getUnsafe").invoke(null);
                final MethodHandles.Lookup l = MethodHandles.lookup();
                offset = l.findVirtual(u, "objectFieldOffset", MethodType.methodType(long.class, Field.class))
                    .bindTo(unsafe);
                // int on JDK 17, long on later JDKs
                base = l.unreflect(u.getMethod("arrayBaseOffset", Class.class)).bindTo(unsafe)
                    .asType(MethodType.methodType(long.class, Class.class));
                scale = l.unreflect(u.getMethod("arrayIndexScale", Class.class)).bindTo(unsafe)
                    .asType(MethodType.methodType(int.class, Class.class));
            }
            catch (final ReflectiveOperationException | RuntimeException ex)
            {
                // no access (not a node started by the agent): no JDK code with offsets runs on shared objects
            }
            FIELD_OFFSET = offset;
            BASE = base;
            SCALE = scale;
        }

        private Offsets()
        {
        }

        static Field fieldAt(final Class<?> type, final long offset)
        {
            final Field f = FIELD_OFFSET == null ? null : FIELDS.get(type).get(offset);
            if (f == null)
            {
                throw new SsiException("no field of " + type.getName() + " at offset " + offset);
            }
            return f;
        }

        static int elementIndex(final Class<?> arrayType, final long offset)
        {
            try
            {
                final long base = (long)BASE.invoke(arrayType);
                final int scale = (int)SCALE.invoke(arrayType);
                return (int)((offset - base) / scale);
            }
            catch (final Throwable ex)
            {
                throw new SsiException("cannot find the element of " + arrayType.getName() + " at offset " + offset);
            }
        }
    }
}
