package io.ssijava.dsm;

import io.ssijava.rt.Managed;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Encodes values for the wire. Objects of rewritten classes and arrays travel as references (global ids), sharing
 * them on the way out; immutable JDK values (strings, boxed numbers, big numbers, enums, records, lambdas) travel by
 * value. Anything else is refused with a message naming its class, never copied silently.
 * <p>
 * Decoding only ever creates instances of classes this job has loaded or can load from its own class path and that
 * are rewritten application classes or known value types.
 */
final class Codec
{
    static final byte T_NULL = 0;
    static final byte T_OBJ = 1;
    static final byte T_ARR = 2;
    static final byte T_STRING = 3;
    static final byte T_INT = 4;
    static final byte T_LONG = 5;
    static final byte T_DOUBLE = 6;
    static final byte T_FLOAT = 7;
    static final byte T_SHORT = 8;
    static final byte T_BYTE = 9;
    static final byte T_CHAR = 10;
    static final byte T_BOOL = 11;
    static final byte T_BIGINT = 12;
    static final byte T_BIGDEC = 13;
    static final byte T_ENUM = 14;
    static final byte T_RECORD = 15;
    static final byte T_LAMBDA = 16;
    static final byte T_CLASS = 17;
    static final byte T_THREAD = 18;
    static final byte T_PLAIN = 19;
    static final byte T_INTERNED = 20;
    static final byte T_LIST_OF = 21;
    static final byte T_SET_OF = 22;
    static final byte T_MAP_OF = 23;
    static final byte T_THREAD_GROUP = 24;
    static final byte T_POOL_CONTAINER = 25;
    /** System.in, System.out or System.err: each node's own (their output reaches the launcher's). */
    static final byte T_STD_STREAM = 26;
    /** A Locale: an immutable value (a printf in progress holds one), by its language tag. */
    static final byte T_LOCALE = 27;
    /** An open file a checkpoint keeps: the writing node and its index in that node's table (ExternalValues). */
    static final byte T_EXTERNAL = 28;
    /** Longest immutable collection sent by value. */
    private static final int MAX_IMMUTABLE = 1 << 24;

    private final ObjectSpace space;

    Codec(final ObjectSpace space)
    {
        this.space = space;
    }

    ObjectSpace space()
    {
        return space;
    }

