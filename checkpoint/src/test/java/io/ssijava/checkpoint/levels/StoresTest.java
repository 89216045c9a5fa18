package io.ssijava.checkpoint.levels;

import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.checkpoint.store.CommitRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes, Scheme B with m = 2, n = 2: checkpoints 2 and 6 are mirrored, 4 and 8 go to stable storage too.
 * Every test takes checkpoints 1..N, then loses nodes and damages files, and checks what recovery would restore.
 */
class StoresTest
{
    private static final long JOB = 42;
    private static final int NODES = 3;

    @TempDir
    Path root;

    private Stores stores;
    private Schedule schedule;
    private final Map<Integer, CheckpointDir> local = new HashMap<>();
    private CheckpointDir stable;

    private void setUp(final Schedule schedule, final boolean withStable)
    {
        for (int n = 0; n < NODES; n++)
        {
            local.put(n, new CheckpointDir(root.resolve("node" + n)));
        }
        stable = withStable ? new CheckpointDir(root.resolve("stable")) : null;
        this.schedule = schedule;
        stores = new Stores(JOB, NODES, local, stable, schedule);
    }

    private static byte[] payload(final long checkpoint, final int node)
    {
        return ("state of node " + node + " at checkpoint " + checkpoint).getBytes(StandardCharsets.UTF_8);
    }

    /** Writes every node's part of a checkpoint, full (base 0) or incremental; @return the parts' sizes. */
    private long[] writeParts(final long checkpoint, final long base) throws IOException
    {
        final long[] sizes = new long[NODES];
        for (int n = 0; n < NODES; n++)
        {
            final byte[] state = payload(checkpoint, n);
            sizes[n] = stores.writePart(new CheckpointFile.Header(JOB, checkpoint, base, n, NODES,
                base == 0 ? CheckpointFile.Kind.FULL : CheckpointFile.Kind.INCREMENTAL, 0), out -> out.write(state));
        }
        return sizes;
    }

    private void commit(final long checkpoint, final long[] sizes) throws IOException
    {
        stores.commit(new CommitRecord(JOB, checkpoint, schedule.highest(checkpoint).label(), sizes, 1, 2, 3, 4, 0, 0,
            0));
    }

    /** Takes checkpoints from..to, each full, and commits them. */
    private void take(final long from, final long to) throws IOException
    {
        for (long c = from; c <= to; c++)
        {
            commit(c, writeParts(c, 0));
        }
    }

    private RecoveryPlanner.Plan plan(final Integer... lost) throws IOException
    {
        return stores.planner(Set.of(lost)).plan().orElseThrow();
    }

