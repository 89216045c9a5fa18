package io.ssijava.threads;

import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.WireException;
import io.ssijava.dsm.WireIn;
import io.ssijava.rt.Managed;
import io.ssijava.threads.cont.Continuation;

import java.util.ArrayList;
import java.util.List;

/**
 * Brings back the program's threads of one node's part of a checkpoint: reads them once the objects homed here are
 * restored (their frames refer to them), enters them in node 0's registry, and starts them once every node has:
 * each runs on from its frames, as a thread arriving by a move does, or starts the body it had not yet run.
 */
public final class ThreadRestore
{
    /**
     * A thread of the program as a checkpoint holds it: its frames (it runs on from them), or the body it had not
     * started yet.
     */
    public static final class Restored
    {
        final long handle;
        final ThreadTraits traits;
        final Migration.Captured captured;
        final Thread object;
        final Runnable body;
        final boolean interrupted;

        private Restored(final long handle, final ThreadTraits traits, final Migration.Captured captured,
            final Thread object, final Runnable body, final boolean interrupted)
        {
            this.handle = handle;
            this.traits = traits;
            this.captured = captured;
            this.object = object;
            this.body = body;
            this.interrupted = interrupted;
        }

        /** @return the thread's name. */
        public String name()
        {
            return traits.name();
        }
    }

    private final ClusterThreads threads;
    private final Migration migration;
    private final NodeRuntime runtime;

    ThreadRestore(final ClusterThreads threads, final Migration migration, final NodeRuntime runtime)
    {
        this.threads = threads;
        this.migration = migration;
        this.runtime = runtime;
    }

    /** Reads the threads of a checkpoint's part, as {@link ThreadPause#writeThreads} wrote them. */
    public List<Restored> read(final WireIn in)
    {
        final int count = in.getCount(1 << 20);
        final List<Restored> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final long handle = in.getLong();
            final byte kind = in.getByte();
            if (kind == 1)
            {
                final Migration.Captured c = migration.readThread(handle, in);
                out.add(new Restored(handle, c.traits(), c, c.object(), null, false));
                continue;
            }
            if (kind != 0)
            {
                throw new WireException("unknown kind " + kind + " of a checkpointed thread");
            }
            final ThreadTraits traits = ThreadTraits.read(in);
            final boolean interrupted = in.getBoolean();
            final Object object = runtime.readValue(in);
            final Object body = runtime.readValue(in);
            if (object != null && !(object instanceof Managed) || body != null && !(body instanceof Runnable))
            {
                throw new WireException("checkpointed thread \"" + traits.name() + "\" is not a thread");
            }
            out.add(new Restored(handle, traits, null, (Thread)object, (Runnable)body, interrupted));
        }
        return out;
    }

    /** Enters restored threads in node 0's registry, which keeps the job alive while they live. */
    public void register(final List<Restored> restored)
    {
        for (final Restored r : restored)
        {
            threads.register(r.handle, r.traits.daemon());
        }
    }

    /** Starts restored threads here. */
    public void start(final List<Restored> restored)
    {
        for (final Restored r : restored)
        {
            if (r.captured != null)
            {
                migration.start(r.captured);
            }
            else if (r.object != null)
            {
                threads.startRestoredObject(r.object, r.handle, r.traits, r.interrupted);
            }
            else
            {
                final Thread t = threads.startArrived(r.handle, r.traits, migration.runner(r.handle, r.body), null);
                interruptIf(t, r.interrupted);
            }
        }
    }

    static void interruptIf(final Thread t, final boolean interrupted)
    {
        if (interrupted)
        {
            Continuation.interrupt(t);
        }
    }
}
