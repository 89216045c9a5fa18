package io.ssijava.checkpoint.levels;

import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.checkpoint.store.CommitRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directories of a job's checkpoints, all reachable from this process: each node's local directory (level 1,
 * and level M for its predecessor's mirror: node k mirrors on node k+1) and the stable directory (level N). Writes a
 * node's part to the levels the schedule gives, commits a checkpoint, and collects what is no longer wanted.
 * Copies to other levels are the level-1 file's bytes, checked before they are copied.
 */
public final class Stores
{
    private final long job;
    private final int nodes;
    private final Map<Integer, CheckpointDir> local;
    private final CheckpointDir stable;
    private final Schedule schedule;

    /**
     * @param job      the job's id.
     * @param nodes    how many nodes the job has.
     * @param local    each node's local directory.
     * @param stable   the stable directory, or null (then no checkpoint reaches level N).
     * @param schedule which levels each checkpoint goes to.
     */
    public Stores(final long job, final int nodes, final Map<Integer, CheckpointDir> local, final CheckpointDir stable,
        final Schedule schedule)
    {
        this.job = job;
        this.nodes = nodes;
        this.local = Map.copyOf(local);
        this.stable = stable;
        this.schedule = schedule;
        for (int n = 0; n < nodes; n++)
        {
            if (!local.containsKey(n))
            {
                throw new IllegalArgumentException("no local checkpoint directory for node " + n);
            }
        }
    }

    /** @return the levels the checkpoint is written to here (no N without a stable directory). */
    public Set<Level> levels(final long checkpoint)
    {
        final Set<Level> out = schedule.levels(checkpoint);
        if (stable == null)
        {
            out.remove(Level.STABLE);
        }
        if (nodes == 1)
        {
            out.remove(Level.MIRROR);
        }
        return out;
    }

    /**
     * Writes node's part of a checkpoint to every level the schedule gives.
     *
     * @return the part's size in bytes.
     */
    public long writePart(final CheckpointFile.Header header, final CheckpointFile.Payload payload)
        throws IOException
    {
        final int node = header.node();
        final Path own = local.get(node).part(job, header.checkpoint(), node);
        final long size = CheckpointFile.write(own, header, payload, false);
        final Set<Level> levels = levels(header.checkpoint());
        if (levels.contains(Level.MIRROR) || levels.contains(Level.STABLE))
        {
            CheckpointFile.verify(own, job); // a copy of a damaged part would only hide the damage
        }
        if (levels.contains(Level.MIRROR))
        {
            copy(own, local.get((node + 1) % nodes).part(job, header.checkpoint(), node), false);
        }
        if (levels.contains(Level.STABLE))
        {
            copy(own, stable.part(job, header.checkpoint(), node), true);
        }
        return size;
    }

    /**
     * Commits a checkpoint whose parts are all written: its record goes into every directory that holds a part of
     * it, then older checkpoints that no recovery can want are removed.
     *
     * @return the files removed.
     */
    public List<Path> commit(final CommitRecord record) throws IOException
    {
        final List<CheckpointDir> holders = new ArrayList<>();
        for (final CheckpointDir d : dirs())
        {
            if (!d.parts(job, record.checkpoint()).isEmpty())
            {
                holders.add(d);
            }
        }
        for (final CheckpointDir d : holders)
        {
            record.write(d.commit(job, record.checkpoint()), d == stable);
        }
        final List<Path> removed = new ArrayList<>();
        for (final CheckpointDir d : dirs())
        {
            removed.addAll(Retention.collect(d, job));
        }
        return removed;
    }

    /** @return a planner over the directories of the nodes that can still be read. */
    public RecoveryPlanner planner(final Set<Integer> lostNodes)
    {
        final Map<Integer, CheckpointDir> alive = new java.util.HashMap<>(local);
        alive.keySet().removeAll(lostNodes);
        return new RecoveryPlanner(job, alive, stable);
    }

    private List<CheckpointDir> dirs()
    {
        final List<CheckpointDir> out = new ArrayList<>();
        for (int n = 0; n < nodes; n++)
        {
            out.add(local.get(n));
        }
        if (stable != null)
        {
            out.add(stable);
        }
        return out;
    }

    private static void copy(final Path from, final Path to, final boolean durable) throws IOException
    {
        Files.createDirectories(to.getParent());
        final Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        if (durable)
        {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.WRITE))
            {
                ch.force(true);
            }
        }
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
