package io.ssijava.checkpoint.levels;

import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.checkpoint.store.CommitRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Garbage collection of old checkpoints as levels roll over. In one directory, for each node whose parts it holds,
 * the part of the newest committed checkpoint of each level stays (the newest one, the newest mirrored one, the
 * newest on stable storage), with the bases they build on; so do parts of checkpoints not committed yet (one may be
 * in progress: the previous checkpoint stays valid until it commits). Everything older goes. A node keeps its own
 * part of the newest M-checkpoint because a roll back to level M, after its neighbour's node is lost, restores the
 * surviving nodes from their own copies of that checkpoint. The commit protocol writes a commit record into every
 * directory that holds a part of the checkpoint, so each directory can be collected on its own.
 */
public final class Retention
{
    private Retention()
    {
    }

    /**
     * Removes the parts of one job in one directory that no recovery can want any more.
     *
     * @return the files removed.
     */
    public static List<Path> collect(final CheckpointDir dir, final long job) throws IOException
    {
        final TreeMap<Integer, TreeSet<Long>> byNode = new TreeMap<>();
        final SortedSet<Long> checkpoints = dir.checkpoints(job);
        final java.util.Map<Long, Level> committed = new java.util.HashMap<>();
        for (final long c : checkpoints)
        {
            final CommitRecord r = dir.commitRecord(job, c);
            if (r != null)
            {
                committed.put(c, levelNamed(r.level()));
            }
            for (final int node : dir.parts(job, c))
            {
                byNode.computeIfAbsent(node, k -> new TreeSet<>()).add(c);
            }
        }
        final List<Path> removed = new ArrayList<>();
        for (final var e : byNode.entrySet())
        {
            final int node = e.getKey();
            final TreeSet<Long> parts = e.getValue();
            Long newest = null;
            final Set<Long> keep = new HashSet<>();
            for (final Level level : Level.values())
            {
                for (final long c : parts.descendingSet())
                {
                    final Level l = committed.get(c);
                    if (l != null && l.ordinal() >= level.ordinal())
                    {
                        keep.add(c);
                        newest = newest == null ? c : Math.max(newest, c);
                        break;
                    }
                }
            }
            if (newest == null)
            {
                continue; // nothing committed here yet: everything may still be wanted
            }
            keep.addAll(parts.tailSet(newest, true));
            for (final long c : new ArrayList<>(keep))
            {
                keepBases(dir, job, node, c, keep);
            }
            for (final long c : parts.headSet(newest, false))
            {
                if (!keep.contains(c))
                {
                    final Path file = dir.part(job, c, node);
                    dir.deletePart(job, c, node);
                    removed.add(file);
                }
            }
        }
        return removed;
    }

    private static Level levelNamed(final String label)
    {
        for (final Level l : Level.values())
        {
            if (l.label().equals(label))
            {
                return l;
            }
        }
        return Level.LOCAL; // an unknown label protects nothing beyond the newest checkpoint
    }

    /** Adds the checkpoints an incremental part builds on, as far as they are in this directory. */
    private static void keepBases(final CheckpointDir dir, final long job, final int node, final long checkpoint,
        final Set<Long> keep)
    {
        // bases are always older (the header says so), so this ends
        long c = checkpoint;
        while (true)
        {
            final Path file = dir.part(job, c, node);
            if (!Files.exists(file))
            {
                return;
            }
            final CheckpointFile.Header h;
            try
            {
                h = CheckpointFile.readHeader(file);
            }
            catch (final IOException ex)
            {
                return; // a damaged part keeps nothing alive
            }
            if (h.kind() != CheckpointFile.Kind.INCREMENTAL)
            {
                return;
            }
            keep.add(h.base());
            c = h.base();
        }
    }
}