    void writeValue(final WireOut out, final Object v)
    {
        if (v == null)
        {
            out.putByte(T_NULL);
        }
        else if (v.getClass().getName().startsWith("java.util.ImmutableCollections$"))
        {
            writeImmutable(out, v);
        }
        else if (v instanceof java.util.Locale)
        {
            out.putByte(T_LOCALE).putString(((java.util.Locale)v).toLanguageTag());
        }
        else if (v instanceof Managed && !(v instanceof Enum) && !(v instanceof Record))
        {
            ClassLayout.of(v.getClass()); // refuses a class whose JDK code is not cluster-aware
            final Meta m = space.share(v);
            out.putByte(T_OBJ).putLong(m.gid).putString(v.getClass().getName()).putInt(m.hash);
        }
        else if (v.getClass().isArray())
        {
            final Meta m = space.share(v);
            out.putByte(T_ARR).putLong(m.gid).putString(v.getClass().getName()).putInt(Array.getLength(v))
                .putInt(m.hash);
        }
        else if (v.getClass() == Object.class)
        {
            final Meta m = space.share(v);
            out.putByte(T_PLAIN).putLong(m.gid).putInt(m.hash);
        }
        else if (v instanceof String)
        {
            // literals and other interned strings stay == to the receiver's literals
            final String str = (String)v;
            out.putByte(str == str.intern() ? T_INTERNED : T_STRING).putString(str);
        }
        else if (v instanceof Integer)
        {
            out.putByte(T_INT).putInt((Integer)v);
        }
        else if (v instanceof Long)
        {
            out.putByte(T_LONG).putLong((Long)v);
        }
        else if (v instanceof Double)
        {
            out.putByte(T_DOUBLE).putDouble((Double)v);
        }
        else if (v instanceof Float)
        {
            out.putByte(T_FLOAT).putFloat((Float)v);
        }
        else if (v instanceof Short)
        {
            out.putByte(T_SHORT).putShort((Short)v);
        }
        else if (v instanceof Byte)
        {
            out.putByte(T_BYTE).putByte((Byte)v);
        }
        else if (v instanceof Character)
        {
            out.putByte(T_CHAR).putChar((Character)v);
        }
        else if (v instanceof Boolean)
        {
            out.putByte(T_BOOL).putBoolean((Boolean)v);
        }
        else if (v instanceof BigInteger)
        {
            out.putByte(T_BIGINT).putString(v.toString());
        }
        else if (v instanceof BigDecimal)
        {
            out.putByte(T_BIGDEC).putString(v.toString());
        }
        else if (v instanceof Enum)
        {
            final Enum<?> e = (Enum<?>)v;
            out.putByte(T_ENUM).putString(e.getDeclaringClass().getName()).putInt(e.ordinal());
        }
        else if (v instanceof Record)
        {
            writeRecord(out, (Record)v);
        }
        else if (v instanceof Class)
        {
            out.putByte(T_CLASS).putString(((Class<?>)v).getName());
        }
        else if (v instanceof Thread && space.threadRefs != null)
        {
            out.putByte(T_THREAD);
            space.threadRefs.write(out, (Thread)v);
        }
        else if (space.lambdas.isLambda(v))
        {
            out.putByte(T_LAMBDA);
            space.lambdas.write(this, out, v);
        }
        else if (v instanceof ThreadGroup)
        {
            // thread factories hold one: a pool's threads on another node belong to that node's main group
            out.putByte(T_THREAD_GROUP).putString(((ThreadGroup)v).getName());
        }
        else if (v == System.out || v == System.err || v == System.in)
        {
            // on a thread's stack mid-call (System.out.println(...) with the argument still to compute)
            out.putByte(T_STD_STREAM).putByte(v == System.in ? 0 : v == System.out ? 1 : 2);
        }
        else if (io.ssijava.rt.PoolContainers.isContainer(v))
        {
            // JDK 21+ pools hold one: each node groups the pool's threads that run there in a container of its own
            out.putByte(T_POOL_CONTAINER).putString(io.ssijava.rt.PoolContainers.nameOf(v));
        }
        else if (writeExternal(out, v))
        {
            return;
        }
        else
        {
            throw new SsiException("cannot share an instance of " + v.getClass().getName() +
                " between nodes: only objects of application classes, arrays and immutable values can be shared" +
                " by this version of ssi-java");
        }
    }

    /** An open file, while a checkpoint is written on this thread; @return false if it is not one it keeps. */
    private boolean writeExternal(final WireOut out, final Object v)
    {
        final ExternalValues x = ObjectSpace.WRITING_EXTERNALS.get();
        final int index = x == null ? -1 : x.indexOf(v);
        if (index < 0)
        {
            return false;
        }
        out.putByte(T_EXTERNAL).putInt(space.self).putInt(index);
        return true;
    }

    /** List.of, Set.of, Map.of and friends: immutable, and hashed with a per-JVM salt, so they travel by value. */
    private void writeImmutable(final WireOut out, final Object v)
    {
        if (v instanceof java.util.Map)
        {
            final java.util.Map<?, ?> map = (java.util.Map<?, ?>)v;
            out.putByte(T_MAP_OF).putInt(map.size());
            int i = 0;
            for (final java.util.Map.Entry<?, ?> e : map.entrySet())
            {
                writeElement(out, e.getKey(), "key " + i);
                writeElement(out, e.getValue(), "value " + i++);
            }
            return;
        }
        final java.util.Collection<?> c = (java.util.Collection<?>)v;
        out.putByte(v instanceof java.util.Set ? T_SET_OF : T_LIST_OF).putInt(c.size());
        int i = 0;
        for (final Object e : c)
        {
            writeElement(out, e, "[" + i++ + "]");
        }
    }

    private void writeElement(final WireOut out, final Object e, final String path)
    {
        try
        {
            writeValue(out, e);
        }
        catch (final SsiException ex)
        {
            throw ex.addPath(path);
        }
    }

