package io.ssijava.agent.jdk;

import io.ssijava.rt.PoolWorker;

/**
 * Methods the instrumented JDK adds to {@code Executors.RunnableAdapter}, the callable of a task submitted as a
 * {@code Runnable}: a pool worker calls that Runnable itself, in frames that can be captured
 * ({@link PoolWorker.Adapter}). Merged into the JDK's class by {@link JdkAdditions}. Never loaded as it is.
 */
final class RunnableAdapterMoves implements PoolWorker.Adapter
{
    private final Runnable task = null;
    private final Object result = null;

    private RunnableAdapterMoves()
    {
    }

    @Override
    public Runnable ssi$task()
    {
        return task;
    }

    @Override
    public Object ssi$result()
    {
        return result;
    }
}
