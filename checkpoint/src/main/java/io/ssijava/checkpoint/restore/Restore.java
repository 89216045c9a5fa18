package io.ssijava.checkpoint.restore;

import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.CheckpointException;
import io.ssijava.checkpoint.capture.ProgramOutput;
import io.ssijava.checkpoint.files.ReopenedFiles;
import io.ssijava.checkpoint.levels.RecoveryPlanner;
import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.dsm.HomeImages;
import io.ssijava.dsm.MessageTypes;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.WireException;
import io.ssijava.dsm.WireIn;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.ThreadRestore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Brings a job back from a committed checkpoint, on this node: before the node starts, it reads the parts this node
 * takes (old node {@code k} goes to new node {@code k} if there is one, else to {@code k} modulo the new count), lays
 * each incremental part over the ones it builds on, and hands the objects to the runtime as their home; once every
 * node is there, it fills them, reads the threads, and, when every node has done so, starts them again.
 */
public final class Restore
{
    /** A node restored its part: (ok, why) -> node 0. */
    static final byte RESTORED = MessageTypes.FIRST_EXTENSION + 36;
    /** Every node restored its part: start the threads: () -> every node. */
    static final byte GO = MessageTypes.FIRST_EXTENSION + 37;
    private static final long BARRIER_TIMEOUT_MINUTES = 30;

    private final NodeRuntime runtime;
    private final ClusterThreads threads;
    private final Node node;
    private final RecoveryPlanner.Plan plan;
    /** Per old node taken here: its threads, as its newest part holds them. */
    private final List<byte[]> threadParts = new ArrayList<>();
    /** The open files of the parts this node restores, opened again as the program refers to them. */
    private final ReopenedFiles files = new ReopenedFiles();
    /** Old node 0's state of the program's threads (main, names), if this node takes it. */
    private byte[] threadState;
    private final int entities;
    private final CountDownLatch go = new CountDownLatch(1);
    private final CountDownLatch restored;
    private volatile String failure;
    private final long started = System.nanoTime();

    private Restore(final NodeRuntime runtime, final ClusterThreads threads, final RecoveryPlanner.Plan plan,
        final long job) throws IOException, CheckpointException
    {
        this.runtime = runtime;
        this.threads = threads;
        this.node = runtime.node();
        this.plan = plan;
        final int self = node.self();
        final HomeImages images = new HomeImages();
        runtime.restoringFrom(plan.commit().nodes());
        for (int old = 0; old < plan.commit().nodes(); old++)
        {
            if (runtime.nodeOf(old) != self)
            {
                continue;
            }
            boolean newest = true;
            for (final RecoveryPlanner.Source s : plan.chains().get(old))
            {
                readPart(s, CheckpointFile.readPayload(s.file(), job), images, newest);
                newest = false;
            }
        }
        this.entities = images.size();
        final List<String> lost = files.notReopenable();
        if (!lost.isEmpty())
        {
            throw new CheckpointException("checkpoint " + plan.commit().checkpoint() + " cannot be restored: " +
                String.join("; ", lost) + ", which cannot be opened again");
        }
        runtime.restoreExternals(files);
        runtime.restoreHomes(images);
        this.restored = new CountDownLatch(self == 0 ? node.nodeCount() - 1 : 0);
        node.register(RESTORED, (from, corr, in) ->
        {
            if (!in.getBoolean())
            {
                failure = "node " + from + ": " + in.getString();
                for (long n = restored.getCount(); n > 0; n--)
                {
                    restored.countDown();
                }
                return;
            }
            restored.countDown();
        });
        node.register(GO, (from, corr, in) -> go.countDown());
    }

