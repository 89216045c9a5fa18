package io.ssijava.threads;

import io.ssijava.dsm.Node;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Moves running threads from busy nodes to idle ones. Every node tells the others, each period, how many movable
 * threads run on it; a node that runs at least two more than the least loaded one moves half the difference
 * there. Hysteresis keeps threads from ping-ponging: the difference must be two or more (moving half of it never
 * reverses it), after a move a node waits {@link #SETTLE_PERIODS} periods for the counts to catch up, and a thread
 * that moved stays where it is for {@link #COOL_DOWN_PERIODS} periods.
 */
final class Balancer
{
    /** Periods a moved thread is left alone. */
    static final int COOL_DOWN_PERIODS = 10;
    /** Periods a node waits after a move before it judges again: the counts it hears meanwhile may predate the move. */
    static final int SETTLE_PERIODS = 3;

    private final ClusterThreads threads;
    private final Node node;
    private final int self;
    private final long periodMillis;
    /** The last count each node reported. */
    private final int[] load;
    /** Period number after which each thread may move again. */
    private final Map<Thread, Long> coolDown = new ConcurrentHashMap<>();
    private long period;
    private long nextDecision;

    Balancer(final ClusterThreads threads, final Node node, final long periodMillis)
    {
        this.threads = threads;
        this.node = node;
        this.self = node.self();
        this.periodMillis = periodMillis;
        this.load = new int[node.nodeCount()];
        node.register(ThreadMessages.LOAD, (from, corr, in) ->
        {
            final int count = in.getInt();
            synchronized (load)
            {
                load[from] = count;
            }
        });
    }

    void start()
    {
        final Thread t = new io.ssijava.rt.NodeLocalThread(this::run, "ssi-balancer");
        t.start();
    }

    private void run()
    {
        while (!node.isClosing())
        {
            try
            {
                Thread.sleep(periodMillis);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            try
            {
                step();
            }
            catch (final RuntimeException ex)
            {
                if (!node.isClosing())
                {
                    System.err.println("ssi-java: node " + self + ": load balancing: " + ex.getMessage());
                }
            }
        }
    }

    private void step()
    {
        period++;
        coolDown.values().removeIf(until -> until <= period);
        final List<Thread> here = threads.movableThreads();
        for (int n = 0; n < load.length; n++)
        {
            if (n != self)
            {
                node.send(n, node.message(ThreadMessages.LOAD).putInt(here.size()));
            }
        }
        if (period < nextDecision)
        {
            return;
        }
        final int target;
        int toMove;
        synchronized (load)
        {
            load[self] = here.size();
            int min = self;
            for (int n = 0; n < load.length; n++)
            {
                if (load[n] < load[min])
                {
                    min = n;
                }
            }
            // half the difference evens the pair out in one step; a difference of one is left alone
            toMove = (load[self] - load[min]) / 2;
            target = min;
        }
        for (final Thread t : here)
        {
            if (toMove == 0)
            {
                return;
            }
            final Long until = coolDown.get(t);
            if ((until == null || until <= period) && threads.move(t, target))
            {
                toMove--;
                coolDown.put(t, period + COOL_DOWN_PERIODS);
                nextDecision = period + SETTLE_PERIODS;
                synchronized (load)
                {
                    // counted now, so that the next period does not move more threads on the old figures
                    load[self]--;
                    load[target]++;
                }
            }
        }
    }
}
