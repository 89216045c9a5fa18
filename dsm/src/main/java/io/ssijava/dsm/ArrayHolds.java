package io.ssijava.dsm;

import io.ssijava.rt.WriteScope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The arrays that threads of this node write in loops whose write checks the agent moved in front of the loop
 * (a "hold", see {@code ArrayGuard.checkHoistedWrite}). Such a loop makes no call, so nothing in it reads the
 * trap state again: a flush by another thread that re-arms an array's write trap cannot stop its writes. Instead,
 * every array a thread holds keeps its twin, and every release compares it again, until its holder has passed a
 * point outside such loops (a release of its own, a {@code Thread.start}, a {@code wait}) and a release after that
 * compared it once more. Background flushes (the periodic one, those before serving a copy) compare held arrays at
 * most every {@link #BACKGROUND_NANOS}: they bound how long an unsynchronized write stays invisible, which needs no
 * more.
 * <p>
 * A local array a thread holds may become shared while the loop runs. The hold leaves the array (weakly) with its
 * holder, and sharing gives that holder the new shared array at once, twinned before any other node can fetch it.
 * While a node has shared no array its hoisted checks fold to nothing ({@code ArrayWriteSite}); when it shares its
 * first, every thread that may then be in such a loop holds all arrays shared until it passes such a point
 * ({@link #afterArming}).
 */
final class ArrayHolds
{
    /** How often background flushes compare held arrays. */
    static final long BACKGROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("ssi.heldFlushMs", 100));

    private final ObjectSpace space;
    private final ConcurrentHashMap<Thread, Holder> holders = new ConcurrentHashMap<>();
    /** The calling thread's holder, without a map lookup (holds of local arrays run once per loop entry). */
    private final ThreadLocal<Holder> mine =
        ThreadLocal.withInitial(() -> holders.computeIfAbsent(Thread.currentThread(), Holder::new));
    /** Arrays whose holders passed such a point: the next release that takes held arrays compares them once more. */
    private final Set<Meta> moved = Collections.newSetFromMap(new IdentityHashMap<>());
    private long lastBackground = System.nanoTime();

    /** One thread's holds. Its epoch changes only on its own thread, outside every loop with hoisted checks. */
    static final class Holder extends WriteScope
    {
        final Thread thread;
        /** Shared arrays held in this epoch. Guarded by the holder. */
        final Set<Meta> held = Collections.newSetFromMap(new IdentityHashMap<>());
        /**
         * The local arrays held in this epoch, weakly (arrays compare by identity). Exact, not buckets of their
         * hashes: a thread that holds the rows of a local matrix would otherwise hold every array shared later.
         * Guarded by the holder.
         */
        final WeakHashMap<Object, Boolean> local = new WeakHashMap<>();
        /** Holds every array shared until this thread passes such a point (it ran program code at arming). */
        volatile boolean allShared;

        Holder(final Thread thread)
        {
            this.thread = thread;
        }
    }

    ArrayHolds(final ObjectSpace space)
    {
        this.space = space;
        new WeakHashMap<>().put(this, Boolean.TRUE); // loaded now: a hold must not load classes (see ObjectSpace)
    }

    /**
     * The calling thread is about to write {@code array} in a loop without further checks: a shared array is made
     * writable (faulted in, twinned, dirty) and held; a local one is remembered by its hash bucket.
     *
     * @return the thread's scope, which the guard remembers the hold under.
     */
    WriteScope hold(final Object array)
    {
        final Holder h = mine.get();
        Meta m = space.metaOf(array);
        if (m == null)
        {
            // Dekker with share() through the holder's monitor: either sharedLocked() looks at the holder after
            // this put, or this looks at the shared filter after it, which share() set before
            synchronized (h)
            {
                if (h.local.put(array, Boolean.TRUE) != null)
                {
                    return h;
                }
            }
            m = space.metaOf(array);
            if (m == null)
            {
                return h;
            }
        }
        space.writeMiss(m);
        space.ensureTwin(m);
        synchronized (h)
        {
            h.held.add(m);
        }
        return h;
    }

    /** An array became shared with this node as home (caller holds shareLock, before its id leaves this node). */
    void sharedLocked(final Meta m)
    {
        if (holders.isEmpty())
        {
            return;
        }
        for (final Holder h : holders.values())
        {
            synchronized (h)
            {
                if (h.allShared || h.local.containsKey(m.target))
                {
                    if (m.twin == null)
                    {
                        m.twin = ObjectSpace.snapshot(m); // nobody else can see m yet
                    }
                    h.held.add(m);
                }
            }
        }
    }

    /**
     * The node's hoisted checks stop folding: threads that may be in a loop whose check was folded away hold every
     * array shared until they pass a point outside such loops.
     */
    void afterArming()
    {
        for (final Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet())
        {
            if (mayRunALoop(e.getValue()))
            {
                holders.computeIfAbsent(e.getKey(), Holder::new).allShared = true;
            }
        }
    }

    /**
     * Whether a thread's topmost frame of program code may be running a loop: it is the top of the stack, or it
     * called into ssi-java (a check's slow path). One that called the JDK sits at a call, which no loop with
     * hoisted checks makes.
     */
    private static boolean mayRunALoop(final StackTraceElement[] frames)
    {
        for (int i = 0; i < frames.length; i++)
        {
            final StackTraceElement f = frames[i];
            final String loader = f.getClassLoaderName();
            if (loader != null && !"platform".equals(loader) && !f.getClassName().startsWith("io.ssijava."))
            {
                return i == 0 || frames[i - 1].getClassName().startsWith("io.ssijava.");
            }
        }
        return false;
    }

    /** The calling thread is outside every loop with hoisted checks: its holds end with the next release. */
    void passed()
    {
        if (holders.isEmpty())
        {
            return;
        }
        final Holder h = holders.get(Thread.currentThread());
        if (h == null)
        {
            return;
        }
        final List<Meta> held;
        synchronized (h)
        {
            held = new ArrayList<>(h.held);
            h.held.clear();
        }
        synchronized (moved)
        {
            moved.addAll(held);
        }
        synchronized (h)
        {
            h.local.clear();
        }
        h.allShared = false;
        h.epoch++;
    }

    /**
     * The held arrays a flush compares: all of them for a release, and for a background flush only every
     * {@link #BACKGROUND_NANOS}. Holders whose thread ended hand theirs over for a last time.
     */
    List<Meta> forFlush(final boolean background)
    {
        if (holders.isEmpty())
        {
            return List.of();
        }
        final long now = System.nanoTime();
        synchronized (this)
        {
            if (background && now - lastBackground < BACKGROUND_NANOS)
            {
                return List.of();
            }
            lastBackground = now;
        }
        final Set<Meta> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (final Holder h : holders.values())
        {
            synchronized (h)
            {
                out.addAll(h.held);
            }
            if (!h.thread.isAlive())
            {
                holders.remove(h.thread, h);
            }
        }
        synchronized (moved)
        {
            out.addAll(moved);
            moved.clear();
        }
        return new ArrayList<>(out);
    }

    /** Whether a thread holds m now: it may be writing it without a check. */
    boolean isHeld(final Meta m)
    {
        for (final Holder h : holders.values())
        {
            synchronized (h)
            {
                if (h.held.contains(m))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the arrays now held by any thread (for tests). */
    int heldCount()
    {
        int n = 0;
        for (final Holder h : holders.values())
        {
            synchronized (h)
            {
                n += h.held.size();
            }
        }
        return n;
    }
}
