package io.ssijava.agent;

/** A small class the agent rewrites once at start, to load and check the rewriter before it is installed. */
final class Warmup
{
    private int value;
    private static int[] counts = new int[1];

    synchronized int bump(final Object lock) throws InterruptedException
    {
        synchronized (lock)
        {
            counts[0]++;
            value += counts[0];
        }
        return value;
    }
}
