package io.ssijava.checkpoint;

import io.ssijava.checkpoint.capture.Capture;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.threads.ClusterThreads;

/**
 * A node's part in the job's checkpoints; on node 0 also the coordinator that takes them, when asked and, if the job
 * was started with a period, every period.
 */
public final class CheckpointService implements AutoCloseable
{
    private final Capture capture;

    private CheckpointService(final Capture capture)
    {
        this.capture = capture;
    }

    /**
     * Starts the checkpoint service of this node (every node of a job starts one, before the program runs).
     *
     * @param runtime the node's runtime.
     * @param threads the node's cluster threads.
     * @param config  the job's checkpoint configuration (the same on every node).
     * @param jobId   the job's id.
     * @return the service.
     */
    public static CheckpointService start(final NodeRuntime runtime, final ClusterThreads threads,
        final CheckpointConfig config, final String jobId)
    {
        return new CheckpointService(Capture.start(runtime, threads, config, CheckpointConfig.jobNumber(jobId)));
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
