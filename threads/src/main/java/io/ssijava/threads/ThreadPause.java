package io.ssijava.threads;

import io.ssijava.dsm.WireOut;
import io.ssijava.threads.cont.Continuation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's pause on one node. Every thread of the program that runs here is asked to capture itself at its
 * next safe point outside monitors, or in {@code Object.wait} (it then goes on as from a spurious wake-up), and
 * waits there, its frames captured, until the pause ends. A thread that starts meanwhile waits before it runs, and
 * one that arrives stops at its first safe point. While the pause is on, no thread moves. The held threads can then
 * be written down ({@link #writeThreads}).
 * <p>
 * A thread that cannot reach a safe point (it runs JDK code that does not return to the program meanwhile, holds a
 * monitor or a value that cannot be shared for longer than the pause waits, or waits to enter a monitor that a
 * stopped waiter with nested monitors keeps) keeps the pause from completing;
 * {@link #awaitHeld} says which, and the caller ends the pause.
 */
public final class ThreadPause
{
    /** One held thread: its captured frames, or, if it had not started, the body it will run. */
    private record Held(Migration.Runner runner, Continuation k, Runnable body)
    {
    }

    private static final long STUCK_AFTER_NANOS = 500_000_000L;
    /**
     * How often a pause asks again the threads whose request to stop has waited that long: a wait that had left for
     * a capture and came back to waiting without it would otherwise not leave again until asked anew.
     */
    private static final long RENEW_NANOS = 250_000_000L;

    private final Migration migration;
    /** The open files the checkpoint keeps (frames that hold one can be written), or null. */
    private final io.ssijava.dsm.ExternalValues files;
    /** By handle, in the order they stopped. Guarded by this. */
    private final Map<Long, Held> held = new LinkedHashMap<>();
    /** Threads that went on when asked, as their frames held a value that cannot be written: which. Guarded by this. */
    private final Map<Long, String> goingOn = new java.util.HashMap<>();
    private boolean over;

    ThreadPause(final Migration migration, final io.ssijava.dsm.ExternalValues files)
    {
        this.migration = migration;
        this.files = files;
    }

    /**
     * The calling thread (the runner's) waits here until the pause is over; or goes on at once if its frames hold a
     * value that cannot be written (it is asked again, and stops at a later safe point).
     */
    void hold(final Migration.Runner r, final Continuation k, final Runnable body)
    {
        final String unwritable = k == null ? null : migration.unwritable(k, files);
        boolean interrupted = false;
        synchronized (this)
        {
            if (over)
            {
                return;
            }
            if (unwritable != null)
            {
                goingOn.put(r.handle, unwritable);
                return;
            }
            goingOn.remove(r.handle);
            held.put(r.handle, new Held(r, k, body));
            notifyAll();
            while (!over)
            {
                try
                {
                    wait();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true; // the program's: it sees it once it goes on
                }
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    synchronized boolean isHeld(final long handle)
    {
        return held.containsKey(handle);
    }

    /**
     * Waits until every thread of the program that runs here is held.
     *
     * @param timeoutMillis how long to wait.
     * @return null if they all are; else which are not, and where they are.
     */
    public String awaitHeld(final long timeoutMillis) throws InterruptedException
    {
        final long started = System.nanoTime();
        final long deadline = started + timeoutMillis * 1_000_000L;
        long renewed = started;
        while (true)
        {
            final List<Migration.Runner> waiting = migration.notHeld(this);
            if (waiting.isEmpty())
            {
                return null;
            }
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                return describe(waiting, unwritable());
            }
            // after a while: entering a monitor that a running thread holds is only contention
            final String stuck = System.nanoTime() - started > STUCK_AFTER_NANOS ? waitingForAHeldMonitor(waiting) :
                null;
            if (stuck != null)
            {
                return stuck;
            }
            // asks again those that were between two runs of their frames when asked, or that arrived since; now
            // and then also those whose request still waits, in case it went unseen
            final boolean renew = System.nanoTime() - renewed > RENEW_NANOS;
            if (renew)
            {
                renewed = System.nanoTime();
            }
            migration.askToStop(this, renew);
            synchronized (this)
            {
                wait(Math.max(1, Math.min(5, left / 1_000_000L)));
            }
        }
    }

    /**
     * @return a thread that waits to enter a monitor that a held thread keeps, if there is one (it cannot stop
     * until the pause is over), else null.
     */
    private static String waitingForAHeldMonitor(final List<Migration.Runner> waiting)
    {
        for (final Migration.Runner r : waiting)
        {
            final Thread t = r.thread;
            if (t == null || t.getState() == Thread.State.RUNNABLE)
            {
                continue;
            }
            for (final StackTraceElement e : t.getStackTrace())
            {
                if (e.getClassName().equals("io.ssijava.dsm.Locks") &&
                    (e.getMethodName().equals("entered") || e.getMethodName().equals("reacquire")))
                {
                    return "\"" + t.getName() + "\" waits for a monitor that a stopped thread holds";
                }
            }
        }
        return null;
    }

    private synchronized Map<Long, String> unwritable()
    {
        return new java.util.HashMap<>(goingOn);
    }

    private static String describe(final List<Migration.Runner> waiting, final Map<Long, String> unwritable)
    {
        final List<String> out = new ArrayList<>();
        for (final Migration.Runner r : waiting)
        {
            final Thread t = r.thread;
            if (t == null)
            {
                out.add("a thread that is starting");
                continue;
            }
            final String pinned = Continuation.pinnedBy(t);
            final String holds = unwritable.get(r.handle);
            out.add("\"" + t.getName() + "\" (" + (pinned != null ? "in " + pinned : holds != null ? "its frames " +
                "hold " + holds + ", which cannot be shared" :
                t.getState().toString().toLowerCase(java.util.Locale.ROOT) + " at " + where(t)) + ")");
        }
        return String.join(", ", out);
    }

    /** @return the top frames of a thread's stack, up to the first of the program's, as a report can show them. */
    private static String where(final Thread t)
    {
        final List<String> frames = new ArrayList<>();
        for (final StackTraceElement e : t.getStackTrace())
        {
            frames.add(e.getClassName() + "." + e.getMethodName() + (e.getLineNumber() > 0 ? ":" +
                e.getLineNumber() : ""));
            final String c = e.getClassName();
            if (frames.size() >= 8 || !c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.") &&
                !c.startsWith("io.ssijava."))
            {
                break;
            }
        }
        return frames.isEmpty() ? "no frame" : String.join(" < ", frames);
    }

    /** @return how many threads are held. */
    public synchronized int heldCount()
    {
        return held.size();
    }

    /**
     * Writes every held thread: their count, then each one (see {@code Migration.writeHeld}). Objects their frames
     * refer to become shared, so that the object space writes them with the rest.
     */
    public void writeThreads(final WireOut out)
    {
        final List<Held> all;
        synchronized (this)
        {
            all = new ArrayList<>(held.values());
        }
        out.putInt(all.size());
        for (final Held h : all)
        {
            migration.writeHeld(out, h.runner(), h.k(), h.body());
        }
    }

    /** Ends the pause: the held threads go on from where they stopped. */
    public void resume()
    {
        migration.endPause(this);
        synchronized (this)
        {
            over = true;
            notifyAll();
        }
    }
}