    private void readPart(final RecoveryPlanner.Source s, final byte[] payload, final HomeImages images,
        final boolean newest) throws CheckpointException
    {
        try
        {
            final WireIn in = new WireIn(payload);
            final int node = in.getInt();
            final int nodes = in.getInt();
            if (node != s.node() || nodes != plan.commit().nodes())
            {
                throw new CheckpointException(s.file() + " holds the part of node " + node + " of " + nodes +
                    ", not of node " + s.node() + " of " + plan.commit().nodes());
            }
            final byte[] threadBytes = new byte[in.getCount(Integer.MAX_VALUE)];
            in.getBytes(threadBytes);
            images.read(in);
            final byte[] fileBytes = new byte[in.getCount(Integer.MAX_VALUE)];
            in.getBytes(fileBytes);
            if (newest)
            {
                files.read(node, new WireIn(fileBytes)); // the newest part says where every file of the node is
            }
            final long seq = in.getLong();
            images.sequence(seq);
            if (newest)
            {
                threadParts.add(threadBytes);
                if (node == 0)
                {
                    threadState = new byte[in.remaining()];
                    in.getBytes(threadState);
                }
            }
        }
        catch (final WireException ex)
        {
            throw new CheckpointException(s.file() + " is damaged: " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads, before this node starts, what it restores of a job's checkpoint.
     *
     * @param config     where the job kept its checkpoints (its local root and stable directory).
     * @param job        the job's number (as in its directories).
     * @param checkpoint the checkpoint's number; 0 for the newest that can be restored.
     * @throws CheckpointException naming what is missing or damaged.
     */
    public static Restore prepare(final NodeRuntime runtime, final ClusterThreads threads,
        final CheckpointConfig config, final long job, final long checkpoint) throws CheckpointException
    {
        final Map<Integer, CheckpointDir> local = localDirs(config.localRoot());
        final CheckpointDir stable = config.stableDir() == null ? null : new CheckpointDir(config.stableDir());
        final RecoveryPlanner planner = new RecoveryPlanner(job, local, stable);
        try
        {
            final Optional<RecoveryPlanner.Plan> plan = checkpoint == 0 ? planner.plan() : planner.plan(checkpoint);
            if (plan.isEmpty())
            {
                throw new CheckpointException("no " + (checkpoint == 0 ? "committed checkpoint" : "checkpoint " +
                    checkpoint) + " of job " + Long.toHexString(job) + " can be restored from " +
                    config.localRoot() + (stable == null ? "" : " or " + stable.root()) +
                    (planner.refused().isEmpty() ? "" : ": " + String.join("; ", planner.refused())));
            }
            return new Restore(runtime, threads, plan.get(), job);
        }
        catch (final IOException ex)
        {
            throw new CheckpointException("cannot read checkpoint of job " + Long.toHexString(job) + ": " + ex, ex);
        }
    }

    /** The local directories of the nodes that kept checkpoints under the local root ({@code node-K}). */
    private static Map<Integer, CheckpointDir> localDirs(final Path root) throws CheckpointException
    {
        final Map<Integer, CheckpointDir> out = new HashMap<>();
        if (!Files.isDirectory(root))
        {
            return out;
        }
        try (Stream<Path> s = Files.list(root))
        {
            s.forEach(p ->
            {
                final String name = p.getFileName().toString();
                if (name.matches("node-[0-9]{1,4}") && Files.isDirectory(p))
                {
                    out.put(Integer.parseInt(name.substring(5)), new CheckpointDir(p));
                }
            });
        }
        catch (final IOException ex)
        {
            throw new CheckpointException("cannot list " + root + ": " + ex, ex);
        }
        return out;
    }

    /** @return the checkpoint restored. */
    public long checkpoint()
    {
        return plan.checkpoint();
    }

    /**
     * Once this node has started: fills the objects, reads and registers the threads, waits until every node has,
     * and starts them. On node 0 it returns before the program's main would run, which then waits for the restored
     * one instead.
     *
     * @throws CheckpointException if this node or another could not restore its part.
     */
    public void run() throws CheckpointException
    {
        final ThreadRestore restoring = threads.restoring();
        final List<ThreadRestore.Restored> mine = new ArrayList<>();
        try
        {
            runtime.fillRestoredHomes();
            for (final byte[] part : threadParts)
            {
                mine.addAll(restoring.read(new WireIn(part)));
            }
            if (threadState != null)
            {
                threads.restoreState(new WireIn(threadState));
            }
            restoring.register(mine);
        }
        catch (final RuntimeException ex)
        {
            if (node.self() != 0)
            {
                node.send(0, node.message(RESTORED).putBoolean(false).putString(String.valueOf(ex.getMessage())));
            }
            throw new CheckpointException("node " + node.self() + " could not restore its part of checkpoint " +
                plan.checkpoint() + ": " + ex, ex);
        }
        if (node.self() == 0)
        {
            ProgramOutput.startAt(plan.commit().printed());
            tellWhereOutputStands(plan.commit().printed());
        }
        awaitEveryNode();
        restoring.start(mine);
        if (node.self() == 0)
        {
            for (final String why : plan.refused())
            {
                System.err.println("ssi-java: refused " + why);
            }
            System.err.printf("ssi-java: restored checkpoint %d (taken on %s, level %s) on %s in %d ms%s%n",
                plan.checkpoint(), nodes(plan.commit().nodes()), plan.farthest().label(), nodes(node.nodeCount()),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), sinceStopped());
        }
        if (Boolean.getBoolean("ssi.verbose"))
        {
            System.err.println("ssi-java: node " + node.self() + ": restored " + entities + " objects and " +
                mine.size() + " threads");
        }
    }

    /**
     * For the launcher that restores a job after a failure: how much the program had printed at the checkpoint (it
     * drops what the restored job prints again, which the failed job had shown after it).
     */
    private static void tellWhereOutputStands(final long printed) throws CheckpointException
    {
        final String note = System.getenv("SSI_JAVA_OUTPUT_NOTE");
        if (note == null)
        {
            return;
        }
        try
        {
            final Path tmp = Path.of(note + ".tmp");
            Files.writeString(tmp, Long.toString(printed));
            Files.move(tmp, Path.of(note), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new CheckpointException("cannot tell the launcher where the output stands (" + note + "): " + ex);
        }
    }

    /** For a job the launcher restores after the loss of a node: how long since the lost job stopped. */
    private static String sinceStopped()
    {
        final String at = System.getenv("SSI_JAVA_STOPPED_AT");
        try
        {
            return at == null ? "" : ", " + (System.currentTimeMillis() - Long.parseLong(at)) +
                " ms after the job stopped";
        }
        catch (final NumberFormatException ex)
        {
            return "";
        }
    }

    private static String nodes(final int n)
    {
        return n == 1 ? "1 node" : n + " nodes";
    }

    private void awaitEveryNode() throws CheckpointException
    {
        try
        {
            if (node.self() == 0)
            {
                if (!restored.await(BARRIER_TIMEOUT_MINUTES, TimeUnit.MINUTES))
                {
                    throw new CheckpointException("the other nodes did not restore their parts within " +
                        BARRIER_TIMEOUT_MINUTES + " minutes");
                }
                if (failure != null)
                {
                    throw new CheckpointException("could not restore checkpoint " + plan.checkpoint() + ": " +
                        failure);
                }
                for (int n = 1; n < node.nodeCount(); n++)
                {
                    node.send(n, node.message(GO));
                }
            }
            else
            {
                node.send(0, node.message(RESTORED).putBoolean(true).putString(""));
                if (!go.await(BARRIER_TIMEOUT_MINUTES, TimeUnit.MINUTES))
                {
                    throw new CheckpointException("node 0 did not start the restored job within " +
                        BARRIER_TIMEOUT_MINUTES + " minutes");
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new CheckpointException("interrupted while the nodes restored checkpoint " + plan.checkpoint());
        }
    }
}
