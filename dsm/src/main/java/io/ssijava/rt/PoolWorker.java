package io.ssijava.rt;

import java.util.concurrent.BlockingQueue;

/**
 * A {@code ThreadPoolExecutor}'s worker, taken apart so that its loop can run in code that a thread can be captured
 * in: the instrumented JDK adds these methods to {@code ThreadPoolExecutor.Worker}, and ssi-java's own copy of
 * {@code runWorker} (in {@code io.ssijava.threads.capturable}) calls them in the order the JDK's does. Between them
 * the worker waits for its next task in a blocking call a capture can interrupt, and runs the task in frames that
 * can be captured, so that a pool's workers move and stop for checkpoints like other threads. Each method does what
 * the JDK's {@code runWorker} or {@code getTask} does at that step, on the worker's pool.
 * <p>
 * Do not use -- for internal use only.
 */
public interface PoolWorker
{
    /** @return the worker's first task (taken, so it runs once), after allowing interrupts; null if none. */
    Runnable ssi$firstTask();

    /**
     * The checks {@code getTask} makes before it waits for a task.
     *
     * @param timedOut whether the last timed wait ran out.
     * @return -1 if the worker must end (it is no longer counted), 0 to wait for a task, 1 to wait at most
     * {@link #ssi$keepAliveNanos}.
     */
    int ssi$taskWait(boolean timedOut);

    /** @return the pool's queue of tasks. */
    BlockingQueue<Runnable> ssi$queue();

    /** @return how long an idle worker above the core size waits for a task, in nanoseconds. */
    long ssi$keepAliveNanos();

    /** Takes the worker's lock for a task, and makes sure it is interrupted if and only if the pool is stopping. */
    void ssi$lockForTask();

    /** The pool's {@code beforeExecute}, on this worker's thread. */
    void ssi$beforeExecute(Runnable task);

    /** The pool's {@code afterExecute}. */
    void ssi$afterExecute(Runnable task, Throwable thrown);

    /** A task is over, however it ended: counts it and gives up the worker's lock. */
    void ssi$taskDone();

    /** The worker ends ({@code processWorkerExit}): it may be replaced, and the pool may terminate. */
    void ssi$exit(boolean abruptly);

    /** A {@code FutureTask} run in two halves around its callable, which runs in capturable frames. */
    interface Task
    {
        /** @return the callable to run, or null if the task must not run (done, cancelled, or run by another). */
        Object ssi$begin();

        /** Completes the task with the callable's result, or with what it threw (non-null). */
        void ssi$end(Object result, Throwable thrown);
    }

    /** The {@code Callable} of a task submitted as a {@code Runnable}: that Runnable, and the result to give. */
    interface Adapter
    {
        /** @return the Runnable. */
        Runnable ssi$task();

        /** @return the result the task gives once the Runnable returns. */
        Object ssi$result();
    }
}