    private Object readImmutable(final byte tag, final WireIn in)
    {
        final int n = in.getCount(MAX_IMMUTABLE);
        if (tag == T_MAP_OF)
        {
            @SuppressWarnings("unchecked")
            final java.util.Map.Entry<Object, Object>[] entries = new java.util.Map.Entry[n];
            for (int i = 0; i < n; i++)
            {
                entries[i] = java.util.Map.entry(readValue(in), readValue(in));
            }
            return java.util.Map.ofEntries(entries);
        }
        final Object[] elements = new Object[n];
        boolean nulls = false;
        for (int i = 0; i < n; i++)
        {
            elements[i] = readValue(in);
            nulls |= elements[i] == null;
        }
        if (tag == T_SET_OF)
        {
            return java.util.Set.of(elements);
        }
        // Stream.toList() makes immutable lists that may hold null, List.of may not
        return nulls ? java.util.Collections.unmodifiableList(java.util.Arrays.asList(elements)) :
            java.util.List.of(elements);
    }

    private void writeRecord(final WireOut out, final Record r)
    {
        final RecordComponent[] comps = r.getClass().getRecordComponents();
        out.putByte(T_RECORD).putString(r.getClass().getName()).putInt(comps.length);
        for (final RecordComponent c : comps)
        {
            try
            {
                final Field f = r.getClass().getDeclaredField(c.getName());
                f.setAccessible(true);
                writeValue(out, f.get(r));
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new SsiException("cannot read record component " + c.getName() + " of " + r.getClass(), ex);
            }
            catch (final SsiException ex)
            {
                throw ex.addPath(c.getName());
            }
        }
    }

    Object readValue(final WireIn in)
    {
        final byte tag = in.getByte();
        switch (tag)
        {
            case T_NULL: return null;
            case T_OBJ:
            {
                final long gid = in.getLong();
                final Class<?> c = space.classes.managedClass(in.getString());
                return space.resolveObject(gid, c, in.getInt());
            }
            case T_ARR:
            {
                final long gid = in.getLong();
                final Class<?> c = space.classes.arrayClass(in.getString());
                final int length = in.getCount(Integer.MAX_VALUE - 8);
                return space.resolveArray(gid, c, length, in.getInt());
            }
            case T_EXTERNAL:
            {
                final int node = in.getInt();
                final int index = in.getInt();
                final ExternalValues x = space.restoredExternals;
                if (x == null)
                {
                    throw new SsiException("an open file of a checkpoint outside the checkpoint's restore");
                }
                return x.valueAt(node, index);
            }
            case T_PLAIN:
            {
                final long gid = in.getLong();
                return space.resolvePlain(gid, in.getInt());
            }
            case T_STRING: return in.getString();
            case T_INTERNED: return in.getString().intern();
            case T_INT: return in.getInt();
            case T_LONG: return in.getLong();
            case T_DOUBLE: return in.getDouble();
            case T_FLOAT: return in.getFloat();
            case T_SHORT: return in.getShort();
            case T_BYTE: return in.getByte();
            case T_CHAR: return in.getChar();
            case T_BOOL: return in.getBoolean();
            case T_BIGINT: return bigNumber(in.getString(), false);
            case T_BIGDEC: return bigNumber(in.getString(), true);
            case T_ENUM:
            {
                final Class<?> c = space.classes.enumClass(in.getString());
                final Object[] constants = c.getEnumConstants();
                final int ordinal = in.getInt();
                if (ordinal < 0 || ordinal >= constants.length)
                {
                    throw new WireException("bad ordinal " + ordinal + " for " + c.getName());
                }
                return constants[ordinal];
            }
            case T_RECORD: return readRecord(in);
            case T_CLASS: return space.classes.anyClass(in.getString());
            case T_THREAD:
                if (space.threadRefs == null)
                {
                    throw new WireException("thread reference but no thread support on this node");
                }
                return space.threadRefs.read(in);
            case T_LAMBDA: return space.lambdas.read(this, in);
            case T_LIST_OF:
            case T_SET_OF:
            case T_MAP_OF:
                try
                {
                    return readImmutable(tag, in);
                }
                catch (final IllegalArgumentException | NullPointerException ex)
                {
                    throw new WireException("bad immutable collection: " + ex.getMessage());
                }
            case T_THREAD_GROUP:
                in.getString();
                return mainGroup();
            case T_POOL_CONTAINER:
                return io.ssijava.rt.PoolContainers.named(in.getString());
            case T_LOCALE:
                return java.util.Locale.forLanguageTag(in.getString());
            case T_STD_STREAM:
                final byte which = in.getByte();
                if (which < 0 || which > 2)
                {
                    throw new WireException("unknown standard stream " + which);
                }
                return which == 0 ? System.in : which == 1 ? System.out : System.err;
            default: throw new WireException("unknown value tag " + tag);
        }
    }

