package io.ssijava.rt;

/**
 * What the facade {@link Ssi} forwards its slow paths to. Installed once per JVM by the node runtime;
 * until then (and in a plain single-JVM run) nothing is shared and no slow path is ever taken.
 * <p>
 * Do not use -- for internal use only.
 */
public interface Runtime
{
    void readMiss(Object o);

    void writeMiss(Object o);

    void staticReadMiss(Class<?> c);

    void staticWriteMiss(Class<?> c);

    /**
     * Faults {@code array} in if it is shared and invalid here.
     *
     * @return whether it is shared: the object space keeps it, so guards may remember it without keeping it alive.
     */
    boolean arrayReadMiss(Object array);

    void arrayWriteMiss(Object array);

    /**
     * The calling thread is about to write {@code array} in a loop that makes no call, without a check per write
     * (see {@link ArrayGuard#checkHoistedWrite}): makes it writable and keeps comparing it at releases until the
     * thread's current {@link WriteScope} ends.
     *
     * @return the calling thread's scope.
     */
    WriteScope holdArray(Object array);

    void releaseShared();

    void monitorEnter(Object o);

    void monitorExit(Object o);

    void await(Object o, long millis, int nanos) throws InterruptedException;

    void notify(Object o, boolean all);

    /** After a JVM-level wait on an object that was shared meanwhile: take its cluster lock too. */
    void adoptHeldMonitor(Object o);

    /** After a JVM monitorenter, once some thread left this node inside a monitor (see {@link Ssi#monitorEntered}). */
    default void monitorEntered(final Object o)
    {
    }

    /**
     * The current thread leaves for node {@code to} inside o's monitor: keep the monitor its own until it enters it
     * again there. No-op by default (a runtime without nodes).
     */
    default void reserveMonitor(final Object o, final int to)
    {
    }

    /**
     * As {@link #await}, for a thread that may be asked to move while it waits.
     *
     * @return true if it stopped early only because of {@link #yieldWait}: it holds the monitor again, was not
     * notified, and may wait again for the time that is left.
     */
    default boolean awaitMovable(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        await(o, millis, nanos);
        return false;
    }

    /** Makes a thread that waits in {@link #awaitMovable} return early (it is to move). */
    default void yieldWait(final Thread t)
    {
    }

    int identityHashCode(Object o);

    boolean clinitStart(Class<?> c);

    void clinitDone(Class<?> c);

    Object[] fetchStatics(Class<?> c);

    void clinitFetched(Class<?> c);

    void lambdaCreated(Object lambda, int site);

    void threadStart(Thread t);

    /**
     * Runs the program's main method (the agent's wrapper of it calls this) as a thread of the cluster that can
     * move; returns when main has ended, wherever it ended.
     */
    void runMain(Runnable body);

    /** Runs the {@code run()} of a subclass of Thread (the agent's wrapper of it calls this) as a movable body. */
    void runThread(Thread self, Runnable body);

    /** The default name of a thread the program makes, numbered once for the whole cluster (see ThreadNames). */
    String threadName();

    void threadJoin(Thread t, long millis) throws InterruptedException;

    boolean threadIsAlive(Thread t);

    void exit(int status);

    /**
     * A read-modify-write of a shared object or array, run atomically on its home node (see {@link JdkOps}).
     *
     * @param o     the object or array.
     * @param where an {@code Unsafe} offset when {@code field} is null, an element index when it is {@code "[]"}.
     * @param field null, {@code "[]"}, or the declaring class's name, a dot, and the field's name.
     * @param op    one of the operation constants of {@link JdkOps}.
     * @param a     the operand (the expected value of a compare-and-set), boxed.
     * @param b     the new value of a compare-and-set, else null.
     * @return the operation's result, boxed.
     */
    Object atomic(Object o, long where, String field, int op, Object a, Object b);

    /** @return whether an array (or plain object) is shared with other nodes. */
    boolean isShared(Object o);

    /**
     * Delivers an unpark or an interrupt to a thread of the program: there, if it runs on another node.
     *
     * @return false if the caller acts on the thread itself (an unpark of a thread that runs here).
     */
    boolean signalRemoteThread(Thread t, boolean interrupt);

    /** Whether a method that runs at its object's home ({@link HomeCalls}) runs here for this shared object. */
    default boolean runsHere(final Object o)
    {
        return true;
    }

    /** Runs a {@link HomeCalls} method on the object's home node. */
    default Object callAtHome(final Object o, final int method, final Object[] args) throws Throwable
    {
        throw new IllegalStateException("no home calls on this runtime");
    }
}
