package io.ssijava.threads.cont;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A captured thread: its frames from the bottom (the {@link Runnable} it was started with) to the safe point where it
 * stopped. {@link #run} starts a body so that it can be captured; {@link #resume} goes on from the frames, on this
 * thread or on any other, as often as wanted (each resume starts from the same frames).
 * <p>
 * A capture is asked for with {@link #request}; the thread takes it at its next safe point where every frame on its
 * stack can be captured. Frames of code that was not rewritten (the JDK's, reflection's) pin the thread until they
 * return: the request stays pending meanwhile, see {@link #pinnedBy}.
 */
public final class Continuation
{
    /** The name of the method that runs a body: the bottom of every capturable stack. */
    static final String RUNNER_METHOD = "runBody";

    private static final Map<Thread, ContinuationContext> RUNNING = new ConcurrentHashMap<>();
    /** Orders the start of bodies against the program's interrupts ({@link #interrupt}). */
    private static final Object STARTS = new Object();

    private final List<Frame> frames;
    private final Class<?> bottomProxy;
    /** The Runnable to call to reach the bottom frame, when the frames came from another node. */
    private final Object bottomReceiver;
    /** The sleep or join the thread was captured in, to go on with where it resumes. */
    private final Waiting waiting;

    /**
     * A {@code Thread.sleep} or {@code Thread.join} that a thread was captured in.
     *
     * @param kind      {@link #NONE}, {@link #SLEEP}, {@link #JOIN} or {@link #MONITOR} ({@code Object.wait}: the
     *                  thread holds the monitor and has not started waiting, or was made to stop to move).
     * @param target    the thread joined, the monitor waited on, or null.
     * @param leftNanos the time left, {@link #FOREVER} for a join or wait without a timeout.
     */
    public record Waiting(int kind, Object target, long leftNanos)
    {
        public static final int NONE = 0;
        public static final int SLEEP = 1;
        public static final int JOIN = 2;
        public static final int MONITOR = 3;
        public static final long FOREVER = Long.MAX_VALUE;
        /** Not waiting. */
        public static final Waiting NOTHING = new Waiting(NONE, null, 0);

        public Waiting
        {
            if (kind < NONE || kind > MONITOR || leftNanos < 0 || kind == JOIN && !(target instanceof Thread) ||
                kind == MONITOR && target == null)
            {
                throw new IllegalArgumentException("no such wait: kind " + kind + ", " + leftNanos + " ns, on " +
                    target);
            }
        }
    }

    private Continuation(final List<Frame> frames, final Class<?> bottomProxy, final Object bottomReceiver,
        final Waiting waiting)
    {
        this.frames = frames;
        this.bottomProxy = bottomProxy;
        this.bottomReceiver = bottomReceiver;
        this.waiting = waiting;
    }

    /** @return the sleep or join the thread was captured in, {@link Waiting#NOTHING} if none. */
    public Waiting waiting()
    {
        return waiting;
    }

    /**
     * The objects a resume calls into: per frame but the top one, the receiver of its call into the next frame
     * (null for a static method), and last the Runnable that leads to the bottom frame. Together with the frames'
     * values, this is all that must travel to resume on another node.
     *
     * @return one receiver per frame; the last entry is the bottom Runnable.
     */
    public Object[] receivers()
    {
        final Object[] out = new Object[frames.size()];
        for (int i = 0; i + 1 < frames.size(); i++)
        {
            final Frame f = frames.get(i);
            out[i] = Cont.receiverOf(f.calleeReceiver, f.calleeProxy, frames.get(i + 1));
        }
        out[frames.size() - 1] = Cont.receiverOf(bottomReceiver, bottomProxy, frames.get(0));
        return out;
    }

    /**
     * Rebuilds a continuation from what travelled: the frames and {@link #receivers()}.
     *
     * @param frames     bottom first.
     * @param receivers  as {@link #receivers()} gave them.
     * @param waiting    as {@link #waiting()} gave it.
     * @return the continuation.
     */
    public static Continuation of(final List<Frame> frames, final Object[] receivers, final Waiting waiting)
    {
        if (frames.isEmpty() || receivers.length != frames.size())
        {
            throw new IllegalArgumentException("a continuation needs one receiver per frame");
        }
        final List<Frame> copy = new ArrayList<>(frames);
        for (int i = 0; i + 1 < copy.size(); i++)
        {
            copy.get(i).calleeReceiver = receivers[i];
        }
        return new Continuation(copy, null, receivers[receivers.length - 1], waiting);
    }

    /** @return the frames, bottom first. */
    public List<Frame> frames()
    {
        return Collections.unmodifiableList(frames);
    }

    /**
     * Runs a body on the calling thread until it ends or is captured.
     *
     * @param body what to run.
     * @return null when the body ended, else its continuation.
     */
    public static Continuation run(final Runnable body)
    {
        return runBody(body, null, 0);
    }

    /**
     * Runs a body and captures it at every {@code every}-th safe point it passes where it can be captured (a test
     * of capture and resume at every point of a program).
     *
     * @param body  what to run.
     * @param every capture at every n-th safe point, n ≥ 1.
     * @return null when the body ended, else its continuation.
     */
    public static Continuation runCapturingEvery(final Runnable body, final int every)
    {
        if (every < 1)
        {
            throw new IllegalArgumentException("every must be at least 1: " + every);
        }
        return runBody(body, null, every);
    }

    /**
     * Goes on from the captured frames on the calling thread until the body ends or is captured again.
     *
     * @return null when the body ended, else the new continuation.
     */
    public Continuation resume()
    {
        return runBody(null, this, 0);
    }

    /** Same as {@link #resume()}, capturing again at every {@code every}-th safe point. */
    public Continuation resumeCapturingEvery(final int every)
    {
        return runBody(null, this, every);
    }

    /**
     * Asks a thread that runs a body to capture itself at its next safe point.
     *
     * @param thread the thread.
     * @return false if the thread runs no body (nothing of it can be captured).
     */
    public static boolean request(final Thread thread)
    {
        return request(thread, true);
    }

    /**
     * Asks a thread that runs a body to capture itself at its next safe point.
     *
     * @param thread      the thread.
     * @param allowLocked whether it may be captured while it holds a monitor, which it gives up until it resumes
     *                    (true only where it resumes on this node at once; a move is {@link #requestMove}).
     * @return false if the thread runs no body (nothing of it can be captured).
     */
    public static boolean request(final Thread thread, final boolean allowLocked)
    {
        return ask(thread, allowLocked, -1, false, false);
    }

    /**
     * Sets a thread's pending request and takes it out of a blocking call (and, if asked, out of a monitor wait) so
     * that it can see it.
     *
     * @return false if the thread runs no body.
     */
    private static boolean ask(final Thread thread, final boolean allowLocked, final int moveTo,
        final boolean pauseOnly, final boolean stopWaiting)
    {
        final ContinuationContext c = RUNNING.get(thread);
        if (c == null)
        {
            return false;
        }
        c.allowLocked = allowLocked;
        c.moveTo = moveTo;
        c.pauseOnly = pauseOnly;
        c.pinnedBy = null; // says why this request waits, once a safe point has refused it
        c.waitYielded = false;
        c.requested = true;
        c.recount();
        if (stopWaiting && c.inMonitorWait)
        {
            io.ssijava.rt.Ssi.yieldWait(thread);
        }
        c.kickOutOfBlockingCall();
        return true;
    }

    /**
     * Asks a thread that runs a body to capture itself at its next safe point to move to another node: frames that
     * hold monitors are captured too, and each monitor stays the thread's own until it enters it again there. A
     * thread in {@code Object.wait} stops waiting (it is no longer a waiter, and has not been notified) so that it
     * can be captured, and waits again where it resumes.
     *
     * @param thread the thread.
     * @param to     the node it moves to.
     * @return false if the thread runs no body (nothing of it can be captured).
     */
    public static boolean requestMove(final Thread thread, final int to)
    {
        return ask(thread, true, to, false, true);
    }

    /**
     * Asks a thread that runs a body to capture itself at its next safe point for a checkpoint, and to resume on
     * this node: at a safe point where it holds no monitor, or in {@code Object.wait}. A waiting thread stops
     * waiting and is captured without the monitor it waited on (it did not hold it while it waited), so that every
     * waiter of a monitor can stop; it resumes as from a spurious wake-up, which the JDK allows and which a
     * program's wait loop checks its condition after (a notify meanwhile would otherwise be lost). Monitors it holds
     * apart from that one stay its own until it resumes.
     *
     * @param thread the thread.
     * @param node   this node.
     * @return false if the thread runs no body now.
     */
    public static boolean requestPause(final Thread thread, final int node)
    {
        return ask(thread, false, node, true, true);
    }

    /** @return whether the calling thread runs a body already (a body called from a body simply runs). */
    public static boolean inBody()
    {
        return Cont.context() != null;
    }

    /**
     * Interrupts a thread for the program. The interrupt is set in one step with the note that it is the program's,
     * against an interrupt of the capture support's own, which takes a thread out of a blocking call to move it: the
     * two would otherwise be one interrupt, taken back as the capture support's, and the program's lost. A thread
     * that interrupts itself only keeps an interrupt it had (the JDK's locks do so after an uninterruptible wait).
     *
     * @param thread the thread.
     */
    public static void interrupt(final Thread thread)
    {
        if (thread == Thread.currentThread())
        {
            thread.interrupt();
            return;
        }
        synchronized (STARTS)
        {
            // no body starts on the thread meanwhile, so no request of a body that started since can take it
            final ContinuationContext c = RUNNING.get(thread);
            if (c == null)
            {
                thread.interrupt();
            }
            else
            {
                c.interruptByProgram();
            }
        }
    }

    /** Withdraws a request that was not yet taken. */
    public static void cancel(final Thread thread)
    {
        final ContinuationContext c = RUNNING.get(thread);
        if (c != null && c.requested)
        {
            c.requested = false;
            c.recount();
        }
    }

    /** @return whether the thread has a request to stop for a pause (see requestPause) that it has not yet taken. */
    public static boolean pauseRequested(final Thread thread)
    {
        final ContinuationContext c = RUNNING.get(thread);
        return c != null && c.requested && c.pauseOnly;
    }

    /** @return whether the thread runs a body now and has a request to capture that it has not yet taken. */
    public static boolean requested(final Thread thread)
    {
        final ContinuationContext c = RUNNING.get(thread);
        return c != null && c.requested;
    }

    /**
     * @param thread a thread with a pending request.
     * @return the frame that kept it from being captured at its last safe point, or null.
     */
    public static String pinnedBy(final Thread thread)
    {
        final ContinuationContext c = RUNNING.get(thread);
        return c == null ? null : c.pinnedBy;
    }

    private static Continuation runBody(final Runnable body, final Continuation from, final int every)
    {
        final Thread self = Thread.currentThread();
        if (Cont.context() != null)
        {
            throw new IllegalStateException("a body already runs on " + self.getName());
        }
        final ContinuationContext c = new ContinuationContext(self);
        c.every = every;
        c.countdown = every;
        Runnable target = body;
        if (from != null)
        {
            final Frame[] restore = new Frame[from.frames.size()];
            for (int i = 0; i < restore.length; i++)
            {
                restore[i] = from.frames.get(i).fresh();
            }
            c.restore = restore;
            c.waitKind = from.waiting.kind();
            c.waitTarget = from.waiting.target();
            c.waitLeftNanos = from.waiting.leftNanos();
            target = (Runnable)Cont.receiverOf(from.bottomReceiver, from.bottomProxy, restore[0]);
        }
        Cont.context(c);
        synchronized (STARTS)
        {
            RUNNING.put(self, c);
        }
        c.recount();
        try
        {
            target.run();
            if (c.restore != null)
            {
                throw new IllegalStateException("the resumed frames did not all restore: stopped before " +
                    c.restore[c.next]);
            }
            if (!c.capturing)
            {
                return null;
            }
            final List<Frame> saved = new ArrayList<>(c.saved);
            Collections.reverse(saved);
            final boolean wakes = c.pauseOnly && c.waitKind == Waiting.MONITOR; // see requestPause
            return new Continuation(saved, c.bottomProxy, null, c.waitKind == Waiting.NONE || wakes ? Waiting.NOTHING :
                new Waiting(c.waitKind, c.waitTarget, c.waitLeftNanos));
        }
        finally
        {
            RUNNING.remove(self);
            Cont.context(null);
            c.requested = false;
            c.moveTo = -1;
            c.pauseOnly = false;
            c.every = 0;
            c.capturing = false;
            c.restore = null;
            c.recount();
        }
    }

    @Override
    public String toString()
    {
        return "Continuation" + frames;
    }
}
