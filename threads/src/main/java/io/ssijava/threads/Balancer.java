package io.ssijava.threads;

import io.ssijava.dsm.Node;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps every node's view of the loads current and moves running threads. Each period a node tells the others its
 * load (threads of the program that are not waiting, sampled ten times a period: the average, or the last sample
 * if higher); then
 * <ul>
 * <li>with balancing on, a node whose load is at least two above the least loaded node's moves half the difference
 * there, taking the threads that used the most processor time over the period (the load is theirs: main, busy
 * for a moment starting the others, is left where it is);</li>
 * <li>the placement policy may send any movable thread elsewhere ({@link Placement#relocate}, e.g. to its data).</li>
 * </ul>
 * Hysteresis keeps threads from ping-ponging: a difference of one is left alone (moving half of a larger one never
 * reverses it), a node judges the loads again only once its moves are over and {@link #SETTLE_PERIODS} periods
 * later, when the counts it hears include them, and a thread that moved stays where it is for
 * {@link #COOL_DOWN_PERIODS} periods.
 */
final class Balancer
{
    /** Periods a moved thread is left alone. */
    static final int COOL_DOWN_PERIODS = 10;
    /** Periods a node waits after a move before it judges again: the counts it hears meanwhile may predate the move. */
    static final int SETTLE_PERIODS = 3;
    private static final int SAMPLES_PER_PERIOD = 10;

    private final ClusterThreads threads;
    private final Node node;
    private final int self;
    private final long periodMillis;
    private final boolean balance;
    private final Loads loads;
    /** Period number after which each thread may move again. */
    private final Map<Thread, Long> coolDown = new ConcurrentHashMap<>();
    /** Threads asked to move that their target has not taken yet, and the period they were asked in. */
    private final Map<Thread, Long> inFlight = new ConcurrentHashMap<>();
    private long period;
    private long nextDecision;
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    /** Each thread's processor time at the last period (nanoseconds); a thread not in it is new. */
    private Map<Thread, Long> cpuAtLastPeriod = new HashMap<>();

    Balancer(final ClusterThreads threads, final Node node, final Loads loads, final long periodMillis,
        final boolean balance)
    {
        this.threads = threads;
        this.node = node;
        this.self = node.self();
        this.loads = loads;
        this.periodMillis = periodMillis;
        this.balance = balance;
    }

    void start()
    {
        // the threads that run already (main) start from what they have used so far: their past is not load
        cpuAtLastPeriod = cpuTimes(threads.movableThreads());
        final Thread t = new io.ssijava.rt.NodeLocalThread(this::run, "ssi-balancer");
        t.start();
    }

    private void run()
    {
        final long sampleMillis = Math.max(1, periodMillis / SAMPLES_PER_PERIOD);
        int samples = 0;
        int busy = 0;
        long periodEnd = System.nanoTime() + periodMillis * 1_000_000L;
        while (!node.isClosing())
        {
            try
            {
                Thread.sleep(sampleMillis);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            final int now = threads.busyThreads();
            busy += now;
            samples++;
            if (System.nanoTime() - periodEnd < 0)
            {
                continue;
            }
            periodEnd += periodMillis * 1_000_000L;
            // a load that rises counts at once (threads just started), one that falls only on average (a thread
            // that waits a moment at a barrier is still there)
            final int load = Math.max(now, (busy + samples / 2) / samples);
            busy = 0;
            samples = 0;
            try
            {
                step(load);
            }
            catch (final RuntimeException ex)
            {
                if (!node.isClosing())
                {
                    System.err.println("ssi-java: node " + self + ": moving threads: " + ex.getMessage());
                }
            }
        }
    }

    private void step(final int load)
    {
        period++;
        coolDown.values().removeIf(until -> until <= period);
        loads.report(self, load);
        for (int n = 0; n < node.nodeCount(); n++)
        {
            if (n != self)
            {
                node.send(n, node.message(ThreadMessages.LOAD).putInt(load));
            }
        }
        settleMoves();
        final List<Thread> here = threads.movableThreads();
        final Map<Thread, Long> now = cpuTimes(here);
        if (balance && period >= nextDecision && inFlight.isEmpty())
        {
            final Map<Thread, Long> used = new HashMap<>();
            now.forEach((t, n) -> used.put(t, n - cpuAtLastPeriod.getOrDefault(t, 0L)));
            final List<Thread> busiestFirst = new ArrayList<>(here);
            busiestFirst.sort(Comparator.comparingLong((Thread t) -> used.getOrDefault(t, 0L)).reversed());
            even(busiestFirst);
        }
        cpuAtLastPeriod = now;
        final Placement policy = threads.placement();
        for (final Thread t : here)
        {
            final int[] faults = threads.takeFaults(t);
            if (faults != null && !coolDown.containsKey(t))
            {
                final int to = policy.relocate(faults, loads);
                if (to >= 0 && to != self && to < node.nodeCount())
                {
                    moveOne(t, to);
                }
            }
        }
    }

    /**
     * A move is over once the target has taken the thread (the first arrival on a node can take hundreds of
     * milliseconds: it loads the thread's classes there); the loads are judged again only once the target has
     * reported it. A request the thread does not act on (it waits, or JDK code pins it) is withdrawn after a while.
     */
    private void settleMoves()
    {
        inFlight.entrySet().removeIf(e ->
        {
            if (!threads.moving(e.getKey()))
            {
                nextDecision = Math.max(nextDecision, period + SETTLE_PERIODS);
                return true;
            }
            if (period - e.getValue() > COOL_DOWN_PERIODS)
            {
                threads.cancelMove(e.getKey());
                return true;
            }
            return false;
        });
    }

    private void even(final List<Thread> here)
    {
        final int target = loads.leastLoaded();
        // half the difference evens the pair out in one step; a difference of one is left alone
        int toMove = (loads.load(self) - loads.load(target)) / 2;
        for (final Thread t : here)
        {
            if (toMove <= 0)
            {
                return;
            }
            // only threads that compute: moving a waiting one (main in join, since main can move) moves no load
            if (t.getState() == Thread.State.RUNNABLE && !coolDown.containsKey(t) && moveOne(t, target))
            {
                toMove--;
                nextDecision = period + SETTLE_PERIODS;
            }
        }
    }

    /** @return each thread's processor time (nanoseconds), for those the JVM measures. */
    private Map<Thread, Long> cpuTimes(final List<Thread> ts)
    {
        final Map<Thread, Long> out = new HashMap<>();
        if (!cpu.isThreadCpuTimeSupported())
        {
            return out;
        }
        for (final Thread t : ts)
        {
            @SuppressWarnings("deprecation") // threadId() is JDK 19+
            final long n = cpu.getThreadCpuTime(t.getId());
            if (n >= 0)
            {
                out.put(t, n);
            }
        }
        return out;
    }

    private boolean moveOne(final Thread t, final int to)
    {
        if (!threads.move(t, to))
        {
            return false;
        }
        coolDown.put(t, period + COOL_DOWN_PERIODS);
        inFlight.put(t, period);
        // counted now, so that the next period does not move more threads on the old figures
        loads.moved(self, to);
        return true;
    }
}
