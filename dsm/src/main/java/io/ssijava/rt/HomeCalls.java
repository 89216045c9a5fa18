package io.ssijava.rt;

import java.util.List;

/**
 * Methods of the JDK's queues, latches, barriers, semaphores and phasers that run on the object's home node when
 * called on a shared one from another node: one round trip per call, where running them on a cached copy would move
 * the object's lock, nodes and count between the nodes several times per call. The instrumented JDK starts each
 * listed method with
 * <pre>
 *   if (HomeCalls.isShared(this) &amp;&amp; !HomeCalls.runsHere(this) [&amp;&amp; getClass() == Owner.class]
 *           [&amp;&amp; this.doneAtZero() != 0])
 *       return HomeCalls.call(this, ID, new Object[] {arguments...});   (unboxed as the method returns)
 * </pre>
 * so a local queue pays one field load and a compare. At the home the call runs as any thread's would, on the
 * master copy; it is a release and an acquire for the caller, like an atomic operation. A blocking call that the
 * caller's thread is interrupted out of (by the program, or to move it) is withdrawn at the home: it either
 * completed there, and the caller returns its result with the interrupt still set, or it did nothing, and the caller
 * throws {@code InterruptedException}, as the method's contract says.
 * <p>
 * Do not use -- for internal use only.
 */
public final class HomeCalls
{
    /**
     * A method that runs at home.
     *
     * @param owner         internal name of the JDK class.
     * @param name          method name.
     * @param desc          method descriptor.
     * @param interruptible whether it waits and may throw {@code InterruptedException}.
     * @param doneAtZero    null, or a method {@code ()J} of the class whose answer only ever goes down: while the
     *                      local copy answers 0 the call has nothing to wait for and runs here (a latch that is
     *                      open already: a stale copy reads a higher count, never 0 too early), with no round trip.
     * @param exactClass    whether only instances of the class itself run it at home, not those of subclasses:
     *                      a subclass's hook that the method calls (a phaser's {@code onAdvance}) must run on the
     *                      caller's thread, as in one JVM.
     */
    public record Method(String owner, String name, String desc, boolean interruptible, String doneAtZero,
        boolean exactClass)
    {
        Method(final String owner, final String name, final String desc, final boolean interruptible)
        {
            this(owner, name, desc, interruptible, null, false);
        }

        Method(final String owner, final String name, final String desc, final boolean interruptible,
            final String doneAtZero)
        {
            this(owner, name, desc, interruptible, doneAtZero, false);
        }

        /** A method of the class itself: instances of subclasses run it where it is called. */
        static Method ofExactClass(final String owner, final String name, final String desc,
            final boolean interruptible)
        {
            return new Method(owner, name, desc, interruptible, null, true);
        }
    }

    private static final String LBQ = "java/util/concurrent/LinkedBlockingQueue";
    private static final String ABQ = "java/util/concurrent/ArrayBlockingQueue";
    private static final String LBD = "java/util/concurrent/LinkedBlockingDeque";
    private static final String SQ = "java/util/concurrent/SynchronousQueue";
    private static final String PBQ = "java/util/concurrent/PriorityBlockingQueue";
    private static final String CLQ = "java/util/concurrent/ConcurrentLinkedQueue";
    private static final String CDL = "java/util/concurrent/CountDownLatch";
    private static final String BARRIER = "java/util/concurrent/CyclicBarrier";
    private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
    private static final String PHASER = "java/util/concurrent/Phaser";
    private static final String LTQ = "java/util/concurrent/LinkedTransferQueue";
    private static final String DQ = "java/util/concurrent/DelayQueue";
    private static final String DELAYED = "Ljava/util/concurrent/Delayed;";
    private static final String TIMED_TRY = "JLjava/util/concurrent/TimeUnit;)Z";
    private static final String PUT = "(Ljava/lang/Object;)V";
    private static final String OFFER = "(Ljava/lang/Object;)Z";
    private static final String OFFER_TIMED = "(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z";
    private static final String TAKE = "()Ljava/lang/Object;";
    private static final String POLL_TIMED = "(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;";

