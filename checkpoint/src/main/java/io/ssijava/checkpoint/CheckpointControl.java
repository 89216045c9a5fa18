package io.ssijava.checkpoint;

import java.util.List;

/** What a user can ask of a running job's checkpoints (node 0 answers): take one now, list those committed. */
public interface CheckpointControl
{
    /**
     * Takes a checkpoint now and waits until it is committed.
     *
     * @return what was committed.
     * @throws CheckpointException why it was not (a thread could not reach a safe point in time, a write failed).
     */
    Summary checkpointNow() throws CheckpointException;

    /** @return the committed checkpoints this job's directories hold, oldest first. */
    List<Summary> list();

    /**
     * One committed checkpoint.
     *
     * @param id           its number (from 1).
     * @param levels       the levels it reached, e.g. "1", "1M", "1MN".
     * @param bytes        the size of its parts, all nodes together.
     * @param pauseMillis  how long the program's threads were paused for it.
     * @param totalMillis  from the request to the commit.
     * @param threads      threads captured, all nodes together.
     * @param objects      shared objects written, all nodes together.
     * @param createdMillis when it was taken (epoch milliseconds).
     * @param base         the checkpoint it builds on, if it is incremental (it holds only what changed since);
     *                     else 0.
     */
    record Summary(long id, String levels, long bytes, long pauseMillis, long totalMillis, int threads, long objects,
        long createdMillis, long base)
    {
        /** @return the line that reports it as committed (stderr of a job, and the {@code checkpoint} command). */
        public String committedLine()
        {
            return String.format(java.util.Locale.ROOT, "checkpoint %d committed: levels %s, %d bytes, paused %d ms, " +
                "took %d ms, %d threads, %d objects%s", id, levels, bytes, pauseMillis, totalMillis, threads, objects,
                base > 0 ? ", incremental on checkpoint " + base : "");
        }
    }
}
