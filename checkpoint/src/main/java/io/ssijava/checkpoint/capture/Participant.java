package io.ssijava.checkpoint.capture;

import io.ssijava.checkpoint.files.OpenFiles;
import io.ssijava.checkpoint.levels.Stores;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.WireException;
import io.ssijava.dsm.WireOut;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.ThreadPause;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A node's part in a coordinated checkpoint: holds the program's threads here at safe points, releases, captures
 * the held threads and the objects homed here into memory while everything is still, lets the threads go on, and
 * then writes the part to its levels in the background of the program.
 * <p>
 * The part's payload: the node's number and the job's node count; the length of the held threads, then the threads
 * ({@link ThreadPause#writeThreads}); every object homed here ({@link NodeRuntime#writeHomes}); the length of the
 * table of open files, then the table ({@link OpenFiles}: files the threads and objects refer to, which they write
 * as indexes into it); the highest sequence number of the node's global ids; and what the node keeps of the
 * program's threads ({@link ClusterThreads#writeState}).
 */
final class Participant
{
    /** What a step answers: whether it worked, and what it says (counts, or why not). */
    record Answer(boolean ok, String why, long bytes, int threads, long objects, long printed)
    {
        Answer(final boolean ok, final String why, final long bytes, final int threads, final long objects)
        {
            this(ok, why, bytes, threads, objects, 0);
        }

        static Answer failed(final String why)
        {
            return new Answer(false, why, 0, 0, 0);
        }
    }

    /** The longest pause a coordinator may ask for (its own timeout is 5 s). */
    private static final long MAX_PAUSE_TIMEOUT_MILLIS = 600_000;

    private final NodeRuntime runtime;
    private final ClusterThreads threads;
    private final Stores stores;
    private final long job;
    private final int self;
    private final int nodes;
    /** The checkpoint under way here, its pause and what it captured. Guarded by this. */
    private long checkpoint;
    private ThreadPause pause;
    private byte[] captured;
    /** With -Dssi.checkpoint.verify=true: checks every incremental capture against a full one. */
    private final IncrementalCheck verify = Boolean.getBoolean("ssi.checkpoint.verify") ? new IncrementalCheck() :
        null;
    /** The open files the job's checkpoints keep on this node. */
    private final OpenFiles files = new OpenFiles();
    /** Strict mode: a checkpoint that keeps something a restore cannot open again (a socket) is not taken. */
    private final boolean strict = Boolean.getBoolean("ssi.checkpoint.strict");

    Participant(final NodeRuntime runtime, final ClusterThreads threads, final Stores stores, final long job)
    {
        this.runtime = runtime;
        this.threads = threads;
        this.stores = stores;
        this.job = job;
        runtime.trackChangesForCheckpoints();
        final Node node = runtime.node();
        this.self = node.self();
        this.nodes = node.nodeCount();
        node.register(CheckpointMessages.PAUSE, (from, corr, in) ->
        {
            fromCoordinator(from);
            final long id = in.getLong();
            final long timeout = in.getLong();
            if (timeout < 1 || timeout > MAX_PAUSE_TIMEOUT_MILLIS)
            {
                throw new WireException("a pause of " + timeout + " ms");
            }
            node.sendReply(from, corr, answer(node.reply(), pause(id, timeout)));
        });
        node.register(CheckpointMessages.CAPTURE, (from, corr, in) ->
        {
            fromCoordinator(from);
            final long id = in.getLong();
            node.sendReply(from, corr, answer(node.reply(), capture(id, in.getBoolean())));
        });
        node.register(CheckpointMessages.RESUME, (from, corr, in) ->
        {
            fromCoordinator(from);
            resume(in.getLong());
            node.sendReply(from, corr, node.reply());
        });
        node.register(CheckpointMessages.WRITE, (from, corr, in) ->
        {
            fromCoordinator(from);
            final long id = in.getLong();
            final long created = in.getLong();
            node.sendReply(from, corr, answer(node.reply(), write(id, created, in.getLong())));
        });
    }

    /** Node 0 coordinates checkpoints: a checkpoint message from another node is refused, whatever it says. */
    private static void fromCoordinator(final int from)
    {
        if (from != 0)
        {
            throw new WireException("checkpoint messages come from node 0 only, not from node " + from);
        }
    }

    static WireOut answer(final WireOut out, final Answer a)
    {
        return out.putBoolean(a.ok()).putString(a.why() == null ? "" : a.why()).putLong(a.bytes())
            .putInt(a.threads()).putLong(a.objects()).putLong(a.printed());
    }

    static Answer answer(final io.ssijava.dsm.WireIn in)
    {
        return new Answer(in.getBoolean(), in.getString(), in.getLong(), in.getInt(), in.getLong(), in.getLong());
    }

    /** @return on node 0, whether the program's main method has begun (no checkpoint before it). */
    boolean mainStarted()
    {
        return threads.mainStarted();
    }

    /** Holds the program's threads here; once they all are, makes every write of this node visible at its home. */
    synchronized Answer pause(final long id, final long timeoutMillis)
    {
        if (pause != null)
        {
            return Answer.failed("node " + self + " is still in checkpoint " + checkpoint);
        }
        checkpoint = id;
        captured = null;
        pause = threads.pause(files);
        try
        {
            final String notHeld = pause.awaitHeld(timeoutMillis);
            if (notHeld != null)
            {
                endPause();
                return Answer.failed("on node " + self + ", threads did not reach a safe point within " +
                    timeoutMillis + " ms: " + notHeld);
            }
            runtime.release();
            return new Answer(true, null, 0, pause.heldCount(), 0);
        }
        catch (final InterruptedException ex)
        {
            endPause();
            Thread.currentThread().interrupt();
            return Answer.failed("node " + self + " was interrupted while it paused");
        }
        catch (final RuntimeException ex)
        {
            endPause();
            return Answer.failed("node " + self + ": " + ex.getMessage());
        }
    }

    /**
     * Writes the held threads and the objects homed here into memory; every node is paused and released.
     *
     * @param incremental write only the objects that changed since the last capture.
     */
    synchronized Answer capture(final long id, final boolean incremental)
    {
        if (pause == null || checkpoint != id)
        {
            return Answer.failed("node " + self + " is not paused for checkpoint " + id);
        }
        try
        {
            // threads that arrived from nodes that paused later are held too by now
            final String notHeld = pause.awaitHeld(1_000);
            if (notHeld != null)
            {
                return Answer.failed("on node " + self + ", threads that arrived during the pause did not stop: " +
                    notHeld);
            }
            final WireOut out = new WireOut(1 << 16);
            out.putInt(self).putInt(nodes);
            final int held = pause.heldCount();
            final int threadsAt = out.length();
            out.putInt(0);
            runtime.writingExternals(files, () ->
            {
                pause.writeThreads(out);
                return null;
            });
            out.putIntAt(threadsAt, out.length() - threadsAt - 4);
            final Map<Long, byte[]> images = verify == null ? null : new HashMap<>();
            final long objects = runtime.writingExternals(files, () -> runtime.writeHomes(out, incremental, images));
            final int filesAt = out.length();
            out.putInt(0);
            final String refused = files.write(out, strict);
            out.putIntAt(filesAt, out.length() - filesAt - 4);
            if (refused != null)
            {
                return Answer.failed("on node " + self + ", the program holds " + refused + ", which a restore " +
                    "could not open again (strict mode)");
            }
            out.putLong(runtime.sequence());
            threads.writeState(out);
            captured = out.toBytes();
            if (verify != null)
            {
                verify.check(self, id, incremental, images, incremental ? runtime.homeImages() : images);
            }
            // every thread is held: nothing is printing
            return new Answer(true, null, captured.length, held, objects, ProgramOutput.flushAndCount());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Answer.failed("node " + self + " was interrupted while it captured");
        }
        catch (final IOException ex)
        {
            return Answer.failed("node " + self + " could not capture its open files: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            return Answer.failed("node " + self + " could not capture its part: " + ex.getMessage());
        }
    }

    /** Lets the held threads go on (a no-op if this node is not paused for that checkpoint). */
    synchronized void resume(final long id)
    {
        if (pause != null && checkpoint == id)
        {
            endPause();
        }
    }

    private void endPause()
    {
        final ThreadPause p = pause;
        pause = null;
        p.resume();
    }

    /**
     * Writes the captured part to the levels the schedule gives this checkpoint.
     *
     * @param base the checkpoint an incremental part builds on; 0 for a full one.
     */
    Answer write(final long id, final long createdMillis, final long base)
    {
        final byte[] bytes;
        synchronized (this)
        {
            if (captured == null || checkpoint != id)
            {
                return Answer.failed("node " + self + " has no capture of checkpoint " + id);
            }
            bytes = captured;
            captured = null;
        }
        try
        {
            final long size = stores.writePart(new CheckpointFile.Header(job, id, base, self, nodes,
                base > 0 ? CheckpointFile.Kind.INCREMENTAL : CheckpointFile.Kind.FULL, createdMillis),
                out -> out.write(bytes));
            return new Answer(true, null, size, 0, 0);
        }
        catch (final IOException | RuntimeException ex)
        {
            return Answer.failed("node " + self + " could not write its part of checkpoint " + id + ": " + ex);
        }
    }

    /** Ends a pause that is still on when the node closes. */
    synchronized void close()
    {
        if (pause != null)
        {
            endPause();
        }
    }
}
