package io.ssijava.threads;

/** Chooses the node a new thread starts on. */
public interface Placement
{
    /**
     * @param starter the node calling {@code Thread.start()}.
     * @return the node the thread should run on.
     */
    int place(int starter);

    /** Starts every thread on the node that starts it (the load balancer, if on, spreads them later). */
    static Placement local()
    {
        return starter -> starter;
    }

    /** Spreads threads evenly: round robin over all nodes, beginning after the starting node. */
    static Placement spread(final int nodeCount)
    {
        return new Placement()
        {
            private int next = 1;

            @Override
            public synchronized int place(final int starter)
            {
                final int node = (starter + next) % nodeCount;
                next++;
                return node;
            }
        };
    }
}
