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
