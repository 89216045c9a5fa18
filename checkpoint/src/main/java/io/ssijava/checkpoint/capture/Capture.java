package io.ssijava.checkpoint.capture;

import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.CheckpointControl;
import io.ssijava.checkpoint.CheckpointException;
import io.ssijava.checkpoint.levels.Stores;
import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.threads.ClusterThreads;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The checkpoint protocol on one node: its participant, and on node 0 the coordinator and its timer. */
public final class Capture implements AutoCloseable
{
    private final Participant participant;
    private final Coordinator coordinator;
    private final Thread timer;
    /** The job is ending: no more checkpoints, and a failure of one under way is not worth reporting. */
    private volatile boolean closed;
    /** The job is not ready for checkpoints yet: it is being restored from one. */
    private volatile boolean held;
    private volatile java.util.function.Consumer<String> failures = why -> { };
    /** Whether the timer sleeps between checkpoints (then, and only then, closing interrupts it). Guarded by this. */
    private boolean sleeping;

    private Capture(final Participant participant, final Coordinator coordinator, final Thread timer)
    {
        this.participant = participant;
        this.coordinator = coordinator;
        this.timer = timer;
    }

    /** Starts this node's part; on node 0 also the coordinator, and its timer if the config has a period. */
    public static Capture start(final NodeRuntime runtime, final ClusterThreads threads,
        final CheckpointConfig config, final long job, final boolean held)
    {
        final int nodes = runtime.node().nodeCount();
        final Map<Integer, CheckpointDir> local = new HashMap<>();
        final List<CheckpointDir> dirs = new ArrayList<>();
        for (int n = 0; n < nodes; n++)
        {
            local.put(n, new CheckpointDir(config.localDir(n)));
            dirs.add(local.get(n));
        }
        final CheckpointDir stable = config.stableDir() == null ? null : new CheckpointDir(config.stableDir());
        if (stable != null)
        {
            dirs.add(stable);
        }
        final Stores stores = new Stores(job, nodes, local, stable, config.schedule());
        final Participant participant = new Participant(runtime, threads, stores, job);
        if (runtime.node().self() != 0)
        {
            return new Capture(participant, null, null);
        }
        final Coordinator coordinator = new Coordinator(runtime.node(), participant, stores, job,
            config.pauseTimeoutMillis(), dirs);
        Thread timer = null;
        if (config.everyMillis() > 0)
        {
            final Capture[] self = new Capture[1];
            timer = new io.ssijava.rt.NodeLocalThread(() -> self[0].every(runtime.node(), config.everyMillis()),
                "ssi-checkpoints");
            timer.setDaemon(true);
            self[0] = new Capture(participant, coordinator, timer);
            self[0].held = held;
            timer.start();
            return self[0];
        }
        return new Capture(participant, coordinator, null);
    }

    /**
     * Takes a checkpoint every period (counted from the end of the last one), until interrupted. After a checkpoint
     * that could not be taken (each one holds the program up to the pause's timeout), the wait doubles, up to 16
     * periods, and is back to one period after the next success.
     */
    private void every(final io.ssijava.dsm.Node node, final long millis)
    {
        // the service starts before the node connects; the period counts from when every node is there, the job
        // restored if it is restored, and the program's main method begun
        while (!node.isConnected() || held || !participant.mainStarted())
        {
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
        long wait = millis;
        while (!closed)
        {
            try
            {
                synchronized (this)
                {
                    sleeping = true;
                }
                Thread.sleep(wait);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            finally
            {
                synchronized (this)
                {
                    sleeping = false;
                }
            }
            if (closed)
            {
                return;
            }
            try
            {
                final CheckpointControl.Summary s = coordinator.checkpointNow();
                wait = millis;
                System.err.println("ssi-java: " + s.committedLine());
            }
            catch (final CheckpointException | RuntimeException ex)
            {
                if (closed)
                {
                    return; // the job ended under it: its nodes are going
                }
                wait = Math.min(wait * 2, millis * 16);
                final String why = ex instanceof CheckpointException ? ex.getMessage() : "checkpoint failed: " + ex;
                System.err.println("ssi-java: " + why + "; next try in " + wait + " ms");
                failures.accept(why);
            }
        }
    }

    /** Hears why a periodic checkpoint failed. */
    public void onFailure(final java.util.function.Consumer<String> listener)
    {
        failures = listener;
    }

    /** The job is restored: the period starts. */
    public void ready()
    {
        held = false;
    }

    /** @return the coordinator on node 0, else null. */
    public CheckpointControl control()
    {
        return coordinator;
    }

    @Override
    public void close()
    {
        closed = true;
        synchronized (this)
        {
            if (timer != null && sleeping)
            {
                timer.interrupt(); // never while it writes a checkpoint: that would only break its files
            }
        }
        participant.close();
    }
}
