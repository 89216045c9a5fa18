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
}
