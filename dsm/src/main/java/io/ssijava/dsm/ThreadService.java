package io.ssijava.dsm;

/** Cluster threads, provided by the threads module: where threads start, and how join and isAlive answer. */
public interface ThreadService
{
    void start(Thread t);

    void join(Thread t, long millis) throws InterruptedException;

    boolean isAlive(Thread t);
}
