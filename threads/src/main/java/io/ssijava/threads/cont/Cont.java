package io.ssijava.threads.cont;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The facade that capturable code calls: the agent rewrites application methods so that a thread can be captured at
 * safe points (method entry, loop headers of loops that call) and resumed from the captured frames.
 * <p>
 * Fast path: every check (at a method's entry, after a call, in a loop) calls {@link #poll()} and branches. It answers
 * {@link #active}, which is zero unless some thread of this JVM has a capture request, is capturing or is restoring;
 * while it stays zero the JIT compiles the check to nothing, and once it is not every check reads it again, in every
 * loop iteration ({@link PollSite}). Everything else here is a slow path.
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

    /** Threads of this JVM that have something to do at their safe points. Read through {@link #poll()}. */
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

    /**
     * The fast path of every check: 0 at no cost while no thread of this JVM has anything to do at its safe points,
     * else {@link #active}, read so that it is never hoisted out of a loop (see {@link PollSite}).
     */
    public static int poll()
    {
        return Poll.poll();
    }

    /**
     * Lets an agent switch the checks by redefining {@link Poll}'s body instead of retargeting the call site, so that
     * C1 code folds them too: {@code setArmed} redefines it to read {@link #active} (true) or to answer 0 (false). It
     * is called at once with the current state, then whenever the site would be retargeted.
     *
     * @param setArmed redefines Poll.poll(); must not fail once it has succeeded once.
     */
    public static void foldPolls(final java.util.function.Consumer<Boolean> setArmed)
    {
        PollSite.redefineBy(setArmed);
    }

    /** The armed poll site's target, and the armed body of Poll.poll(). */
    static int readActive()
    {
        return (int)ACTIVE.getOpaque();
    }

    static void count(final int delta)
    {
        // arm after the count is up, so that a poll that reads it once armed sees it
        if ((int)ACTIVE.getAndAdd(delta) + delta != 0)
        {
            PollSite.arm();
        }
        else
        {
            PollSite.idle();
        }
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

    /** Longest slice of a capturable sleep or join: how long a request may wait for a thread that waits. */
    private static final long WAIT_SLICE_NANOS = 20_000_000L;

    /**
     * What the agent puts in place of {@code Thread.sleep(millis)} in capturable code: the same, except that a thread
     * that runs a body does not sleep here but leaves the time to {@link #waitRest()}, which follows at once and can
     * be interrupted by a capture (the frame is then saved with what is left, and sleeps it where it resumes).
     *
     * @param millis as for {@code Thread.sleep}.
     * @throws InterruptedException as {@code Thread.sleep} does.
     */
    public static void sleep(final long millis) throws InterruptedException
    {
        sleep(millis, 0);
    }

    /**
     * As {@link #sleep(long)}, for {@code Thread.sleep(millis, nanos)}.
     *
     * @param millis as for {@code Thread.sleep}.
     * @param nanos  as for {@code Thread.sleep}.
     * @throws InterruptedException as {@code Thread.sleep} does.
     */
    public static void sleep(final long millis, final int nanos) throws InterruptedException
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null || millis < 0 || nanos < 0 || nanos > 999_999)
        {
            Thread.sleep(millis, nanos); // not capturable here, or bad arguments that Thread.sleep reports
            return;
        }
        if (Thread.interrupted())
        {
            throw new InterruptedException("sleep interrupted");
        }
        c.waitKind = Continuation.Waiting.SLEEP;
        c.waitTarget = null;
        c.waitLeftNanos = millis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE - 1 : millis * 1_000_000L + nanos;
    }

    /**
     * What the agent puts in place of {@code Thread.join()} (through the object space's {@code Ssi.threadJoin}) in
     * capturable code: as {@link #sleep}, the waiting is left to {@link #waitRest()}.
     *
     * @param t the thread to join.
     * @throws InterruptedException as {@code Thread.join} does.
     */
    public static void join(final Thread t) throws InterruptedException
    {
        join(t, 0L);
    }

    /**
     * As {@link #join(Thread)}, for {@code Thread.join(millis)}.
     *
     * @param t      the thread to join.
     * @param millis as for {@code Thread.join}.
     * @throws InterruptedException as {@code Thread.join} does.
     */
    public static void join(final Thread t, final long millis) throws InterruptedException
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null || millis < 0 || t == null)
        {
            io.ssijava.rt.Ssi.threadJoin(t, millis); // not capturable here, or what Thread.join reports
            return;
        }
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        c.waitKind = Continuation.Waiting.JOIN;
        c.waitTarget = t;
        c.waitLeftNanos = millis == 0 ? Continuation.Waiting.FOREVER :
            millis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE - 1 : millis * 1_000_000L;
    }

    /**
     * What the agent puts in place of {@code Object.wait} (through the object space's {@code Ssi.await}) in
     * capturable code: as {@link #sleep}, the waiting is left to {@link #waitRest()}.
     *
     * @param o the monitor, which the thread holds.
     * @throws InterruptedException as {@code Object.wait} does.
     */
    public static void await(final Object o) throws InterruptedException
    {
        await(o, 0L, 0);
    }

    /** As {@link #await(Object)}, for {@code Object.wait(millis)}. */
    public static void await(final Object o, final long millis) throws InterruptedException
    {
        await(o, millis, 0);
    }

    /** As {@link #await(Object)}, for {@code Object.wait(millis, nanos)}. */
    public static void await(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null || o == null || millis < 0 || nanos < 0 || nanos > 999_999)
        {
            io.ssijava.rt.Ssi.await(o, millis, nanos); // not capturable here, or what Object.wait reports
            return;
        }
        c.waitKind = Continuation.Waiting.MONITOR;
        c.waitTarget = o;
        c.waitLeftNanos = millis == 0 && nanos == 0 ? Continuation.Waiting.FOREVER :
            millis >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE - 1 : millis * 1_000_000L + nanos;
    }

    /**
     * Before a blocking java.util.concurrent call that the agent made movable (see the agent's BlockingCalls): from
     * here until {@link #blockingExit} or {@link #blockingInterrupted}, a request to capture interrupts the thread.
     *
     * @return true if a capture is asked for already: the caller goes to its safe point first, and then here again.
     */
    public static boolean blockingEnter()
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null)
        {
            return false;
        }
        synchronized (c)
        {
            if (mayYield(c))
            {
                c.waitYielded = true;
                return true;
            }
            c.enterBlockingCall();
            return false;
        }
    }

    /** After the blocking call returned: an interrupt of ours that came too late to end it is taken back. */
    public static void blockingExit()
    {
        final ContinuationContext c = CONTEXT.get();
        if (c != null)
        {
            c.leaveBlockingCall(false);
        }
    }

    /**
     * The blocking call threw {@code InterruptedException}: if a request to capture alone interrupted it, the caller
     * goes to its safe point and makes the call again (there, or where the thread moves to); otherwise the program
     * gets the exception.
     *
     * @param e what the call threw.
     * @throws InterruptedException e, if the program interrupted the thread.
     */
    public static void blockingInterrupted(final InterruptedException e) throws InterruptedException
    {
        if (!interruptedForCapture())
        {
            throw e;
        }
    }

    /**
     * A movable blocking call was interrupted: leaves it, and tells whether a request to capture alone interrupted
     * it. If so, the call is made again, not left again, should the safe point not take the capture.
     */
    private static boolean interruptedForCapture()
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null || !c.leaveBlockingCall(true))
        {
            return false;
        }
        c.waitYielded = true;
        return true;
    }

    /**
     * {@code Lock.lock()} made movable, fast path: takes a JDK lock if it can be had at once, as {@code lock()}'s
     * first attempt would. For a non-fair {@code ReentrantLock} that is {@code tryLock()}; other JDK locks take
     * {@code tryLock(0, NANOSECONDS)}, which honours fairness and a read lock's deference to a queued writer, where
     * plain {@code tryLock()} would barge. A lock of another class (a program's own, or a subclass that may override
     * {@code lock()}) is locked here as the program asked, and its wait stays pinned.
     *
     * @return true if the lock is held now; false if the caller must wait for it in {@code lockInterruptibly}.
     */
    public static boolean lockAtOnce(final java.util.concurrent.locks.Lock lock)
    {
        final Class<?> type = lock.getClass();
        if (type == java.util.concurrent.locks.ReentrantLock.class)
        {
            final java.util.concurrent.locks.ReentrantLock r = (java.util.concurrent.locks.ReentrantLock)lock;
            if (!r.isFair())
            {
                return r.tryLock();
            }
        }
        else if (type != java.util.concurrent.locks.ReentrantReadWriteLock.WriteLock.class &&
            type != java.util.concurrent.locks.ReentrantReadWriteLock.ReadLock.class)
        {
            lock.lock();
            return true;
        }
        try
        {
            return lock.tryLock(0L, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt(); // the program's; lockInterruptibly meets it again, and lock() keeps it
            return false;
        }
    }

    /**
     * A movable wait was interrupted: {@code CyclicBarrier.await}'s wait for the barrier to trip, or the
     * interruptible form ({@code lockInterruptibly}, {@code awaitAdvanceInterruptibly}) that a wait no interrupt
     * ends ({@code Lock.lock()}, {@code Phaser.awaitAdvance}) waits in.
     *
     * @return true if the program interrupted the thread: the barrier reacts as its {@code await} would; the other
     *         waits do not stop for that, so the caller waits again and sets the interrupt once the wait is over
     *         ({@link #uninterruptibleDone}). False if a request to capture alone interrupted it: the caller goes to
     *         its safe point, and waits again there or where it moved to.
     */
    public static boolean programInterrupted()
    {
        return !interruptedForCapture();
    }

    /** The wait of {@link #programInterrupted} is over: an interrupt the program made meanwhile is set again. */
    public static void uninterruptibleDone(final boolean interrupted)
    {
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** A capture was asked for that this thread has not yet refused, nor stopped a wait for. */
    private static boolean mayYield(final ContinuationContext c)
    {
        return c.requested && c.pinnedBy == null && !c.capturing && !c.waitYielded;
    }

    /**
     * Waits out the last {@link #sleep}, {@link #join} or {@link #await}, and stops early when a capture is asked
     * for that has not been refused yet: the safe point after the wait then captures the frame, and the wait travels
     * with it. Sleeps and joins wait in slices; a monitor wait is cut short by the request ({@code Ssi.yieldWait}).
     *
     * @return whether it stopped early for a capture (the caller goes back to its safe point and then here again).
     * @throws InterruptedException as {@code Thread.sleep}, {@code Thread.join} and {@code Object.wait} do.
     */
    public static boolean waitRest() throws InterruptedException
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null || c.waitKind == Continuation.Waiting.NONE)
        {
            return false;
        }
        if (c.waitKind == Continuation.Waiting.MONITOR)
        {
            return monitorWaitRest(c);
        }
        final long start = System.nanoTime();
        final long total = c.waitLeftNanos;
        final boolean forever = total == Continuation.Waiting.FOREVER;
        try
        {
            while (true)
            {
                final long left = forever ? Continuation.Waiting.FOREVER : total - (System.nanoTime() - start);
                if (left <= 0 || c.waitKind == Continuation.Waiting.JOIN &&
                    !io.ssijava.rt.Ssi.threadIsAlive((Thread)c.waitTarget))
                {
                    c.waitDone();
                    return false;
                }
                if (c.requested && c.pinnedBy == null && !c.capturing && !c.waitYielded)
                {
                    c.waitYielded = true;
                    c.waitLeftNanos = left;
                    return true;
                }
                final long slice = Math.min(left, WAIT_SLICE_NANOS);
                if (c.waitKind == Continuation.Waiting.SLEEP)
                {
                    Thread.sleep(slice / 1_000_000L, (int)(slice % 1_000_000L));
                }
                else
                {
                    io.ssijava.rt.Ssi.threadJoin((Thread)c.waitTarget, Math.max(1, slice / 1_000_000L));
                }
            }
        }
        catch (final InterruptedException ex)
        {
            c.waitDone();
            throw ex;
        }
    }

    /**
     * The monitor wait of {@link #waitRest}: one wait through the object space, which a request to capture cuts short
     * while the thread is neither notified nor timed out; it then holds the monitor again and is no longer a waiter,
     * and the wait, with the time left, travels with its frame.
     */
    private static boolean monitorWaitRest(final ContinuationContext c) throws InterruptedException
    {
        if (mayYield(c))
        {
            c.waitYielded = true;
            return true; // not waiting yet: captured with the wait still to do
        }
        final Object o = c.waitTarget;
        final long total = c.waitLeftNanos;
        final boolean forever = total == Continuation.Waiting.FOREVER;
        final long start = System.nanoTime();
        final boolean stopped;
        c.inMonitorWait = true;
        try
        {
            // a request that came before the flag was set is seen here; one after it calls yieldWait
            stopped = mayYield(c) || io.ssijava.rt.Ssi.awaitMovable(o, forever ? 0 : Math.max(0, total / 1_000_000L),
                forever ? 0 : (int)(total % 1_000_000L));
        }
        catch (final InterruptedException | RuntimeException ex)
        {
            c.waitDone();
            throw ex;
        }
        finally
        {
            c.inMonitorWait = false;
        }
        final long left = forever ? Continuation.Waiting.FOREVER : total - (System.nanoTime() - start);
        if (!stopped || left <= 0)
        {
            c.waitDone();
            return false;
        }
        c.waitLeftNanos = left;
        if (mayYield(c))
        {
            c.waitYielded = true;
        }
        return true; // to the safe point, and back here to wait again if it did not capture
    }

    /**
     * Called by a capturing frame for each monitor it gives up, before it exits it: a thread that moves keeps the
     * monitor its own until it enters it again where it arrives.
     *
     * @param o the monitor.
     */
    public static void leaving(final Object o)
    {
        final ContinuationContext c = CONTEXT.get();
        if (c != null && c.moveTo >= 0 &&
            !(c.pauseOnly && c.waitKind == Continuation.Waiting.MONITOR && o == c.waitTarget))
        {
            io.ssijava.rt.Ssi.reserveMonitor(o, c.moveTo);
        }
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
        final StackCheck.Result r = StackCheck.check(c.allowLocked || c.every > 0 ||
            c.pauseOnly && c.waitKind == Continuation.Waiting.MONITOR);
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
        // The request may have been seen through the site's new target before the thread that armed it had
        // deoptimized the code that inlined the old one: once armed here, every caller this capture unwinds into
        // checks again whether it must save its frame.
        PollSite.arm();
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

    /**
     * Starts the frame with which a resumed activation moves from one resume twin of its method to another (from the
     * twin that resumes inside monitors, once out of them, to the one HotSpot compiles).
     *
     * @param method the method's number.
     * @param site   where the other twin takes over.
     * @param self   its receiver, null if static.
     * @return the frame to fill.
     */
    public static Frame relayFrame(final int method, final int site, final Object self)
    {
        return new Frame(method, site, self);
    }

    /**
     * Makes a frame from {@link #relayFrame} the one the next resume twin restores.
     *
     * @param f the filled frame.
     * @return false if the thread is not one that resumes (the caller goes on where it is).
     */
    public static boolean relay(final Frame f)
    {
        final ContinuationContext c = CONTEXT.get();
        if (c == null || c.restore != null || c.capturing)
        {
            return false;
        }
        c.restore = new Frame[] {f};
        c.next = 0;
        c.recount();
        return true;
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
