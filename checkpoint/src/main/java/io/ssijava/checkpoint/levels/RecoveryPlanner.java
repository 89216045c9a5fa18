package io.ssijava.checkpoint.levels;

import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.checkpoint.store.CommitRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Chooses what a job rolls back to, as the adaptive recovery of the hierarchical scheme does: the newest committed
 * checkpoint for which every node's part can still be read, each part from the nearest level that holds a sound
 * copy: the node's own local directory (level 1, if the node came back with its disk), else the mirror in its
 * neighbour's local directory (level M; node k mirrors on node k+1), else stable storage (level N). Every copy is
 * checked (format, job, checksums) before it is chosen; a refused copy is reported and the next level tried.
 * An incremental part needs its base checkpoint's part too, found the same way.
 */
public final class RecoveryPlanner
{
    /** Incremental chains longer than this are taken as damaged (a full part is written at a period). */
    private static final int MAX_CHAIN = 10_000;

    /**
     * One copy chosen.
     *
     * @param node       whose part it is.
     * @param checkpoint which checkpoint's part.
     * @param level      where it was found.
     * @param file       the file.
     * @param header     its header (full or incremental).
     */
    public record Source(int node, long checkpoint, Level level, Path file, CheckpointFile.Header header)
    {
    }

    /**
     * What to restore.
     *
     * @param commit  the checkpoint's commit record.
     * @param chains  per node, the parts to compose: the checkpoint's own part first, then its bases back to a full
     *                part.
     * @param refused copies that were found but refused, with the reason, in the order they were tried.
     */
    public record Plan(CommitRecord commit, List<List<Source>> chains, List<String> refused)
    {
        /** @return the checkpoint restored. */
        public long checkpoint()
        {
            return commit.checkpoint();
        }

        /** @return the level node's own part came from. */
        public Level levelOf(final int node)
        {
            return chains.get(node).get(0).level();
        }

        /** @return the farthest level any part of the plan comes from. */
        public Level farthest()
        {
            Level top = Level.LOCAL;
            for (final List<Source> chain : chains)
            {
                for (final Source s : chain)
                {
                    top = s.level().ordinal() > top.ordinal() ? s.level() : top;
                }
            }
            return top;
        }
    }

    private record Place(CheckpointDir dir, Level level)
    {
    }

    private final long job;
    private final Map<Integer, CheckpointDir> local;
    private final CheckpointDir stable;
    private final List<String> refused = new ArrayList<>();

    /**
     * @param job    the job's id.
     * @param local  the local directories that can still be read, by node (a lost node's is absent).
     * @param stable the stable directory, or null if the job has none.
     */
    public RecoveryPlanner(final long job, final Map<Integer, CheckpointDir> local, final CheckpointDir stable)
    {
        this.job = job;
        this.local = local;
        this.stable = stable;
    }

    /** @return the newest checkpoint that can be restored, or empty if none can. */
    public Optional<Plan> plan() throws IOException
    {
        refused.clear();
        for (final long checkpoint : committed().descendingSet())
        {
            final Optional<Plan> p = planFor(checkpoint);
            if (p.isPresent())
            {
                return p;
            }
        }
        return Optional.empty();
    }

    /**
     * @return the plan to restore this checkpoint, or empty if it was not committed or some part of it cannot be
     * read at any level ({@link #refused} says why).
     */
    public Optional<Plan> plan(final long checkpoint) throws IOException
    {
        refused.clear();
        if (!committed().contains(checkpoint))
        {
            refused.add("checkpoint " + checkpoint + " has no sound commit record in " + dirs().stream()
                .map(d -> d.root().toString()).toList());
            return Optional.empty();
        }
        return planFor(checkpoint);
    }

    private Optional<Plan> planFor(final long checkpoint)
    {
        final CommitRecord commit = commitRecord(checkpoint);
        final List<List<Source>> chains = new ArrayList<>();
        for (int node = 0; node < commit.nodes(); node++)
        {
            final List<Source> chain = chain(node, commit.nodes(), checkpoint);
            if (chain == null)
            {
                return Optional.empty();
            }
            chains.add(chain);
        }
        return Optional.of(new Plan(commit, List.copyOf(chains), List.copyOf(refused)));
    }

    /** @return what was refused by the last {@link #plan}. */
    public List<String> refused()
    {
        return Collections.unmodifiableList(refused);
    }

    /** The checkpoints with a sound commit record in any directory that can be read. */
    private TreeSet<Long> committed() throws IOException
    {
        final TreeSet<Long> out = new TreeSet<>();
        for (final CheckpointDir dir : dirs())
        {
            final SortedSet<Long> found = dir.checkpoints(job);
            for (final long c : found)
            {
                if (!out.contains(c) && dir.commitRecord(job, c) != null)
                {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private CommitRecord commitRecord(final long checkpoint)
    {
        for (final CheckpointDir dir : dirs())
        {
            final CommitRecord r = dir.commitRecord(job, checkpoint);
            if (r != null)
            {
                return r;
            }
        }
        throw new IllegalStateException("checkpoint " + checkpoint + " lost its commit record while planning");
    }

    private List<CheckpointDir> dirs()
    {
        final List<CheckpointDir> out = new ArrayList<>(local.values());
        if (stable != null)
        {
            out.add(stable);
        }
        return out;
    }

    /** The part and its bases, or null if some link cannot be read at any level. */
    private List<Source> chain(final int node, final int nodes, final long checkpoint)
    {
        final List<Source> out = new ArrayList<>();
        long want = checkpoint;
        while (out.size() < MAX_CHAIN)
        {
            final Source s = find(node, nodes, want);
            if (s == null)
            {
                return null;
            }
            out.add(s);
            if (s.header().kind() == CheckpointFile.Kind.FULL)
            {
                return out;
            }
            want = s.header().base();
        }
        refused.add("node " + node + "'s part of checkpoint " + checkpoint + ": more than " + MAX_CHAIN +
            " incremental parts without a full one");
        return null;
    }

    /** The nearest sound copy of node's part of a checkpoint, or null. */
    private Source find(final int node, final int nodes, final long checkpoint)
    {
        final List<Place> tries = new ArrayList<>(3);
        tries.add(new Place(local.get(node), Level.LOCAL));
        if (nodes > 1)
        {
            tries.add(new Place(local.get((node + 1) % nodes), Level.MIRROR));
        }
        tries.add(new Place(stable, Level.STABLE));
        for (final Place t : tries)
        {
            final CheckpointDir dir = t.dir();
            if (dir == null)
            {
                continue;
            }
            final Path file = dir.part(job, checkpoint, node);
            if (!Files.exists(file))
            {
                continue;
            }
            try
            {
                final CheckpointFile.Header h = CheckpointFile.verify(file, job);
                if (h.node() != node || h.checkpoint() != checkpoint || h.kind() == CheckpointFile.Kind.COMMIT)
                {
                    refused.add(file + ": holds node " + h.node() + "'s part of checkpoint " + h.checkpoint() +
                        " (" + h.kind() + ")");
                    continue;
                }
                return new Source(node, checkpoint, t.level(), file, h);
            }
            catch (final IOException ex)
            {
                refused.add(ex.getMessage());
            }
        }
        return null;
    }
}
