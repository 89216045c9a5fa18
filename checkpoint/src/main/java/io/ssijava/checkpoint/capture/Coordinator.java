package io.ssijava.checkpoint.capture;

import io.ssijava.checkpoint.CheckpointControl;
import io.ssijava.checkpoint.CheckpointException;
import io.ssijava.checkpoint.levels.Level;
import io.ssijava.checkpoint.levels.Stores;
import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CommitRecord;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Takes the job's checkpoints, on node 0, as the two-phase protocol of coordinated checkpointing does: every node
 * holds its threads at safe points and releases (so that every home holds the latest values), every node captures
 * its part into memory, the threads go on, every node writes its part to its levels, and only then the checkpoint is
 * committed; until the commit, the previous checkpoint stays the current one. A node that cannot pause in time, or
 * fails to capture or write, makes the whole checkpoint fail, and the program goes on as before.
 */
public final class Coordinator implements CheckpointControl
{
    private final Node node;
    private final Participant local;
    private final Stores stores;
    private final long job;
    private final long pauseTimeoutMillis;
    private final List<CheckpointDir> dirs;
    /** The next checkpoint's number. Guarded by this, as is the taking of one. */
    private long next;
    /**
     * The newest committed checkpoint that the next one may build on, or 0 when the next must be full (the first,
     * and any after a checkpoint that failed once the nodes had captured: what it captured is no longer marked as
     * changed).
     */
    private long base;

    Coordinator(final Node node, final Participant local, final Stores stores, final long job,
        final long pauseTimeoutMillis, final List<CheckpointDir> dirs)
    {
        this.node = node;
        this.local = local;
        this.stores = stores;
        this.job = job;
        this.pauseTimeoutMillis = pauseTimeoutMillis;
        this.dirs = dirs;
        long last = 0;
        for (final Summary s : list())
        {
            last = Math.max(last, s.id());
        }
        this.next = last + 1;
    }

    @Override
    public synchronized Summary checkpointNow() throws CheckpointException
    {
        if (!local.mainStarted())
        {
            // it would hold no thread: its restore would end at once, running nothing
            throw new CheckpointException("no checkpoint taken: the program's main method has not begun yet");
        }
        final long id = next++;
        final long started = System.nanoTime();
        // incremental unless it reaches another node or stable storage: a copy there must not need level-1 bases
        final Set<Level> levels = stores.levels(id);
        final long on = levels.contains(Level.MIRROR) || levels.contains(Level.STABLE) ? 0 : base;
        final List<Participant.Answer> paused = everyNode(id, CheckpointMessages.PAUSE,
            msg -> msg.putLong(id).putLong(pauseTimeoutMillis), () -> local.pause(id, pauseTimeoutMillis));
        final String pauseFailed = failures(paused);
        if (pauseFailed != null)
        {
            resumeAll(id);
            throw new CheckpointException("checkpoint " + id + " not taken: " + pauseFailed);
        }
        final List<Participant.Answer> captured;
        try
        {
            base = 0; // until this one commits
            captured = everyNode(id, CheckpointMessages.CAPTURE, msg -> msg.putLong(id).putBoolean(on > 0),
                () -> local.capture(id, on > 0));
        }
        finally
        {
            resumeAll(id);
        }
        final long pauseMillis = (System.nanoTime() - started) / 1_000_000;
        final String captureFailed = failures(captured);
        if (captureFailed != null)
        {
            throw new CheckpointException("checkpoint " + id + " not taken: " + captureFailed);
        }
        final long created = System.currentTimeMillis();
        final long writing = System.nanoTime();
        final List<Participant.Answer> written = everyNode(id, CheckpointMessages.WRITE,
            msg -> msg.putLong(id).putLong(created).putLong(on), () -> local.write(id, created, on));
        final String writeFailed = failures(written);
        if (writeFailed != null)
        {
            throw new CheckpointException("checkpoint " + id + " not committed: " + writeFailed);
        }
        final long[] parts = new long[written.size()];
        int threads = 0;
        long objects = 0;
        long printed = 0;
        for (int n = 0; n < parts.length; n++)
        {
            parts[n] = written.get(n).bytes();
            threads += captured.get(n).threads();
            objects += captured.get(n).objects();
            printed += captured.get(n).printed();
        }
        final long writeMillis = (System.nanoTime() - writing) / 1_000_000;
        final CommitRecord record = new CommitRecord(job, id, Level.values()[highest(stores.levels(id))].label(),
            parts, pauseMillis, writeMillis, threads, objects, on, printed, created);
        try
        {
            stores.commit(record);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new CheckpointException("checkpoint " + id + " not committed: " + ex, ex);
        }
        base = id;
        return summary(record, (System.nanoTime() - started) / 1_000_000);
    }

