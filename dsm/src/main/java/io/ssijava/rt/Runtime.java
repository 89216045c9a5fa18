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

    void arrayReadMiss(Object array);

    void arrayWriteMiss(Object array);

    void releaseShared();

    void monitorEnter(Object o);

    void monitorExit(Object o);

    void await(Object o, long millis, int nanos) throws InterruptedException;

    void notify(Object o, boolean all);

    /** After a JVM-level wait on an object that was shared meanwhile: take its cluster lock too. */
    void adoptHeldMonitor(Object o);

    int identityHashCode(Object o);

    boolean clinitStart(Class<?> c);

    void clinitDone(Class<?> c);

    Object[] fetchStatics(Class<?> c);

    void clinitFetched(Class<?> c);

    void lambdaCreated(Object lambda, int site);

    void threadStart(Thread t);

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
     * Delivers an unpark or an interrupt to a thread that runs on another node.
     *
     * @return false if the thread runs here (the caller acts on it itself).
     */
    boolean signalRemoteThread(Thread t, boolean interrupt);
}
