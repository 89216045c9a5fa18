package io.ssijava.threads;

import java.util.List;

/**
 * Where threads run: the node a new thread starts on, and where a running thread should go. Every node of a job uses
 * the same policy; it can be changed while the job runs ({@link ClusterThreads#placement(String)}). Load balancing
 * ({@code --balance}) works beside any policy.
 */
public interface Placement
{
    /** The names of the built-in policies, as {@code --placement} takes them. */
    List<String> NAMES = List.of("spread", "local", "least-loaded", "follow-data");

    /** @return the policy's name. */
    String name();

    /**
     * @param starter the node calling {@code Thread.start()}.
     * @param loads   what this node knows of every node's load.
     * @return the node the thread should run on.
     */
    int place(int starter, Loads loads);

    /**
     * Asked every balancing period for each movable thread that runs on this node and has not moved lately.
     *
     * @param faults the thread's remote faults since it was last asked, by the home node of the object.
     * @param loads  what this node knows of every node's load.
     * @return the node the thread should move to, or -1 to leave it where it is.
     */
    default int relocate(int[] faults, Loads loads)
    {
        return -1;
    }

    /**
     * @param name      one of {@link #NAMES}.
     * @param nodeCount nodes in the job.
     * @return a new instance of the named policy.
     * @throws IllegalArgumentException for an unknown name.
     */
    static Placement named(final String name, final int nodeCount)
    {
        return switch (name)
        {
            case "spread" -> spread(nodeCount);
            case "local" -> local();
            case "least-loaded" -> leastLoaded();
            case "follow-data" -> followData();
            default -> throw new IllegalArgumentException("unknown placement policy \"" + name + "\"; known: " +
                String.join(", ", NAMES));
        };
    }

    /** Starts every thread on the node that starts it (the load balancer, if on, spreads them later). */
    static Placement local()
    {
        return new Placement()
        {
            @Override
            public String name()
            {
                return "local";
            }

            @Override
            public int place(final int starter, final Loads loads)
            {
                return starter;
            }
        };
    }

    /** Spreads threads evenly: round robin over all nodes, beginning after the starting node. */
    static Placement spread(final int nodeCount)
    {
        return new Placement()
        {
            private final RoundRobin order = new RoundRobin();

            @Override
            public String name()
            {
                return "spread";
            }

            @Override
            public int place(final int starter, final Loads loads)
            {
                return order.next(starter, nodeCount);
            }
        };
    }

    /** Round robin over the nodes, beginning after the starting node. */
    final class RoundRobin
    {
        private int next = 1;

        synchronized int next(final int starter, final int nodeCount)
        {
            return (starter + next++) % nodeCount;
        }
    }

    /** Starts each thread on the node that runs the fewest threads, the starting node on a tie. */
    static Placement leastLoaded()
    {
        return new Placement()
        {
            @Override
            public String name()
            {
                return "least-loaded";
            }

            @Override
            public int place(final int starter, final Loads loads)
            {
                return loads.placeOnLeastLoaded(starter);
            }
        };
    }

    /**
     * Starts threads spread evenly, then moves a thread to the node that homes the objects it faults most, once it
     * faults there often ({@link FollowData#MIN_FAULTS} in a period) and that node holds two thirds of its faults.
     */
    static Placement followData()
    {
        return new FollowData();
    }

    /** See {@link #followData()}. */
    final class FollowData implements Placement
    {
        /** Faults on one node in one period that make a thread worth moving: a few milliseconds of waiting. */
        static final int MIN_FAULTS = 32;

        private final RoundRobin order = new RoundRobin();

        @Override
        public String name()
        {
            return "follow-data";
        }

        @Override
        public int place(final int starter, final Loads loads)
        {
            return order.next(starter, loads.nodeCount());
        }

        @Override
        public int relocate(final int[] faults, final Loads loads)
        {
            int best = -1;
            long total = 0;
            for (int n = 0; n < faults.length; n++)
            {
                total += faults[n];
                if (best < 0 || faults[n] > faults[best])
                {
                    best = n;
                }
            }
            if (best < 0 || best == loads.self() || faults[best] < MIN_FAULTS || faults[best] * 3L < total * 2L)
            {
                return -1;
            }
            return best;
        }
    }
}
