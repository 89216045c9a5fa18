package io.ssijava.threads.capturable;

import io.ssijava.rt.PoolWorker;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * A {@code ThreadPoolExecutor} worker's loop, as the JDK's {@code runWorker} and {@code getTask} run it, step for
 * step (the steps are the methods the instrumented JDK adds to the worker, {@link PoolWorker}). The agent rewrites
 * this class like the program's own, so a pool's worker can be captured: while it waits for a task (the queue's
 * {@code take} or {@code poll} is left for the capture and made again afterwards, where the thread then is) and while
 * its task runs the program's code (a {@code FutureTask}'s callable, or the Runnable it was submitted as, is called
 * from here, not from the JDK's {@code FutureTask.run}). A task that runs JDK code pins the worker until that returns.
 * So pool workers move, and stop for checkpoints, like the program's other threads.
 */
public final class PoolWorkerLoop implements Runnable
{
    private final PoolWorker worker;

    private PoolWorkerLoop(final PoolWorker worker)
    {
        this.worker = worker;
    }

    /**
     * @param body what a thread of the program runs.
     * @return the loop that runs it as a worker of a pool, if it is a worker the instrumented JDK took apart; else
     * the body itself.
     */
    public static Runnable bodyFor(final Runnable body)
    {
        return body instanceof PoolWorker ? new PoolWorkerLoop((PoolWorker)body) : body;
    }

    @Override
    public void run()
    {
        final PoolWorker w = worker;
        Runnable task = w.ssi$firstTask();
        boolean abruptly = true;
        try
        {
            while (true)
            {
                boolean timedOut = false;
                while (task == null)
                {
                    // getTask
                    final int how = w.ssi$taskWait(timedOut);
                    if (how < 0)
                    {
                        abruptly = false;
                        return;
                    }
                    final BlockingQueue<Runnable> queue = w.ssi$queue();
                    try
                    {
                        if (how == 1)
                        {
                            task = queue.poll(w.ssi$keepAliveNanos(), TimeUnit.NANOSECONDS);
                            timedOut = task == null;
                        }
                        else
                        {
                            task = queue.take();
                        }
                    }
                    catch (final InterruptedException retry)
                    {
                        timedOut = false;
                    }
                }
                w.ssi$lockForTask();
                try
                {
                    w.ssi$beforeExecute(task);
                    try
                    {
                        runTask(task);
                        w.ssi$afterExecute(task, null);
                    }
                    catch (final Throwable ex)
                    {
                        w.ssi$afterExecute(task, ex);
                        throw ex;
                    }
                }
                finally
                {
                    task = null;
                    w.ssi$taskDone();
                }
            }
        }
        finally
        {
            w.ssi$exit(abruptly);
        }
    }

    /** {@code task.run()}; a plain {@code FutureTask}'s callable is called from here. */
    private static void runTask(final Runnable task)
    {
        if (task.getClass() != FutureTask.class || !(task instanceof PoolWorker.Task))
        {
            task.run();
            return;
        }
        final PoolWorker.Task future = (PoolWorker.Task)task;
        final Object callable = future.ssi$begin();
        if (callable == null)
        {
            return;
        }
        Object result = null;
        Throwable thrown = null;
        try
        {
            if (callable instanceof PoolWorker.Adapter)
            {
                final PoolWorker.Adapter adapter = (PoolWorker.Adapter)callable;
                adapter.ssi$task().run();
                result = adapter.ssi$result();
            }
            else
            {
                result = ((Callable<?>)callable).call();
            }
        }
        catch (final Throwable ex)
        {
            thrown = ex;
        }
        future.ssi$end(result, thrown);
    }
}
