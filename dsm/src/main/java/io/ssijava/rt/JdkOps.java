package io.ssijava.rt;

/**
 * The part of the facade that only the instrumented copy of the JDK's collections and {@code java.util.concurrent}
 * calls: checks in front of their {@code Unsafe} and {@code VarHandle} accesses, and the slow paths of those
 * accesses on shared objects.
 * <p>
 * The rewritten call site keeps the original access for local objects and calls the {@code atomic*} methods here
 * only when {@link #shared} says the object is shared: a read-modify-write of a shared object then runs on the
 * object's home node, so it stays atomic across nodes. Values travel boxed; the slow path costs a round trip anyway.
 * <p>
 * Nothing here may use a class of the instrumented set itself on its fast path (it would recurse). Accesses to a
 * {@code Thread} (an application subclass is a managed object) are to java.lang.Thread's own fields (park blocker,
 * random probes), which belong to the thread's node: never checked.
 * <p>
 * Do not use -- for internal use only.
 */
public final class JdkOps
{
    /** Compare-and-set; the result is a {@link Boolean}. */
    public static final int CAS = 0;
    /** Compare-and-exchange; the result is the witness value. */
    public static final int CAE = 1;
    /** Get-and-add; the result is the old value. */
    public static final int ADD = 2;
    /** Get-and-set. */
    public static final int SET = 3;
    /** Get-and-bitwise-and. */
    public static final int AND = 4;
    /** Get-and-bitwise-or. */
    public static final int OR = 5;
    /** Get-and-bitwise-xor. */
    public static final int XOR = 6;

    private JdkOps()
    {
    }

    /**
     * Before a read through {@code Unsafe} or a {@code VarHandle}: faults an invalid copy in.
     *
     * @param o     the object or array read (anything else, such as a {@code Thread}, passes).
     * @param guard the call site's memo for arrays.
     */
    public static void checkRead(final Object o, final ArrayGuard guard)
    {
        // arrays first: an interface check of an array type is a slow one
        if (o != null && o.getClass().isArray())
        {
            if (guard != null)
            {
                guard.checkRead(o);
            }
            else
            {
                Ssi.arrayRead(o);
            }
        }
        else if (o instanceof Managed && !(o instanceof Thread))
        {
            if (((Managed)o).__ssi_state() < 0)
            {
                Ssi.readMiss(o);
            }
        }
    }

    /** Before a write through {@code Unsafe} or a {@code VarHandle}: twins a clean shared copy. */
    public static void checkWrite(final Object o, final ArrayGuard guard)
    {
        if (o != null && o.getClass().isArray())
        {
            if (guard != null)
            {
                guard.checkWrite(o);
            }
            else
            {
                Ssi.arrayWrite(o);
            }
        }
        else if (o instanceof Managed && !(o instanceof Thread))
        {
            if ((((Managed)o).__ssi_state() & Ssi.WTRAP) != 0)
            {
                Ssi.writeMiss(o);
            }
        }
    }

    /** After a volatile or release write through {@code Unsafe} or a {@code VarHandle}: a release if shared. */
    public static void released(final Object o, final ArrayGuard guard)
    {
        if (o != null && o.getClass().isArray())
        {
            if (!isLocal(o, guard))
            {
                Ssi.volatileWritten(1);
            }
        }
        else if (o instanceof Managed && !(o instanceof Thread))
        {
            Ssi.volatileWritten(((Managed)o).__ssi_state());
        }
    }

    /**
     * @return whether a read-modify-write of {@code o} must go through the runtime (the object is shared).
     */
    public static boolean shared(final Object o, final ArrayGuard guard)
    {
        if (o != null && o.getClass().isArray())
        {
            return !isLocal(o, guard);
        }
        return o instanceof Managed && !(o instanceof Thread) && ((Managed)o).__ssi_state() != 0;
    }

    private static boolean isLocal(final Object array, final ArrayGuard guard)
    {
        if (guard != null)
        {
            return guard.isLocal(array);
        }
        final Runtime rt = Ssi.runtime;
        return rt == null || !rt.isShared(array);
    }

    /** Atomic operation on the field of a shared object at an {@code Unsafe} offset. */
    public static Object atomicAt(final Object o, final long offset, final int op, final Object a, final Object b)
    {
        return Ssi.runtime.atomic(o, offset, null, op, a, b);
    }

    /** Atomic operation on a named field of a shared object (a {@code VarHandle} site). */
    public static Object atomicField(final Object o, final Class<?> declaring, final String field, final int op,
        final Object a, final Object b)
    {
        return Ssi.runtime.atomic(o, -1, declaring.getName() + '.' + field, op, a, b);
    }

    /** Atomic operation on an element of a shared array (an array {@code VarHandle} site). */
    public static Object atomicElement(final Object array, final int index, final int op, final Object a,
        final Object b)
    {
        if (index < 0 || index >= java.lang.reflect.Array.getLength(array))
        {
            throw new ArrayIndexOutOfBoundsException(index);
        }
        return Ssi.runtime.atomic(array, index, "[]", op, a, b);
    }

    /**
     * Before {@code Unsafe.unpark}: a thread that runs on another node is woken there.
     *
     * @return true if the thread runs elsewhere and was sent the wake-up, so the local unpark is skipped.
     */
    public static boolean unparkRemote(final Object thread)
    {
        final Runtime rt = Ssi.runtime;
        return rt != null && thread instanceof Thread && rt.signalRemoteThread((Thread)thread, false);
    }
}
