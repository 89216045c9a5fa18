package io.ssijava.threads;

/**
 * What one node knows of every node's load: the threads of the program that each runs and that are not waiting,
 * averaged over the last period, as each node last reported it. Placing or moving a thread counts it at once, so
 * that a burst of starts does not pile onto the node that looked idle before the next report; for two periods after
 * that, a report (which may have been taken before the thread arrived) can raise the count but not lower it.
 */
public final class Loads
{
    private final int self;
    private final int[] load;
    /** When this node last counted a thread onto each node itself (nanoTime), 0 if never. */
    private final long[] countedAt;
    private final long trustReportsAfterNanos;

    Loads(final int self, final int nodeCount, final long periodMillis)
    {
        this.self = self;
        this.load = new int[nodeCount];
        this.countedAt = new long[nodeCount];
        this.trustReportsAfterNanos = 2 * periodMillis * 1_000_000L;
    }

    /** @return this node's id. */
    public int self()
    {
        return self;
    }

    /** @return nodes in the job. */
    public int nodeCount()
    {
        return load.length;
    }

    /** @return the node's last known load. */
    public synchronized int load(final int node)
    {
        return load[node];
    }

    synchronized void report(final int node, final int count)
    {
        if (count >= load[node] || countedAt[node] == 0 || System.nanoTime() - countedAt[node] > trustReportsAfterNanos)
        {
            load[node] = count;
        }
    }

    /** Counts a thread that moves from one node to another before the nodes report it. */
    synchronized void moved(final int from, final int to)
    {
        load[from] = Math.max(0, load[from] - 1);
        counted(to);
    }

    private void counted(final int node)
    {
        load[node]++;
        countedAt[node] = System.nanoTime() | 1;
    }

    /**
     * @param preferred the node to take on a tie.
     * @return the least loaded node, which is counted one thread busier from now on.
     */
    public synchronized int placeOnLeastLoaded(final int preferred)
    {
        final int min = leastLoaded(preferred);
        counted(min);
        return min;
    }

    /** @return the least loaded node, {@code self} on a tie. */
    synchronized int leastLoaded()
    {
        return leastLoaded(self);
    }

    private int leastLoaded(final int preferred)
    {
        int min = preferred;
        for (int n = 0; n < load.length; n++)
        {
            if (load[n] < load[min])
            {
                min = n;
            }
        }
        return min;
    }
}