    /** The methods, by id (their index). Only ever appended to: the ids are compiled into the instrumented JDK. */
    public static final List<Method> METHODS = List.of(
        new Method(LBQ, "put", PUT, true),
        new Method(LBQ, "offer", OFFER, false),
        new Method(LBQ, "offer", OFFER_TIMED, true),
        new Method(LBQ, "take", TAKE, true),
        new Method(LBQ, "poll", TAKE, false),
        new Method(LBQ, "poll", POLL_TIMED, true),
        new Method(ABQ, "put", PUT, true),
        new Method(ABQ, "offer", OFFER, false),
        new Method(ABQ, "offer", OFFER_TIMED, true),
        new Method(ABQ, "take", TAKE, true),
        new Method(ABQ, "poll", TAKE, false),
        new Method(ABQ, "poll", POLL_TIMED, true),
        new Method(LBD, "put", PUT, true),
        new Method(LBD, "offer", OFFER, false),
        new Method(LBD, "offer", OFFER_TIMED, true),
        new Method(LBD, "take", TAKE, true),
        new Method(LBD, "poll", TAKE, false),
        new Method(LBD, "poll", POLL_TIMED, true),
        // a cached thread pool's hand-over of tasks to idle workers
        new Method(SQ, "put", PUT, true),
        new Method(SQ, "offer", OFFER, false),
        new Method(SQ, "offer", OFFER_TIMED, true),
        new Method(SQ, "take", TAKE, true),
        new Method(SQ, "poll", TAKE, false),
        new Method(SQ, "poll", POLL_TIMED, true),
        // put calls offer, which never waits: the queue is unbounded
        new Method(PBQ, "offer", OFFER, false),
        new Method(PBQ, "take", TAKE, true),
        new Method(PBQ, "poll", TAKE, false),
        new Method(PBQ, "poll", POLL_TIMED, true),
        // lock-free, but each element's link and the head and tail are compare-and-set at their homes one by one
        new Method(CLQ, "offer", OFFER, false),
        new Method(CLQ, "poll", TAKE, false),
        // a latch's count and its waiters stay at home: a count-down or an await is one round trip
        new Method(CDL, "countDown", "()V", false),
        new Method(CDL, "await", "()V", true, "getCount"),
        new Method(CDL, "await", "(JLjava/util/concurrent/TimeUnit;)Z", true, "getCount"),
        // a barrier's await as the agent makes it movable (CyclicBarrierMoves): arriving and waiting for the trip,
        // a round trip each; a command runs on the thread that trips the barrier, which then starts the next
        // generation (tripped) or breaks the barrier (broken) at home
        new Method(BARRIER, "ssi$arriveHere", "()Ljava/lang/Object;", false),
        new Method(BARRIER, "ssi$awaitTrip", "(Ljava/lang/Object;)I", true),
        new Method(BARRIER, "ssi$awaitTrip", "(Ljava/lang/Object;J)I", true),
        new Method(BARRIER, "ssi$breakInterrupted", "()V", false),
        new Method(BARRIER, "ssi$tripped", "()V", false),
        new Method(BARRIER, "ssi$broken", "()V", false),
        // a deque's calls at either end (addFirst, push, pop and the like call these)
        new Method(LBD, "putFirst", PUT, true),
        new Method(LBD, "putLast", PUT, true),
        new Method(LBD, "offerFirst", OFFER, false),
        new Method(LBD, "offerLast", OFFER, false),
        new Method(LBD, "offerFirst", OFFER_TIMED, true),
        new Method(LBD, "offerLast", OFFER_TIMED, true),
        new Method(LBD, "takeFirst", TAKE, true),
        new Method(LBD, "takeLast", TAKE, true),
        new Method(LBD, "pollFirst", TAKE, false),
        new Method(LBD, "pollLast", TAKE, false),
        new Method(LBD, "pollFirst", POLL_TIMED, true),
        new Method(LBD, "pollLast", POLL_TIMED, true),
        // a semaphore's permits and waiters stay at home: an acquire or a release is one round trip, where the
        // synchronizer's state, wait queue and the wake-up of its next waiter moved between the nodes
        // (acquireUninterruptibly is left where it is called: at home it could not be withdrawn to move its thread)
        new Method(SEMAPHORE, "acquire", "()V", true),
        new Method(SEMAPHORE, "acquire", "(I)V", true),
        new Method(SEMAPHORE, "tryAcquire", "()Z", false),
        new Method(SEMAPHORE, "tryAcquire", "(I)Z", false),
        new Method(SEMAPHORE, "tryAcquire", "(" + TIMED_TRY, true),
        new Method(SEMAPHORE, "tryAcquire", "(I" + TIMED_TRY, true),
        new Method(SEMAPHORE, "release", "()V", false),
        new Method(SEMAPHORE, "release", "(I)V", false),
        // a phaser's parties and phase stay at home: registering, arriving and waiting for the advance are a round
        // trip each (the program's arriveAndAwaitAdvance and awaitAdvance wait in awaitAdvanceInterruptibly, see
        // BlockingCalls). A subclass's arrivals run where they are made: the arrival that advances the phase runs
        // onAdvance, which must run on the arriving thread. Registering and waiting never run it.
        new Method(PHASER, "register", "()I", false),
        new Method(PHASER, "bulkRegister", "(I)I", false),
        Method.ofExactClass(PHASER, "arrive", "()I", false),
        Method.ofExactClass(PHASER, "arriveAndDeregister", "()I", false),
        new Method(PHASER, "awaitAdvanceInterruptibly", "(I)I", true),
        new Method(PHASER, "awaitAdvanceInterruptibly", "(IJLjava/util/concurrent/TimeUnit;)I", true),
        // a transfer queue's items and waiting takers stay at home, where a transfer meets the take that ends it;
        // put, add and the offers never wait (the queue is unbounded) and each goes its own way into the queue
        new Method(LTQ, "put", PUT, false),
        new Method(LTQ, "add", OFFER, false),
        new Method(LTQ, "offer", OFFER, false),
        new Method(LTQ, "offer", OFFER_TIMED, false),
        new Method(LTQ, "transfer", PUT, true),
        new Method(LTQ, "tryTransfer", OFFER, false),
        new Method(LTQ, "tryTransfer", OFFER_TIMED, true),
        new Method(LTQ, "take", TAKE, true),
        new Method(LTQ, "poll", TAKE, false),
        new Method(LTQ, "poll", POLL_TIMED, true),
        // a delay queue's elements and waiting takers stay at home, where a take waits for the head's delay (the
        // elements' getDelay and compareTo run there); put, add and the timed offer call offer (it never waits)
        new Method(DQ, "offer", "(" + DELAYED + ")Z", false),
        new Method(DQ, "take", "()" + DELAYED, true),
        new Method(DQ, "poll", "()" + DELAYED, false),
        new Method(DQ, "poll", "(JLjava/util/concurrent/TimeUnit;)" + DELAYED, true));

