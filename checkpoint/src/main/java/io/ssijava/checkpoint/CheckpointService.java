package io.ssijava.checkpoint;

import io.ssijava.checkpoint.capture.Capture;
import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.threads.ClusterThreads;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * A node's part in the job's checkpoints; on node 0 also the coordinator that takes them, when asked and, if the job
 * was started with a period, every period.
 */
public final class CheckpointService implements AutoCloseable
{
    private final Capture capture;
    private final CheckpointConfig config;
    private final long number;

    private CheckpointService(final Capture capture, final CheckpointConfig config, final long number)
    {
        this.capture = capture;
        this.config = config;
        this.number = number;
    }

    /**
     * Starts the checkpoint service of this node (every node of a job starts one, before the program runs).
     *
     * @param runtime  the node's runtime.
     * @param threads  the node's cluster threads.
     * @param config   the job's checkpoint configuration (the same on every node).
     * @param jobId    the job's id.
     * @param job      on node 0, how to run the job again (written beside its checkpoints as {@code
     *                 job.properties}, for {@code ssi-java restore}); null on other nodes.
     * @param restored the job is being restored: no periodic checkpoint until {@link #ready}.
     * @return the service.
     */
    public static CheckpointService start(final NodeRuntime runtime, final ClusterThreads threads,
        final CheckpointConfig config, final String jobId, final Map<String, String> job, final boolean restored)
    {
        final long number = CheckpointConfig.jobNumber(jobId);
        if (job != null)
        {
            describe(config, number, runtime.node().nodeCount(), job);
        }
        return new CheckpointService(Capture.start(runtime, threads, config, number, restored), config, number);
    }

    /**
     * Writes how to run the job again into every node's local directory (each can restore it, if node 0's is lost
     * with it) and the stable one.
     */
    private static void describe(final CheckpointConfig config, final long number, final int nodes,
        final Map<String, String> job)
    {
        final Properties p = new Properties();
        p.putAll(job);
        p.setProperty("format", "1");
        p.setProperty("job.number", Long.toHexString(number));
        p.setProperty("checkpoint.dir", config.localRoot().toAbsolutePath().toString());
        if (config.stableDir() != null)
        {
            p.setProperty("stable.dir", config.stableDir().toAbsolutePath().toString());
        }
        p.setProperty("checkpoint.every", Long.toString(config.everyMillis()));
        p.setProperty("mirror.every", Integer.toString(config.schedule().m()));
        p.setProperty("stable.every", Integer.toString(config.schedule().n()));
        p.setProperty("scheme", config.schedule().scheme().name());
        for (int n = 0; n < nodes; n++)
        {
            write(new CheckpointDir(config.localDir(n)).jobFile(number), p);
        }
        if (config.stableDir() != null)
        {
            write(new CheckpointDir(config.stableDir()).jobFile(number), p);
        }
    }

    private static void write(final Path file, final Properties p)
    {
        try
        {
            Files.createDirectories(file.getParent());
            final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp))
            {
                p.store(out, "ssi-java job: how to run it again (ssi-java restore)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            System.err.println("ssi-java: cannot write " + file + " (ssi-java restore needs it): " + ex);
        }
    }

    /**
     * Node 0, when a node was lost: whether the job can go on from a committed checkpoint, its own or (if it was
     * restored) the one it was restored from. If it can, a note of the loss goes beside its checkpoints
     * ({@code lost.properties}: the node, why, when), for the launcher that restores it.
     *
     * @param node     the node lost.
     * @param reason   why it counts as lost.
     * @param restored whether this job was restored from a checkpoint.
     */
    public boolean recoverable(final int node, final String reason, final boolean restored)
    {
        final CheckpointControl c = capture.control();
        if (c == null || !restored && c.list().isEmpty())
        {
            return false;
        }
        noteLoss(config, number, node, reason);
        return true;
    }

    /**
     * Notes beside a job's checkpoints ({@code lost.properties}) that it stopped because a node was lost, for the
     * launcher that restores it.
     *
     * @param config the job's checkpoint configuration.
     * @param jobId  the job's id.
     * @param node   the node lost.
     * @param reason why it counts as lost.
     */
    public static void noteLoss(final CheckpointConfig config, final String jobId, final int node,
        final String reason)
    {
        noteLoss(config, CheckpointConfig.jobNumber(jobId), node, reason);
    }

    private static void noteLoss(final CheckpointConfig config, final long number, final int node,
        final String reason)
    {
        final Properties p = new Properties();
        p.setProperty("node", Integer.toString(node));
        p.setProperty("reason", reason);
        p.setProperty("millis", Long.toString(System.currentTimeMillis()));
        write(new CheckpointDir(config.localDir(0)).jobFile(number).resolveSibling("lost.properties"), p);
    }

    /**
     * Notes beside a job's checkpoints ({@code resize.properties}) that it stops to be restored on another number of
     * nodes (a node joins it), for the launcher that restores it.
     *
     * @param config the job's checkpoint configuration.
     * @param jobId  the job's id.
     * @param nodes  the nodes the restored job is to have.
     */
    public static void noteResize(final CheckpointConfig config, final String jobId, final int nodes)
    {
        final Properties p = new Properties();
        p.setProperty("nodes", Integer.toString(nodes));
        p.setProperty("millis", Long.toString(System.currentTimeMillis()));
        write(new CheckpointDir(config.localDir(0)).jobFile(CheckpointConfig.jobNumber(jobId))
            .resolveSibling("resize.properties"), p);
    }

    /** Node 0: hears why each periodic checkpoint that could not be taken failed (for the console). */
    public void onFailure(final java.util.function.Consumer<String> listener)
    {
        capture.onFailure(listener);
    }

    /** The job is restored: periodic checkpoints start. */
    public void ready()
    {
        capture.ready();
    }

    /** @return what a user may ask of the job's checkpoints (node 0), or null on other nodes. */
    public CheckpointControl control()
    {
        return capture.control();
    }

    @Override
    public void close()
    {
        capture.close();
    }
}
