package io.ssijava.agent.jdk;

import io.ssijava.rt.PoolWorker;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Methods the instrumented JDK adds to {@code ThreadPoolExecutor.Worker} ({@link Worker}) so that a pool's worker
 * can be captured: ssi-java runs the worker's loop itself, in code that can be captured, and calls these for each
 * step of the JDK's {@code runWorker} and {@code getTask} (see {@link PoolWorker}). Only the blocking wait for a task
 * and the task itself run between them, so that both can be left for a move or a checkpoint.
 * <p>
 * Written against fields and methods of the same names and types as the JDK's and merged into its classes by
 * {@link JdkAdditions}, which maps this class's name to {@code ThreadPoolExecutor}'s. Never loaded as it is.
 */
final class ThreadPoolExecutorMoves
{
    private static final int SHUTDOWN = 0;
    private static final int STOP = 1 << 29;

    private final AtomicInteger ctl = null;
    private final BlockingQueue<Runnable> workQueue = null;
    private volatile long keepAliveTime;
    private volatile boolean allowCoreThreadTimeOut;
    private volatile int corePoolSize;
    private volatile int maximumPoolSize;

    private ThreadPoolExecutorMoves()
    {
    }

    private static int workerCountOf(final int c)
    {
        return 0;
    }

    private static boolean runStateAtLeast(final int c, final int s)
    {
        return false;
    }

    private boolean compareAndDecrementWorkerCount(final int expect)
    {
        return false;
    }

    private void decrementWorkerCount()
    {
    }

    private void processWorkerExit(final Worker w, final boolean completedAbruptly)
    {
    }

    protected void beforeExecute(final Thread t, final Runnable r)
    {
    }

    protected void afterExecute(final Runnable r, final Throwable t)
    {
    }

    /** Stands for {@code ThreadPoolExecutor.Worker}; its {@code ssi$} methods are the additions. */
    final class Worker implements PoolWorker
    {
        final Thread thread = null;
        Runnable firstTask;
        volatile long completedTasks;

        private Worker()
        {
        }

        public void lock()
        {
        }

        public void unlock()
        {
        }

        /** {@code runWorker}'s start. */
        @Override
        public Runnable ssi$firstTask()
        {
            final Runnable task = firstTask;
            firstTask = null;
            unlock(); // allow interrupts
            return task;
        }

        /** {@code getTask}'s checks, up to its wait. */
        @Override
        public int ssi$taskWait(final boolean timedOut)
        {
            final ThreadPoolExecutorMoves pool = ThreadPoolExecutorMoves.this;
            for (;;)
            {
                final int c = pool.ctl.get();
                if (runStateAtLeast(c, SHUTDOWN) && (runStateAtLeast(c, STOP) || pool.workQueue.isEmpty()))
                {
                    pool.decrementWorkerCount();
                    return -1;
                }
                final int wc = workerCountOf(c);
                final boolean timed = pool.allowCoreThreadTimeOut || wc > pool.corePoolSize;
                if ((wc > pool.maximumPoolSize || (timed && timedOut)) && (wc > 1 || pool.workQueue.isEmpty()))
                {
                    if (pool.compareAndDecrementWorkerCount(c))
                    {
                        return -1;
                    }
                    continue;
                }
                return timed ? 1 : 0;
            }
        }

        @Override
        public BlockingQueue<Runnable> ssi$queue()
        {
            return ThreadPoolExecutorMoves.this.workQueue;
        }

        @Override
        public long ssi$keepAliveNanos()
        {
            return ThreadPoolExecutorMoves.this.keepAliveTime;
        }

        @Override
        public void ssi$lockForTask()
        {
            lock();
            // if the pool is stopping, the thread is interrupted; if not, it is not (a second look clears an
            // interrupt that came with a shutdownNow racing this one)
            final Thread wt = Thread.currentThread();
            final AtomicInteger ctl = ThreadPoolExecutorMoves.this.ctl;
            if ((runStateAtLeast(ctl.get(), STOP) || (Thread.interrupted() && runStateAtLeast(ctl.get(), STOP))) &&
                !wt.isInterrupted())
            {
                wt.interrupt();
            }
        }

        @Override
        public void ssi$beforeExecute(final Runnable task)
        {
            ThreadPoolExecutorMoves.this.beforeExecute(Thread.currentThread(), task);
        }

        @Override
        public void ssi$afterExecute(final Runnable task, final Throwable thrown)
        {
            ThreadPoolExecutorMoves.this.afterExecute(task, thrown);
        }

        @Override
        public void ssi$taskDone()
        {
            completedTasks++;
            unlock();
        }

        @Override
        public void ssi$exit(final boolean abruptly)
        {
            ThreadPoolExecutorMoves.this.processWorkerExit(this, abruptly);
        }
    }
}
