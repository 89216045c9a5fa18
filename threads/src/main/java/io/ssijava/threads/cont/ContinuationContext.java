package io.ssijava.threads.cont;

import java.util.ArrayList;
import java.util.List;

/** What one thread running under {@link Continuation#run} is doing: asked to capture, capturing, or restoring. */
final class ContinuationContext
{
    final Thread thread;
    /** Set by another thread; read by the owner at its safe points. */
    volatile boolean requested;
    /** Whether the pending capture may take frames that hold monitors. */
    volatile boolean allowLocked;
    /** The node the pending capture moves the thread to (its monitors are kept for it meanwhile), or -1. */
    volatile int moveTo = -1;
    /**
     * The pending capture is a checkpoint's, resumed on this node: it takes no frame that holds a monitor, except
     * those of a thread in {@code Object.wait}, whose waited-on monitor is not its own meanwhile and which resumes
     * as from a spurious wake-up ({@link Continuation#requestPause}).
     */
    volatile boolean pauseOnly;
    /** In a monitor wait that a request to capture must cut short ({@link Cont#waitRest}). */
    volatile boolean inMonitorWait;
    /** Capture at every n-th safe point (0: never by itself). */
    int every;
    int countdown;
    /** Between the start of a capture and the return of the bottom frame. */
    boolean capturing;
    /** Frames saved so far, top first. */
    final List<Frame> saved = new ArrayList<>();
    /** Per frame that will be saved, top first: the hidden class its callee's frame belonged to, or null. */
    Class<?>[] proxies;
    /** The hidden class between the runner and the bottom frame, or null. */
    Class<?> bottomProxy;
    /** Frames being restored, bottom first, and the next one to restore. */
    Frame[] restore;
    int next;
    /** Whether this context is counted in {@link Cont#active}. */
    private boolean counted;
    /** The frame that kept the last request from being taken, or null. */
    volatile String pinnedBy;
    /** The wait the thread is in ({@link Cont#waitRest}): kind, thread joined or monitor, time left (nanoseconds). */
    int waitKind;
    Object waitTarget;
    long waitLeftNanos;
    /** A wait already stopped early for the pending request (a wait with no safe point after it waits on). */
    volatile boolean waitYielded;
    /**
     * In a blocking java.util.concurrent call that a request to capture interrupts ({@link Cont#blockingEnter});
     * whether it was interrupted for a request, and whether the program interrupted it too meanwhile. Guarded by
     * this context's monitor.
     */
    boolean inBlockingCall;
    boolean kicked;
    boolean interruptedToo;

    /** The wait is over. */
    void waitDone()
    {
        waitKind = Continuation.Waiting.NONE;
        waitTarget = null;
        waitLeftNanos = 0;
    }

    ContinuationContext(final Thread thread)
    {
        this.thread = thread;
    }

    boolean restoring()
    {
        return restore != null;
    }

    /**
     * Interrupts the thread out of a blocking call for the pending request, unless it is not in one, was already,
     * or is interrupted anyway (then the call ends by itself, and the program sees the interrupt).
     */
    synchronized void kickOutOfBlockingCall()
    {
        if (inBlockingCall && !kicked && !thread.isInterrupted())
        {
            kicked = true;
            thread.interrupt();
        }
    }

    /**
     * Interrupts the thread for the program: the interrupt is kept even if it comes while a kick of ours is pending,
     * or while a call ends (the JDK clears the status as it throws, so a kick's own test of the status does not see
     * it), and a kick after it sees the thread interrupted and is not made.
     */
    synchronized void interruptByProgram()
    {
        if (kicked || inBlockingCall)
        {
            interruptedToo = true;
        }
        thread.interrupt();
    }

    /**
     * The thread enters a blocking call. If it is interrupted already, that is the program's interrupt (a kick of an
     * outer call aside), and the call ends on it: the JDK clears the status as the call throws (a call at the
     * queue's home clears it while it waits for the answer), so a kick coming meanwhile would not see it and must
     * not take the exception for its own.
     */
    synchronized void enterBlockingCall()
    {
        inBlockingCall = true;
        interruptedToo |= !kicked && thread.isInterrupted();
    }

    /**
     * The thread left its blocking call.
     *
     * @param threw whether the call threw {@code InterruptedException}.
     * @return whether the call was ended by a kick of ours alone (its interrupt status is then cleared: the program
     * never sees it).
     */
    synchronized boolean leaveBlockingCall(final boolean threw)
    {
        inBlockingCall = false;
        final boolean ours = kicked && !interruptedToo;
        if (ours || kicked && threw)
        {
            // a kick's status is cleared; one that came beside the program's interrupt as well, once the program's
            // has been taken by the exception (as two interrupts before a throw are one)
            Thread.interrupted();
        }
        kicked = false;
        interruptedToo = false;
        return ours;
    }

    /** Keeps {@link Cont#active} counting this thread exactly while it has something to do at its safe points. */
    synchronized void recount()
    {
        final boolean busy = requested || every > 0 || capturing || restore != null;
        if (busy != counted)
        {
            counted = busy;
            Cont.count(busy ? 1 : -1);
        }
    }
}
