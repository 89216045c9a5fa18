package io.ssijava.agent.jdk;

import io.ssijava.rt.PoolWorker;

import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;

/**
 * Methods the instrumented JDK adds to {@code java.util.concurrent.FutureTask}: its {@code run()} in two halves
 * around the call of its callable ({@link PoolWorker.Task}), so that a pool worker runs that call in frames that can
 * be captured. Together they do what {@code run()} does.
 * <p>
 * Merged into the JDK's class by {@link JdkAdditions}. Never loaded as it is.
 */
final class FutureTaskMoves implements PoolWorker.Task
{
    private static final int NEW = 0;
    private static final int INTERRUPTING = 5;
    private static final VarHandle RUNNER = null;

    private volatile int state;
    private Callable<?> callable;
    private volatile Thread runner;

    private FutureTaskMoves()
    {
    }

    protected void set(final Object v)
    {
    }

    protected void setException(final Throwable t)
    {
    }

    private void handlePossibleCancellationInterrupt(final int s)
    {
    }

    @Override
    public Object ssi$begin()
    {
        if (state != NEW || !RUNNER.compareAndSet(this, null, Thread.currentThread()))
        {
            return null;
        }
        final Callable<?> c = callable;
        if (c == null || state != NEW)
        {
            ssi$ran();
            return null;
        }
        return c;
    }

    @Override
    public void ssi$end(final Object result, final Throwable thrown)
    {
        try
        {
            if (thrown == null)
            {
                set(result);
            }
            else
            {
                setException(thrown);
            }
        }
        finally
        {
            ssi$ran();
        }
    }

    /** {@code run()}'s finally block. */
    private void ssi$ran()
    {
        // runner must be non-null until state is settled, to prevent concurrent calls to run()
        runner = null;
        final int s = state;
        if (s >= INTERRUPTING)
        {
            handlePossibleCancellationInterrupt(s);
        }
    }
}
