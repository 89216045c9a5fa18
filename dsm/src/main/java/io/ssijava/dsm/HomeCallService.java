package io.ssijava.dsm;

import io.ssijava.rt.HomeCalls;
import io.ssijava.rt.NodeLocalThread;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs {@link HomeCalls} methods of shared queues, latches, barriers, semaphores and phasers on their home node for
 * callers on other nodes. The caller releases first; the home runs the method on the master copy on a thread of its
 * own (a take may wait as long as the program's would), releases, and answers with what it returned or threw. A call
 * that may wait is withdrawn when its caller is interrupted: the home interrupts the thread that runs it, which then
 * either finished anyway (its result is the answer) or throws {@code InterruptedException} having done nothing.
 */
final class HomeCallService
{
    private static final byte RETURNED = 0;
    private static final byte THREW = 1;
    /** Withdrawals that came before their call started are kept this long, then dropped (the call ended first). */
    private static final long EARLY_CANCEL_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** {@code -Dssi.homeCalls=false} (on every node) runs the calls where they are made, for comparison. */
    private static final boolean ENABLED = !"false".equals(System.getProperty("ssi.homeCalls"));

    private final Node node;
    private final ObjectSpace space;
    private final AtomicLong callIds = new AtomicLong();
    private final MethodHandle[] handles = new MethodHandle[HomeCalls.METHODS.size()];
    /**
     * Calls by id: the thread that runs one, or (a Long, when) a withdrawal that came before its call started. One
     * map, updated atomically, so that a withdrawal racing with the start of its call is never lost.
     */
    private final Map<Long, Object> calls = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newCachedThreadPool(r -> new NodeLocalThread(() ->
    {
        HomeCalls.serving();
        r.run();
    }, "ssi-home-call"));

    HomeCallService(final Node node)
    {
        this.node = node;
        this.space = node.space();
        node.register(MessageTypes.HOME_CALL, this::serve);
        node.register(MessageTypes.HOME_CALL_CANCEL, (from, corr, in) -> cancel(in.getLong()));
    }

    /** @return whether a home call on this shared object runs here. */
    boolean runsHere(final Object o)
    {
        final Meta m = space.metaOf(o);
        return !ENABLED || m == null || m.home == node.self();
    }

    /** Runs the method on the object's home node, for a thread of this node. */
    Object call(final Object o, final int method, final Object[] args) throws Throwable
    {
        final Meta m = space.metaOf(o);
        final HomeCalls.Method def = HomeCalls.METHODS.get(method);
        if (m == null || m.home == node.self())
        {
            return handle(method).invokeWithArguments(withTarget(o, args)); // shared meanwhile, or homed here
        }
        space.flush();
        final long id = ((long)node.self() << 48) | callIds.incrementAndGet();
        final WireOut msg = node.message(MessageTypes.HOME_CALL).putLong(id).putLong(m.gid).putShort((short)method)
            .putByte((byte)args.length);
        for (final Object a : args)
        {
            space.codec.writeValue(msg, a);
        }
        final int home = m.home;
        final WireIn reply = node.callWaiting(home, msg, def.interruptible() ?
            () -> node.send(home, node.message(MessageTypes.HOME_CALL_CANCEL).putLong(id)) : () -> { });
        node.stats().homeCalls.incrementAndGet();
        final byte outcome = reply.getByte();
        if (outcome == RETURNED)
        {
            return space.codec.readValue(reply);
        }
        final String type = reply.getString();
        final String message = reply.getString();
        if (type.equals(InterruptedException.class.getName()))
        {
            Thread.interrupted(); // the interrupt is this exception now, as the method's contract says
            throw message.isEmpty() ? new InterruptedException() : new InterruptedException(message);
        }
        throw rebuilt(type, message, def);
    }

    private void serve(final int from, final long corr, final WireIn in)
    {
        final long id = in.getLong();
        final long gid = in.getLong();
        final int method = in.getShort();
        final int count = in.getByte();
        final Meta m = space.byGid(gid);
        if (method < 0 || method >= HomeCalls.METHODS.size())
        {
            throw new WireException("no home call " + method);
        }
        final HomeCalls.Method def = HomeCalls.METHODS.get(method);
        // the handle's type is (owner, parameters...): it answers both checks without parsing the descriptor again
        final MethodType type = handle(method).type();
        if (m == null || m.home != node.self() || m.kind != Meta.Kind.OBJECT ||
            !type.parameterType(0).isInstance(m.target))
        {
            throw new WireException("home call " + def.name() + " on " + (m == null ? Long.toHexString(gid) : m));
        }
        if (count != type.parameterCount() - 1)
        {
            throw new WireException("home call " + def.name() + " with " + count + " arguments");
        }
        final Object[] args = new Object[count];
        for (int i = 0; i < count; i++)
        {
            args[i] = space.codec.readValue(in);
        }
        runners.execute(() -> run(from, corr, id, m.target, method, args));
    }

    private void run(final int from, final long corr, final long id, final Object target, final int method,
        final Object[] args)
    {
        final Object before = calls.putIfAbsent(id, Thread.currentThread());
        Object result = null;
        Throwable thrown = null;
        try
        {
            if (before != null)
            {
                throw new InterruptedException(); // withdrawn before it started
            }
            result = handle(method).invokeWithArguments(withTarget(target, args));
        }
        catch (final Throwable t)
        {
            thrown = t;
        }
        finally
        {
            calls.remove(id);
            Thread.interrupted(); // a withdrawal that came as the call ended is for no one
        }
        final WireOut out = node.reply();
        try
        {
            space.flush(); // what the call wrote is at home; stale copies elsewhere go before the caller goes on
            if (thrown == null)
            {
                out.putByte(RETURNED);
                space.codec.writeValue(out, result);
            }
            else
            {
                out.putByte(THREW).putString(thrown.getClass().getName())
                    .putString(thrown.getMessage() == null ? "" : thrown.getMessage());
            }
        }
        catch (final RuntimeException ex)
        {
            answer(() -> node.sendError(from, corr, "home call " + HomeCalls.METHODS.get(method).name() +
                " failed: " + ex));
            return;
        }
        answer(() -> node.sendReply(from, corr, out));
    }

    /** Sends an answer; a caller's node that failed or a job that is closing has no one to hear it. */
    private void answer(final Runnable send)
    {
        try
        {
            send.run();
        }
        catch (final RuntimeException ex)
        {
            if (!node.isClosing())
            {
                System.err.println("ssi-java: node " + node.self() + ": a home call's answer was lost: " +
                    ex.getMessage());
            }
        }
    }

    private void cancel(final long id)
    {
        final long now = System.nanoTime();
        // withdrawals of calls that had ended already (the answer was on its way) are dropped after a while
        calls.values().removeIf(v -> v instanceof Long && now - (Long)v > EARLY_CANCEL_NANOS);
        calls.compute(id, (k, v) ->
        {
            if (v instanceof Thread)
            {
                ((Thread)v).interrupt();
                return v;
            }
            return now;
        });
    }

    private MethodHandle handle(final int method)
    {
        MethodHandle h = handles[method];
        if (h == null)
        {
            final HomeCalls.Method def = HomeCalls.METHODS.get(method);
            try
            {
                // the JDK's method itself, not an override: a subclass's override already ran on the caller's node
                // and called this one (super.put), which sent the call here
                final Class<?> owner = ownerOf(method);
                h = MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findSpecial(owner, def.name(),
                    MethodType.fromMethodDescriptorString(def.desc(), null), owner);
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new SsiException("cannot find " + def.owner() + "." + def.name() + def.desc() + ": " + ex, ex);
            }
            handles[method] = h;
        }
        return h;
    }

    private static Class<?> ownerOf(final int method)
    {
        final String owner = HomeCalls.METHODS.get(method).owner().replace('/', '.');
        try
        {
            return Class.forName(owner);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new SsiException("no class " + owner + " in this JDK", ex);
        }
    }

    private static List<Object> withTarget(final Object target, final Object[] args)
    {
        final List<Object> out = new ArrayList<>(args.length + 1);
        out.add(target);
        out.addAll(java.util.Arrays.asList(args));
        return out;
    }

    /** The exception the method threw at home, as the caller sees it: same type and message where possible. */
    private static Throwable rebuilt(final String type, final String message, final HomeCalls.Method def)
    {
        try
        {
            final Class<?> c = Class.forName(type, false, ClassLoader.getPlatformClassLoader());
            // the JDK's own checked exceptions too (a barrier's BrokenBarrierException, TimeoutException): the
            // method declares what it throws
            if (RuntimeException.class.isAssignableFrom(c) || Error.class.isAssignableFrom(c) ||
                Exception.class.isAssignableFrom(c) && c.getName().startsWith("java."))
            {
                return (Throwable)(message.isEmpty() ? c.getConstructor().newInstance() :
                    c.getConstructor(String.class).newInstance(message));
            }
        }
        catch (final ReflectiveOperationException | LinkageError ex)
        {
            // not a JDK exception with the usual constructors
        }
        return new SsiException(def.owner().replace('/', '.') + "." + def.name() + " threw " + type +
            (message.isEmpty() ? "" : ": " + message) + " on the object's home node");
    }
}
