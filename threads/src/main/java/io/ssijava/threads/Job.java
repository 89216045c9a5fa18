package io.ssijava.threads;

import io.ssijava.dsm.MessageTypes;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeMetrics;
import io.ssijava.dsm.Stats;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;
import io.ssijava.transport.TransportStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The life of a job on one node: node 0 owns the end of the job (its JVM exits when the program would, then it
 * stops every other node); a worker serves until node 0 tells it to stop. {@code System.exit} anywhere ends the
 * job with that status; a lost node stops the job with a clear message instead of letting it hang.
 */
public final class Job
{
    /** Exit status of a job stopped because a node was lost. */
    public static final int NODE_LOST_STATUS = 1;
    /**
     * Exit status of a job stopped because a node was lost, that can go on from a checkpoint (EX_TEMPFAIL): the
     * launcher restores it.
     */
    public static final int RECOVERABLE_STATUS = 75;
    /** Exit status of a job that stopped to be restored from its checkpoint on one node more (a node joins it). */
    public static final int RESIZE_STATUS = 76;

    private final Node node;
    private final NodeRuntime runtime;
    private final boolean printStats;
    private volatile boolean ending;
    /** Counted down when node 0 tells this worker node to stop. */
    private final java.util.concurrent.CountDownLatch stopOrdered = new java.util.concurrent.CountDownLatch(1);
    /** Never counted down: what waits on it waits until the JVM halts. */
    private final java.util.concurrent.CountDownLatch halted = new java.util.concurrent.CountDownLatch(1);
    /** How long a worker that saw another worker fail waits for node 0 to stop the job. */
    private static final long STOP_ORDER_WAIT_MS = 8_000;
    /** How long node 0 lets its transport send the order to halt before it halts itself. */
    private static final long SEND_GRACE_NANOS = 200_000_000L;
    private volatile Runnable afterEnd = () -> { };
    /** Node 0: what a lost node makes of the job, its exit status (e.g. a checkpoint it can go on from). */
    private volatile java.util.function.ToIntBiFunction<Integer, String> lost = (n, why) -> NODE_LOST_STATUS;

    /**
     * @param runtime    this node's runtime.
     * @param printStats whether node 0 prints every node's statistics at the end.
     */
    public Job(final NodeRuntime runtime, final boolean printStats)
    {
        this.runtime = runtime;
        this.node = runtime.node();
        this.printStats = printStats;
        node.register(MessageTypes.STATS, (from, corr, in) -> node.sendReply(from, corr, statsBody()));
        node.register(MessageTypes.METRICS, (from, corr, in) ->
            node.sendReply(from, corr, NodeMetrics.write(node.reply(), NodeMetrics.sample(node))));
        if (node.self() == 0)
        {
            node.register(MessageTypes.EXIT, (from, corr, in) ->
            {
                final int status = in.getInt();
                new Thread(() -> System.exit(status), "ssi-exit").start();
            });
            Runtime.getRuntime().addShutdownHook(new Thread(this::endJob, "ssi-shutdown"));
        }
        else
        {
            node.register(MessageTypes.SHUTDOWN, (from, corr, in) ->
            {
                ending = true;
                stopOrdered.countDown();
                final int status = in.getInt();
                System.out.flush();
                System.err.flush();
                node.closeToHalt(); // removes the node's Aeron directory
                Runtime.getRuntime().halt(status);
            });
        }
        node.failureListener(this::onNodeFailed);
    }

    /**
     * Node 0: decides the exit status of the job when a node is lost (given the node and why), and may say more
     * first; without one, the job ends with {@link #NODE_LOST_STATUS}.
     */
    public void onNodeLost(final java.util.function.ToIntBiFunction<Integer, String> action)
    {
        this.lost = action;
    }

    /**
     * Node 0: every node's metrics now, in node order (see {@link NodeMetrics}); null for a node that did not
     * answer.
     */
    public double[][] metrics()
    {
        final double[][] all = new double[node.nodeCount()][];
        all[0] = NodeMetrics.sample(node);
        for (int n = 1; n < all.length; n++)
        {
            try
            {
                all[n] = NodeMetrics.read(node.call(n, node.message(MessageTypes.METRICS)));
            }
            catch (final RuntimeException ex)
            {
                all[n] = null; // gone, or the job is ending: the others' still count
            }
        }
        return all;
    }

    /**
     * Node 0: ends the job from outside the program (ssi-java stop): says why on stderr, then exits with the
     * status as the program would by System.exit, which stops every other node.
     */
    public void stop(final int status, final String why)
    {
        System.err.println("ssi-java: " + why + "; stopping the job (exit status " + status + ")");
        final Thread exit = new Thread(() -> System.exit(status), "ssi-stop");
        exit.start();
    }