    private static ThreadGroup mainGroup()
    {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null && !"main".equals(g.getName()))
        {
            g = g.getParent();
        }
        return g;
    }

    private static Object bigNumber(final String text, final boolean decimal)
    {
        try
        {
            return decimal ? new BigDecimal(text) : new BigInteger(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new WireException("bad number '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
        }
    }

    private Object readRecord(final WireIn in)
    {
        final Class<?> c = space.classes.recordClass(in.getString());
        final RecordComponent[] comps = c.getRecordComponents();
        final int n = in.getCount(comps.length);
        if (n != comps.length)
        {
            throw new WireException("record " + c.getName() + " has " + comps.length + " components, got " + n);
        }
        final Object[] args = new Object[n];
        final Class<?>[] types = new Class<?>[n];
        for (int i = 0; i < n; i++)
        {
            args[i] = readValue(in);
            types[i] = comps[i].getType();
        }
        try
        {
            final Constructor<?> ctor = c.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        }
        catch (final ReflectiveOperationException | IllegalArgumentException | ClassCastException ex)
        {
            throw new WireException("cannot rebuild record " + c.getName() + ": " + ex);
        }
    }

    /** Writes a field of primitive or reference type. */
    void writeField(final WireOut out, final Class<?> type, final Object value)
    {
        if (!type.isPrimitive())
        {
            writeValue(out, value);
        }
        else if (type == int.class)
        {
            out.putInt((Integer)value);
        }
        else if (type == long.class)
        {
            out.putLong((Long)value);
        }
        else if (type == double.class)
        {
            out.putDouble((Double)value);
        }
        else if (type == float.class)
        {
            out.putFloat((Float)value);
        }
        else if (type == boolean.class)
        {
            out.putBoolean((Boolean)value);
        }
        else if (type == byte.class)
        {
            out.putByte((Byte)value);
        }
        else if (type == short.class)
        {
            out.putShort((Short)value);
        }
        else
        {
            out.putChar((Character)value);
        }
    }

    Object readField(final WireIn in, final Class<?> type)
    {
        if (!type.isPrimitive())
        {
            return readValue(in);
        }
        else if (type == int.class)
        {
            return in.getInt();
        }
        else if (type == long.class)
        {
            return in.getLong();
        }
        else if (type == double.class)
        {
            return in.getDouble();
        }
        else if (type == float.class)
        {
            return in.getFloat();
        }
        else if (type == boolean.class)
        {
            return in.getBoolean();
        }
        else if (type == byte.class)
        {
            return in.getByte();
        }
        else if (type == short.class)
        {
            return in.getShort();
        }
        return in.getChar();
    }

    /** Writes elements [from, to) of an array. */
    void writeElements(final WireOut out, final Object array, final int from, final int to)
    {
        if (out.putElements(array, from, to))
        {
            return;
        }
        final Class<?> ct = array.getClass().getComponentType();
        if (!ct.isPrimitive())
        {
            final Object[] a = (Object[])array;
            for (int i = from; i < to; i++)
            {
                try
                {
                    writeValue(out, a[i]);
                }
                catch (final SsiException ex)
                {
                    throw ex.addPath("[" + i + "]");
                }
            }
        }
        else
        {
            for (int i = from; i < to; i++)
            {
                writeField(out, ct, Array.get(array, i));
            }
        }
    }

    /** Reads elements [from, to) into a fresh array of the same component type (decoded outside any lock). */
    Object readElements(final WireIn in, final Class<?> componentType, final int count)
    {
        final int size = WireIn.numberBytes(componentType);
        if (size != 0)
        {
            in.require((long)count * size); // before allocating what a bad count asks for
            final Object a = Array.newInstance(componentType, count);
            in.getElements(a, 0, count);
            return a;
        }
        final Object a = Array.newInstance(componentType, count);
        for (int i = 0; i < count; i++)
        {
            Array.set(a, i, readField(in, componentType));
        }
        return a;
    }

    /** Element size in bytes on the wire, for chunking; references count as 16. */
    static int elementSize(final Class<?> componentType)
    {
        if (componentType == boolean.class)
        {
            return 1;
        }
        final int size = WireIn.numberBytes(componentType);
        return size != 0 ? size : 16;
    }
}
