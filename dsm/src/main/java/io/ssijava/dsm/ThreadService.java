package io.ssijava.dsm;

/** Cluster threads, provided by the threads module: where threads start, and how join and isAlive answer. */
public interface ThreadService
{
    void start(Thread t);

    /** Runs the program's main method as a thread that can move; see {@code Runtime.runMain}. */
    void runMain(Runnable body);

    /** Runs the {@code run()} of a subclass of Thread as a thread that can move; see {@code Runtime.runThread}. */
    void runThread(Thread self, Runnable body);

    /** The default name of a thread the program makes: node 0 numbers them. */
    String threadName();

    void join(Thread t, long millis) throws InterruptedException;

    boolean isAlive(Thread t);
}