    /**
     * Node 0: stops the job at once to be restored from a checkpoint (on another number of nodes: a node joins it),
     * every node exiting with {@code status}, which tells the launcher, and the nodes that joined from elsewhere, to
     * go on with the restored job.
     */
    public void restart(final int status, final String why)
    {
        ending = true;
        System.err.println("ssi-java: " + why);
        haltAll(status, -1);
    }

    /** Node 0: orders every node but {@code except} to halt with the status, then halts. */
    private void haltAll(final int status, final int except)
    {
        for (int n = 1; n < node.nodeCount(); n++)
        {
            if (n != except)
            {
                try
                {
                    node.send(n, node.message(MessageTypes.SHUTDOWN).putInt(status));
                }
                catch (final RuntimeException ignored)
                {
                    // best effort: a node that misses it sees node 0 go, and leaves too
                }
            }
        }
        System.out.flush();
        System.err.flush();
        // the orders are in the transport's buffers: give its sender, which halts with this JVM, a moment to send
        java.util.concurrent.locks.LockSupport.parkNanos(SEND_GRACE_NANOS);
        Runtime.getRuntime().halt(status);
    }

    /** What node 0 does last when the job ends, after the other nodes were told to stop (e.g. reap them). */
    public void afterEnd(final Runnable action)
    {
        this.afterEnd = action;
    }

    private WireOut statsBody()
    {
        final TransportStats ts = node.transportStats();
        final WireOut out = node.reply();
        final Stats s = node.stats();
        s.write(out, ts == null ? s.messagesSent.get() : ts.messagesSent(), ts == null ? s.bytesSent.get() : ts.bytesSent());
        return out;
    }

    private static WireIn local(final WireOut reply)
    {
        return new WireIn(reply.toBytes(), 10, reply.length() - 10);
    }

    /** Node 0's shutdown hook: print statistics if asked, then stop the other nodes. */
    private void endJob()
    {
        ending = true;
        if (printStats)
        {
            final List<String> lines = new ArrayList<>();
            for (int n = 0; n < node.nodeCount(); n++)
            {
                try
                {
                    final WireIn in = n == 0 ? local(statsBody()) :
                        node.call(n, node.message(MessageTypes.STATS));
                    lines.add(Stats.line(n, in));
                }
                catch (final RuntimeException ex)
                {
                    lines.add("ssi-java: node " + n + ": no statistics (" + ex.getMessage() + ")");
                }
            }
            lines.forEach(System.err::println);
        }
        node.beginClosing();
        for (int n = 1; n < node.nodeCount(); n++)
        {
            try
            {
                node.send(n, node.message(MessageTypes.SHUTDOWN).putInt(0));
            }
            catch (final RuntimeException ignored)
            {
                // that node is gone already
            }
        }
        afterEnd.run();
        node.close();
    }

    private void onNodeFailed(final int failed, final String reason)
    {
        if (node.self() != 0 && ending)
        {
            // set only by node 0's order to stop, before it counts stopOrdered down: the calls stay held until
            // this node halts, in a moment
            awaitHalt();
            return;
        }
        if (ending)
        {
            return;
        }
        if (node.self() == 0)
        {
            ending = true;
            System.err.println("ssi-java: node " + failed + " was lost (" + reason + "); stopping the job");
            int status = NODE_LOST_STATUS;
            try
            {
                status = lost.applyAsInt(failed, reason);
            }
            catch (final RuntimeException ex)
            {
                System.err.println("ssi-java: " + ex);
            }
            // the others end with the job's status: a node that joined from elsewhere joins the restored job again
            haltAll(status, failed);
        }
        else if (failed == 0)
        {
            ending = true;
            System.err.println("ssi-java: node " + node.self() + ": lost node 0 (" + reason + "); exiting");
            Runtime.getRuntime().halt(NODE_LOST_STATUS);
        }
        else
        {
            // Node 0 stops the job when any node is lost, and tells this one. Until it does, the calls of this
            // node's threads to the lost node wait (see Node.awaitFailureHandled), so that they do not report the
            // loss first, in stack traces of the program's threads. Should node 0's word not come, they fail.
            try
            {
                if (stopOrdered.await(STOP_ORDER_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS))
                {
                    awaitHalt();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until this JVM halts, which node 0's order to stop does in a moment. */
    private void awaitHalt()
    {
        try
        {
            halted.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