    /** Internal name of this class, for the agent. */
    public static final String INTERNAL_NAME = "io/ssijava/rt/HomeCalls";

    /** Set on the home's thread while it runs a call for a thread of another node. */
    private static final ThreadLocal<Boolean> SERVING = new ThreadLocal<>();

    private HomeCalls()
    {
    }

    /** @return whether the object was ever shared (its state word is not 0): the whole cost for a local queue. */
    public static boolean isShared(final Object o)
    {
        return o instanceof Managed && ((Managed)o).__ssi_state() != 0;
    }

    /**
     * @param o a shared object (its state word is not 0).
     * @return whether a listed method called on it runs here: it is homed here, or this JVM is no node.
     */
    public static boolean runsHere(final Object o)
    {
        final Runtime rt = Ssi.runtime;
        return rt == null || rt.runsHere(o);
    }

    /**
     * @return whether the calling thread runs a listed method at the home for a thread of another node: what must
     *         run on the program's thread (a barrier's command) is left to it.
     */
    public static boolean servingAnotherNode()
    {
        return SERVING.get() != null;
    }

    /** Marks the calling thread, for good, as one that runs calls for other nodes (a runner of the home's). */
    public static void serving()
    {
        SERVING.set(Boolean.TRUE);
    }

    /**
     * Runs a listed method on the object's home node.
     *
     * @param o      the object, shared and homed on another node.
     * @param method the method's id.
     * @param args   its arguments, primitives boxed.
     * @return what it returned (boxed), or null for void.
     * @throws Throwable what it threw (InterruptedException if it was withdrawn).
     */
    public static Object call(final Object o, final int method, final Object[] args) throws Throwable
    {
        return Ssi.runtime.callAtHome(o, method, args);
    }
}