    private void assertRestores(final RecoveryPlanner.Plan plan) throws IOException
    {
        for (int n = 0; n < NODES; n++)
        {
            final RecoveryPlanner.Source s = plan.chains().get(n).get(0);
            assertEquals(new String(payload(plan.checkpoint(), n), StandardCharsets.UTF_8),
                new String(CheckpointFile.readPayload(s.file(), JOB), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aTransientFailureRollsBackToTheNewestCheckpointFromEveryNodesOwnDisk() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), true);
        take(1, 5);
        final RecoveryPlanner.Plan p = plan();
        assertEquals(5, p.checkpoint());
        assertEquals(Level.LOCAL, p.farthest());
        assertRestores(p);
    }

    @Test
    void aLostNodeRollsBackToTheNewestMirroredCheckpoint() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), true);
        take(1, 7);
        final RecoveryPlanner.Plan p = plan(1);
        assertEquals(6, p.checkpoint(), "7 was not mirrored: node 1's part of it is gone");
        assertEquals(Level.MIRROR, p.levelOf(1));
        assertEquals(Level.LOCAL, p.levelOf(0), "the survivors kept their own copies of the mirrored checkpoint");
        assertEquals(Level.LOCAL, p.levelOf(2));
        assertRestores(p);
    }

    @Test
    void aLostNodeAndItsNeighbourRollBackToStableStorage() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), true);
        take(1, 7);
        final RecoveryPlanner.Plan p = plan(1, 2);
        assertEquals(4, p.checkpoint());
        assertEquals(Level.STABLE, p.levelOf(1), "its mirror was on node 2");
        assertEquals(Level.MIRROR, p.levelOf(2), "its mirror is on node 0, which survived");
        assertEquals(Level.LOCAL, p.levelOf(0));
        assertEquals(Level.STABLE, p.farthest());
        assertRestores(p);
    }

    @Test
    void aDamagedCopyIsRefusedAndTheNextLevelUsed() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), true);
        take(1, 6);
        final Path own = local.get(0).part(JOB, 6, 0);
        final byte[] bytes = Files.readAllBytes(own);
        bytes[bytes.length - 25] ^= 1; // in the payload, before the 20-byte trailer
        Files.write(own, bytes);
        RecoveryPlanner.Plan p = plan();
        assertEquals(6, p.checkpoint());
        assertEquals(Level.MIRROR, p.levelOf(0));
        assertEquals(List.of(own + ": damaged: the payload's checksum does not match"), p.refused());
        // the mirror is damaged too (truncated): back to the newest checkpoint on stable storage
        final Path mirror = local.get(1).part(JOB, 6, 0);
        Files.write(mirror, java.util.Arrays.copyOf(Files.readAllBytes(mirror), 50));
        p = plan();
        assertEquals(4, p.checkpoint());
        assertEquals(2, p.refused().size(), p.refused().toString());
        assertTrue(p.refused().get(1).startsWith(mirror.toString()), p.refused().toString());
        assertRestores(p);
    }

    @Test
    void aCheckpointWithoutACommitRecordIsNeverRestored() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), true);
        take(1, 3);
        writeParts(4, 0); // every part of checkpoint 4 written, but the job died before the commit
        assertEquals(3, plan().checkpoint());
        assertEquals(Set.of(2L, 3L, 4L), new TreeSet<>(local.get(0).checkpoints(JOB)),
            "the committed checkpoint (3) stays until the next one commits, as does the newest mirrored one (2)");
    }

    @Test
    void oldCheckpointsAreCollectedAsLevelsRollOver() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), true);
        take(1, 7);
        // own parts: newest (7), newest mirrored (6), newest stable (4); mirrors: newest mirrored of the neighbour
        assertEquals(Set.of(4L, 6L, 7L), new TreeSet<>(local.get(0).checkpoints(JOB)));
        assertEquals(Set.of(0, 2), local.get(0).parts(JOB, 6), "its own part and node 2's mirror");
        assertEquals(Set.of(0, 2), local.get(0).parts(JOB, 4), "its own part and node 2's mirror of the newest " +
            "N-checkpoint");
        assertEquals(Set.of(0), local.get(0).parts(JOB, 7));
        assertEquals(Set.of(4L), new TreeSet<>(stable.checkpoints(JOB)));
        take(8, 9);
        assertEquals(Set.of(8L, 9L), new TreeSet<>(local.get(0).checkpoints(JOB)));
        assertEquals(Set.of(8L), new TreeSet<>(stable.checkpoints(JOB)));
    }

    @Test
    void withoutAStableDirectoryNothingGoesToLevelN() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 2, 2), false);
        take(1, 4);
        assertEquals(Set.of(Level.LOCAL, Level.MIRROR), stores.levels(4));
        assertEquals(4, plan(1).checkpoint());
        assertTrue(stores.planner(Set.of(1, 2)).plan().isEmpty(), "a node and its neighbour lost, no stable copy");
    }

    @Test
    void anIncrementalPartIsRestoredWithItsBase() throws IOException
    {
        setUp(new Schedule(Schedule.Scheme.B, 1, 100), false);
        take(1, 1);
        commit(2, writeParts(2, 1));
        assertEquals(Set.of(1L, 2L), new TreeSet<>(local.get(0).checkpoints(JOB)), "1 is 2's base: it stays");
        final RecoveryPlanner.Plan p = plan(2);
        assertEquals(2, p.checkpoint());
        assertEquals(List.of(2L, 1L), p.chains().get(2).stream().map(RecoveryPlanner.Source::checkpoint).toList());
        assertEquals(Level.MIRROR, p.levelOf(2));
    }
}