    private static int highest(final Set<Level> levels)
    {
        int top = 0;
        for (final Level l : levels)
        {
            top = Math.max(top, l.ordinal());
        }
        return top;
    }

    private Summary summary(final CommitRecord r, final long totalMillis)
    {
        return new Summary(r.checkpoint(), labels(stores.levels(r.checkpoint())), r.totalBytes(), r.pauseMillis(),
            totalMillis, r.threads(), r.objects(), r.createdMillis(), r.base());
    }

    private static String labels(final Set<Level> levels)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Level l : Level.values())
        {
            if (levels.contains(l))
            {
                sb.append(l.label());
            }
        }
        return sb.toString();
    }

    @Override
    public List<Summary> list()
    {
        final TreeMap<Long, Summary> out = new TreeMap<>();
        for (final CheckpointDir d : dirs)
        {
            try
            {
                for (final long id : d.checkpoints(job))
                {
                    final CommitRecord r = d.commitRecord(job, id);
                    if (r != null && !out.containsKey(id))
                    {
                        out.put(id, summary(r, r.pauseMillis() + r.writeMillis()));
                    }
                }
            }
            catch (final IOException ex)
            {
                // a directory that cannot be listed holds nothing this job can use
            }
        }
        return new ArrayList<>(out.values());
    }

    /** Lets every node's threads go on (nodes that are not paused for this checkpoint ignore it). */
    private void resumeAll(final long id)
    {
        for (int n = 1; n < node.nodeCount(); n++)
        {
            try
            {
                node.call(n, node.message(CheckpointMessages.RESUME).putLong(id));
            }
            catch (final RuntimeException ex)
            {
                System.err.println("ssi-java: checkpoint " + id + ": node " + n + " did not confirm it resumed: " +
                    ex.getMessage());
            }
        }
        local.resume(id);
    }

    /** Runs one step on every node at once: the others by message, this one on the calling thread. */
    private List<Participant.Answer> everyNode(final long id, final byte type, final Function<WireOut, WireOut> args,
        final java.util.function.Supplier<Participant.Answer> here)
    {
        final int nodes = node.nodeCount();
        final CompletableFuture<WireIn[]> others = nodes == 1 ? CompletableFuture.completedFuture(new WireIn[0]) :
            CompletableFuture.supplyAsync(() ->
            {
                final int[] to = new int[nodes - 1];
                final WireOut[] msgs = new WireOut[nodes - 1];
                for (int n = 1; n < nodes; n++)
                {
                    to[n - 1] = n;
                    msgs[n - 1] = args.apply(node.message(type));
                }
                return node.callAll(to, msgs);
            });
        final List<Participant.Answer> out = new ArrayList<>(nodes);
        out.add(here.get());
        try
        {
            for (final WireIn in : others.join())
            {
                out.add(Participant.answer(in));
            }
        }
        catch (final RuntimeException ex)
        {
            final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            while (out.size() < nodes)
            {
                out.add(Participant.Answer.failed("checkpoint " + id + ": " + cause.getMessage()));
            }
        }
        return out;
    }

    private static String failures(final List<Participant.Answer> answers)
    {
        final List<String> why = new ArrayList<>();
        for (final Participant.Answer a : answers)
        {
            if (!a.ok())
            {
                why.add(a.why());
            }
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }
}
