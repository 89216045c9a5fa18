package io.ssijava.threads.cont;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The facade that capturable code calls: the agent rewrites application methods so that a thread can be captured at
 * safe points (method entry, loop headers of loops that call) and resumed from the captured frames.
 * <p>
 * Fast path: every check reads {@link #active} and branches; it is zero unless some thread of this JVM has a capture
 * request, is capturing or is restoring. Loop headers read it with {@link #poll()} (opaque) so that the JIT cannot
 * hoist it out of a loop whose calls it inlined. Everything else here is a slow path.
 * <p>
 * Do not use -- for internal use only.
 */
public final class Cont
{
    /** Internal name, for the agent. */
    public static final String INTERNAL_NAME = "io/ssijava/threads/cont/Cont";
    /** What {@link #enter} answers: run the method. */
    public static final int RUN = 0;
    /** What {@link #enter} answers: restore the method's frame (call its resume twin). */
    public static final int RESTORE = 1;
    /** What {@link #enter} answers: capture the frame here, at the method's start. */
    public static final int CAPTURE = 2;

    /** Threads of this JVM that have something to do at their safe points. Plain reads on the fast path. */
    public static int active;

    private static final VarHandle ACTIVE;
    private static final ThreadLocal<ContinuationContext> CONTEXT = new ThreadLocal<>();

    static
    {
        try
        {
            ACTIVE = MethodHandles.lookup().findStaticVarHandle(Cont.class, "active", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private Cont()
    {
    }

    /** @return {@link #active}, read so that it is never hoisted out of a loop. */
    public static int poll()
    {
        return (int)ACTIVE.getOpaque();
    }

    static void count(final int delta)
    {
        ACTIVE.getAndAdd(delta);
    }

    static ContinuationContext context()
    {
        return CONTEXT.get();
    }

    static void context(final ContinuationContext c)
    {
        if (c == null)
        {
            CONTEXT.remove();
        }
        else
        {
            CONTEXT.set(c);
        }
    }

    /**
     * Slow path of a method's entry check.
     *
     * @param method the method's number.
     * @return {@link #RUN}, {@link #RESTORE} or {@link #CAPTURE}.
     */
    public static int enter(final int method)
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null)
        {
            return RUN;
        }
        if (c.restore != null)
        {
            return c.next < c.restore.length && c.restore[c.next].method == method ? RESTORE : RUN;
        }
        return safePoint(c) ? CAPTURE : RUN;
    }

    /**
     * Slow path of a loop header's check.
     *
     * @return whether to capture the frame here.
     */
    public static boolean pollSlow()
    {
        final ContinuationContext c = CONTEXT.get();
        return c != null && c.restore == null && safePoint(c);
    }

    /** @return whether the thread is capturing: the call that just returned saved its frame, so must its caller. */
    public static boolean unwinding()
    {
        final ContinuationContext c = CONTEXT.get();
        return c != null && c.capturing;
    }

    private static boolean safePoint(final ContinuationContext c)
    {
        if (c.capturing)
        {
            return false;
        }
        boolean want = c.requested;
        if (!want && c.every > 0 && --c.countdown <= 0)
        {
            c.countdown = c.every;
            want = true;
        }
        if (!want)
        {
            return false;
        }
        final StackCheck.Result r = StackCheck.check(c.allowLocked || c.every > 0);
        if (r.pinnedBy != null)
        {
            // walked again at the next safe point: the walk stops at the pinning frame, near the top
            c.pinnedBy = r.pinnedBy;
            return false;
        }
        c.pinnedBy = null;
        c.proxies = r.proxies;
        c.bottomProxy = r.bottomProxy;
        c.requested = false;
        c.capturing = true;
        c.saved.clear();
        c.recount();
        return true;
    }

    /**
     * Starts saving the frame of a method that captures.
     *
     * @param method the method's number.
     * @param site   where it resumes.
     * @param self   its receiver, null if static.
     * @return the frame to fill.
     */
    public static Frame frame(final int method, final int site, final Object self)
    {
        final ContinuationContext c = CONTEXT.get();
        final Frame f = new Frame(method, site, self);
        final int level = c.saved.size();
        if (c.proxies != null && level < c.proxies.length)
        {
            f.calleeProxy = c.proxies[level];
        }
        c.saved.add(f);
        return f;
    }

    /**
     * Called first by a method's resume twin.
     *
     * @param method the method's number.
     * @return its frame, to read back.
     */
    public static Frame restoring(final int method)
    {
        final ContinuationContext c = CONTEXT.get();
        final Frame f = c.restore[c.next];
        if (f.method != method)
        {
            throw new IllegalStateException("resuming " + CapturableMethods.method(method) + " but the next frame is " + f);
        }
        return f;
    }

    static void restored(final Frame f)
    {
        final ContinuationContext c = CONTEXT.get();
        c.next++;
        if (c.next == c.restore.length)
        {
            c.restore = null;
            c.recount();
        }
    }

    /**
     * The receiver on which a resumed frame calls again the method whose frame comes next: that frame's own
     * receiver, or a new instance of the lambda class that stood between the two.
     *
     * @return the receiver.
     */
    public static Object receiver()
    {
        final ContinuationContext c = CONTEXT.get();
        final Frame caller = c.restore[c.next - 1];
        return receiverOf(caller.calleeReceiver, caller.calleeProxy, c.restore[c.next]);
    }

    static Object receiverOf(final Object given, final Class<?> proxy, final Frame callee)
    {
        if (given != null)
        {
            return given;
        }
        if (proxy != null)
        {
            return Proxies.instantiate(proxy, callee.self);
        }
        return callee.self;
    }
}
