package io.ssijava.threads;

import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.SsiException;
import io.ssijava.dsm.WireException;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;
import io.ssijava.rt.PoolWorker;
import io.ssijava.threads.capturable.PoolWorkerLoop;
import io.ssijava.threads.cont.CapturableMethods;
import io.ssijava.threads.cont.Continuation;
import io.ssijava.threads.cont.Frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Moves running threads between nodes. A thread of the program runs its Runnable under a continuation runner
 * ({@link Continuation#run}); asked to move, it is captured at its next safe point, its frames travel to the target
 * node (their objects become shared, as anything another node can reach), and it resumes there. Monitors it holds
 * stay its own on the way (the object space keeps them for it until it enters them again there), and a thread in
 * {@code Object.wait} stops waiting, moves with the monitor, and waits again there for the time that was left.
 * <p>
 * The thread keeps one thread object per node: when it leaves a node, the JVM thread there stays parked as the
 * thread's stand-in, so that {@code Thread.currentThread()} gives the same object if it comes back, and objects of
 * that node that refer to the thread keep meaning it. The stand-ins go when the thread ends.
 */
final class Migration
{
    /** How the stand-in of a thread that ended on another node learns it (and whether it ended by an exception). */
    private static final Object GONE = new Object();
    private static final Object GONE_THREW = new Object();
    private static final int MAX_FRAMES = 100_000;
    private static final int MAX_VALUES = 1 << 20;
    /** The runner of the movable thread that runs on the current JVM thread. */
    private static final ThreadLocal<Runner> CURRENT = new ThreadLocal<>();

    /** What arrives for a thread that was here before. */
    static final class Arrival
    {
        final Continuation k;
        final boolean interrupted;
        final int moves;
        final List<ThreadLocals.Entry> locals;

        Arrival(final Continuation k, final boolean interrupted, final int moves,
            final List<ThreadLocals.Entry> locals)
        {
            this.k = k;
            this.interrupted = interrupted;
            this.moves = moves;
            this.locals = locals;
        }
    }

    /** The body of a movable thread's JVM thread on this node. */
    final class Runner implements Runnable
    {
        final long handle;
        Thread thread;
        private Runnable body;
        private Arrival first;
        /** Where to go when captured; -1: stay. */
        volatile int target = -1;
        /** Its frames are on their way to another node, which has not taken them yet. */
        volatile boolean sending;
        /** Why its last move failed (it went on here), until it is asked to move again; null if it did not. */
        volatile String refused;
        /** The last reason for a failed move that was reported (on this node). */
        private String reportedRefusal;
        /** Running on another node; this JVM thread waits as its stand-in. */
        volatile boolean away;
        /** Ended on another node: this stand-in ends without ending the thread. */
        volatile boolean endedElsewhere;
        /** Ended on another node by an uncaught exception (reported there). */
        volatile boolean threwElsewhere;
        private int moves;
        private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        /** Thread-locals the JVM thread had before it ran the program (main's, from JDK start-up): not the program's. */
        private java.util.Set<ThreadLocal<?>> before = java.util.Set.of();
        /** Remote faults since the placement policy last looked, by home node. */
        final AtomicIntegerArray faults = new AtomicIntegerArray(node.nodeCount());
        /** Its JVM thread here runs the program (not only as a stand-in, nor before its frames arrived). */
        private boolean settled;
        /** Made for a subclass of Thread that starts here, before its JVM thread takes it (guarded by signalLock). */
        private boolean expected;
        /** The node its frames went to last, while it is away; -1 otherwise. Guarded by signalLock, as are: */
        private int goneTo = -1;
        /** Wake-ups and interrupts that came while it could neither take them here nor have them passed on. */
        private final boolean[] held = new boolean[2];

        Runner(final long handle, final Runnable body)
        {
            this.handle = handle;
            this.body = body;
            this.settled = body != null; // else its frames are yet to arrive
        }

        @Override
        public void run()
        {
            CURRENT.set(this);
            boolean threw = true;
            try
            {
                runHere();
                threw = false;
            }
            finally
            {
                if (moves > 0 && !endedElsewhere)
                {
                    releaseStandIns(threw);
                }
            }
        }

        /** The thread ended here after moving, normally or not: its stand-ins on other nodes end too. */
        private void releaseStandIns(final boolean threw)
        {
            for (int n = 0; n < node.nodeCount(); n++)
            {
                if (n == self)
                {
                    continue;
                }
                try
                {
                    node.send(n, node.message(ThreadMessages.GONE).putLong(handle).putBoolean(threw));
                }
                catch (final RuntimeException ex)
                {
                    // a node that failed or is closing has no stand-in to end; the others still must end theirs,
                    // and an exception of the program's own is not to be hidden by this one
                }
            }
        }

        private void runHere()
        {
            Continuation k;
            if (first != null)
            {
                k = arrive(first);
                first = null;
            }
            else
            {
                final Runnable b = body;
                body = null;
                final ThreadPause p = pause;
                if (p != null)
                {
                    p.hold(this, null, b); // not started yet: what it will run is all there is of it
                }
                // A pool's worker runs a loop that can be captured. The loop's class is loaded, and so rewritten
                // (tens of ms in a JVM that just started), only by a program whose pools start workers.
                k = Continuation.run(b instanceof PoolWorker ? PoolWorkerLoop.bodyFor(b) : b);
            }
            while (k != null)
            {
                final int to = target;
                if (to < 0 || to == self)
                {
                    target = -1;
                    final ThreadPause p = pause;
                    if (p != null)
                    {
                        p.hold(this, k, null); // a thread on its way to another node is held there instead
                    }
                    k = k.resume();
                    continue;
                }
                moves++;
                synchronized (signalLock)
                {
                    // away before the frames leave: the thread may come back before send returns
                    away = true;
                    sending = true; // before target is cleared, so that the move is never seen as over too early
                    settled = false;
                }
                target = -1;
                boolean sent;
                try
                {
                    send(this, k, to);
                    sent = true;
                }
                catch (final RuntimeException ex)
                {
                    sent = false;
                    refused = ex.getMessage();
                    // once per reason: moves asked for every few milliseconds would repeat it
                    if (!java.util.Objects.equals(refused, reportedRefusal))
                    {
                        reportedRefusal = refused;
                        System.err.println("ssi-java: node " + self + ": thread \"" + thread.getName() +
                            "\" could not move to node " + to + ", it goes on here: " + ex.getMessage());
                    }
                }
                final boolean[] passOn = new boolean[2];
                synchronized (signalLock)
                {
                    sending = false;
                    if (sent)
                    {
                        // signals held while the frames were on their way follow them; later ones are passed on
                        goneTo = to;
                        take(held, passOn);
                    }
                    else
                    {
                        away = false;
                        settled = true;
                        takeHere(held);
                    }
                }
                if (!sent)
                {
                    k = k.resume();
                    continue;
                }
                passOn(to, handle, passOn);
                final Object next = awaitReturn();
                if (next == GONE || next == GONE_THREW)
                {
                    threwElsewhere = next == GONE_THREW;
                    endedElsewhere = true;
                    away = false;
                    return;
                }
                k = arrive((Arrival)next);
            }
        }

        private Continuation arrive(final Arrival a)
        {
            synchronized (signalLock)
            {
                away = false;
                goneTo = -1;
                settled = true;
                if (a.interrupted)
                {
                    Thread.currentThread().interrupt();
                }
                takeHere(held);
            }
            moves = a.moves;
            ThreadLocals.install(a.locals);
            for (int n = 0; n < faults.length(); n++)
            {
                faults.set(n, 0); // counted where it was: they say nothing of the data it wants from here
            }
            // at once, not through the loop below: a move asked for meanwhile must not send the frames on before
            // they have entered again the monitors kept for them here (those would stay kept for this node)
            return a.k.resume();
        }

        private Object awaitReturn()
        {
            while (true)
            {
                try
                {
                    return inbox.take();
                }
                catch (final InterruptedException ex)
                {
                    // meant for the thread, which runs elsewhere
                    signal(handle, true);
                }
            }
        }
    }

    private final ClusterThreads threads;
    private final NodeRuntime runtime;
    private final Node node;
    private final int self;
    /** Movable threads that run here or wait here as stand-ins, by handle. */
    private final Map<Long, Runner> runners = new ConcurrentHashMap<>();
    /**
     * Wake-ups (false) and interrupts (true) that reached this node for a thread on its way here for the first time
     * (no runner yet): given to it when it arrives. A thread with a runner here holds its own ({@link Runner#held}).
     */
    private final Map<Long, boolean[]> pendingSignals = new ConcurrentHashMap<>();
    /**
     * Orders signals against the moves of the threads they are for, so that each one is given to the thread, held
     * for it, or passed after it, and never left behind on a node it has left.
     */
    private final Object signalLock = new Object();
    /** A checkpoint's pause while one is on: threads of the program here wait at their safe points. */
    private volatile ThreadPause pause;
    /** Kinds of thread-local that could not move, reported once each. */
    private final java.util.Set<String> warnedLocals = ConcurrentHashMap.newKeySet();

    Migration(final ClusterThreads threads, final NodeRuntime runtime)
    {
        this.threads = threads;
        this.runtime = runtime;
        this.node = runtime.node();
        this.self = node.self();
        node.register(ThreadMessages.MIGRATE, this::onMigrate);
        node.register(ThreadMessages.GONE, (from, corr, in) ->
        {
            final long handle = in.getLong();
            final boolean threw = in.getBoolean();
            pendingSignals.remove(handle);
            final Runner r = runners.get(handle);
            if (r != null && r.away)
            {
                r.inbox.add(threw ? GONE_THREW : GONE);
            }
        });
    }

    /** The runner of a thread that already runs (main): it runs the body on the calling thread, {@code t}. */
    Runner runnerOf(final Thread t, final long handle, final Runnable body)
    {
        final Runner r = runner(handle, body);
        r.thread = t;
        final java.util.Set<ThreadLocal<?>> had = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (final ThreadLocals.Entry e : ThreadLocals.of(t))
        {
            had.add(e.local());
        }
        r.before = had;
        return r;
    }

    /**
     * Runs the body of a subclass of Thread on its own JVM thread: the frames that arrived for it, if it was started
     * here by a move, else its run() from the start.
     */
    void runThreadObject(final Thread t, final long handle, final Runnable body)
    {
        Runner r = runners.get(handle);
        if (r != null && r.expected)
        {
            synchronized (signalLock)
            {
                r.expected = false;
                r.body = body;
                r.settled = true;
                takeHere(r.held); // on its own JVM thread: wake-ups and interrupts that came before it ran
            }
        }
        else if (r == null || r.first == null)
        {
            r = runner(handle, body);
        }
        r.thread = t;
        r.run();
    }

    /**
     * A subclass of Thread is about to start here: its runner is made now, so that a checkpoint's pause waits for it
     * before its JVM thread reaches {@link #runThreadObject}, and signals meanwhile are held for it.
     */
    void expect(final long handle)
    {
        final Runner r = new Runner(handle, null);
        r.expected = true;
        runners.putIfAbsent(handle, r);
    }

    /** The Runnable a movable thread's JVM thread runs here. */
    Runner runner(final long handle, final Runnable body)
    {
        final Runner r = new Runner(handle, body);
        runners.put(handle, r);
        return r;
    }

    /**
     * A wake-up or interrupt for a thread of the program that moves: given to it if it runs here, passed after it
     * if it left for another node, else kept until it runs here or its frames have reached the node they went to
     * (a signal kept on a node the thread left would wait for a return that may never come).
     *
     * @param handle    the thread's handle.
     * @param interrupt interrupt (true) or unpark (false).
     */
    void signal(final long handle, final boolean interrupt)
    {
        final int to;
        synchronized (signalLock)
        {
            final Runner r = runners.get(handle);
            if (r == null)
            {
                pendingSignals.computeIfAbsent(handle, h -> new boolean[2])[interrupt ? 1 : 0] = true;
                return;
            }
            if (r.settled && !r.away && r.thread != null)
            {
                give(r.thread, interrupt);
                return;
            }
            if (r.goneTo < 0 || r.sending)
            {
                r.held[interrupt ? 1 : 0] = true;
                return;
            }
            to = r.goneTo;
        }
        // it runs on another node (or left it since): the signal follows it there
        threads.sendSignal(to, handle, interrupt);
    }

    private static void give(final Thread t, final boolean interrupt)
    {
        if (interrupt)
        {
            Continuation.interrupt(t);
        }
        else
        {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    /** Moves the signals in {@code from} to {@code to}. */
    private static void take(final boolean[] from, final boolean[] to)
    {
        for (int i = 0; i < from.length; i++)
        {
            to[i] |= from[i];
            from[i] = false;
        }
    }

    /** Gives the current thread, which now runs the program here, the signals held for it. */
    private static void takeHere(final boolean[] held)
    {
        for (int i = 0; i < held.length; i++)
        {
            if (held[i])
            {
                give(Thread.currentThread(), i == 1);
                held[i] = false;
            }
        }
    }

    private void passOn(final int to, final long handle, final boolean[] signals)
    {
        for (int i = 0; i < signals.length; i++)
        {
            if (signals[i])
            {
                threads.sendSignal(to, handle, i == 1);
            }
        }
    }

    // ---------------------------------------------------------------- a checkpoint's pause

    /**
     * Starts a pause: every thread of the program here is asked to stop at its next safe point outside monitors, or
     * in {@code Object.wait} (see {@link Continuation#requestPause}).
     */
    ThreadPause pause(final io.ssijava.dsm.ExternalValues files)
    {
        synchronized (runners)
        {
            if (pause != null)
            {
                throw new IllegalStateException("node " + self + " is paused already");
            }
            pause = new ThreadPause(this, files);
        }
        final ThreadPause p = pause;
        askToStop(p, false);
        return p;
    }

    /**
     * Asks every thread that runs here, is not held and has no request yet, to capture itself; with {@code renew},
     * also those whose request to stop for the pause is not taken yet (a request to move stays as it is).
     */
    void askToStop(final ThreadPause p, final boolean renew)
    {
        for (final Runner r : runners.values())
        {
            final Thread t = r.thread;
            if (t != null && !r.away && r.settled && !p.isHeld(r.handle) &&
                (!Continuation.requested(t) || renew && Continuation.pauseRequested(t)))
            {
                // refused if it is between two runs of its frames: asked again
                Continuation.requestPause(t, self);
            }
        }
    }

    /**
     * @return the runners that must still stop here before every thread of the program here is held: those that
     * run here (or start, or arrive), and those whose frames are on their way to another node (they stop there).
     */
    List<Runner> notHeld(final ThreadPause p)
    {
        final List<Runner> out = new ArrayList<>();
        for (final Runner r : runners.values())
        {
            final Thread t = r.thread;
            final boolean gone = r.endedElsewhere || (r.away && !r.sending) ||
                t != null && t.getState() == Thread.State.TERMINATED;
            if (!gone && !p.isHeld(r.handle))
            {
                out.add(r);
            }
        }
        return out;
    }

    /** Ends a pause: held threads go on; requests not yet taken are withdrawn. */
    void endPause(final ThreadPause p)
    {
        synchronized (runners)
        {
            if (pause == p)
            {
                pause = null;
            }
        }
        for (final Runner r : runners.values())
        {
            if (r.thread != null && !p.isHeld(r.handle))
            {
                Continuation.cancel(r.thread);
            }
        }
    }

    /**
     * Writes a held thread for a checkpoint: its handle, then either the body it has not started (kind 0: what it
     * is and its Runnable) or its frames (kind 1, as a move writes them).
     */
    void writeHeld(final WireOut out, final Runner r, final Continuation k, final Runnable body)
    {
        try
        {
            writeHeldThread(out, r, k, body);
        }
        catch (final RuntimeException ex)
        {
            throw new SsiException("thread \"" + r.thread.getName() + "\": " + ex.getMessage(), ex);
        }
    }

    private void writeHeldThread(final WireOut out, final Runner r, final Continuation k, final Runnable body)
    {
        out.putLong(r.handle);
        final Thread t = r.thread;
        if (k == null)
        {
            out.putByte(0);
            ThreadTraits.of(t).write(out);
            out.putBoolean(t.isInterrupted());
            runtime.writeValue(out, t instanceof io.ssijava.rt.Managed ? t : null);
            runtime.writeValue(out, body);
        }
        else
        {
            out.putByte(1);
            writeThread(out, r, k, t.isInterrupted(), self);
        }
    }

    /**
     * Whether a captured thread's frames can be written down now. A frame may hold, for the moment, a value of a
     * class that cannot be shared (a {@code StringBuilder} the program is filling): a checkpoint's pause lets the
     * thread go on and stops it again at a later safe point, once the value is gone from its frames.
     *
     * @return null if they can; else which value, and in what method.
     */
    String unwritable(final Continuation k, final io.ssijava.dsm.ExternalValues files)
    {
        return files == null ? unwritable(k) : runtime.writingExternals(files, () -> unwritable(k));
    }

    private String unwritable(final Continuation k)
    {
        final WireOut scratch = new WireOut(64);
        for (final Frame f : k.frames())
        {
            String bad = unwritable(scratch, f.self());
            final Object[] refs = f.refs(); // a copy
            for (int i = 0; bad == null && i < refs.length; i++)
            {
                bad = unwritable(scratch, refs[i]);
            }
            if (bad != null)
            {
                return bad + " in " + f.method().owner().replace('/', '.') + "." + f.method().name();
            }
        }
        return null;
    }

    /** @return null if the value can be written (objects and arrays are shared when they are); else its class. */
    private String unwritable(final WireOut scratch, final Object v)
    {
        if (v == null || v instanceof io.ssijava.rt.Managed || v.getClass().isArray())
        {
            return null;
        }
        try
        {
            runtime.writeValue(scratch, v); // a value, copied (what it refers to is shared, as it would be)
            return null;
        }
        catch (final SsiException ex)
        {
            return "a " + v.getClass().getName();
        }
    }

    /** Counts a remote fault of the current thread, if it is a movable one, against the object's home. */
    void faulted(final int home)
    {
        final Runner r = CURRENT.get();
        if (r != null)
        {
            r.faults.incrementAndGet(home);
        }
    }

    /** @return the thread's remote faults by home node since the last call, or null if it does not run here. */
    int[] takeFaults(final long handle)
    {
        final Runner r = runners.get(handle);
        if (r == null || r.away)
        {
            return null;
        }
        final int[] out = new int[r.faults.length()];
        for (int n = 0; n < out.length; n++)
        {
            out[n] = r.faults.getAndSet(n, 0);
        }
        return out;
    }

    /** @return whether a thread with this handle runs here, or waits here as a stand-in, under a runner. */
    boolean knows(final long handle)
    {
        return runners.containsKey(handle);
    }

    /** Forgets a thread whose JVM thread here ended; @return whether it ended on another node. */
    boolean ended(final long handle)
    {
        pendingSignals.remove(handle);
        final Runner r = runners.remove(handle);
        return r != null && r.endedElsewhere;
    }

    /**
     * Asks a thread that runs here to move.
     *
     * @param handle the thread's handle.
     * @param to     the target node.
     * @return false if no movable thread with this handle runs here.
     */
    boolean move(final long handle, final int to)
    {
        if (to < 0 || to >= node.nodeCount())
        {
            throw new IllegalArgumentException("no node " + to + " in a job of " + node.nodeCount());
        }
        final Runner r = runners.get(handle);
        if (r == null || r.away || r.thread == null || pause != null)
        {
            return false; // during a checkpoint's pause, held threads stay where the checkpoint finds them
        }
        r.refused = null;
        r.target = to;
        return Continuation.requestMove(r.thread, to);
    }

    /** @return whether the thread with this handle runs on another node and its JVM thread here is a stand-in. */
    boolean isAway(final long handle)
    {
        final Runner r = runners.get(handle);
        return r != null && r.away && !r.sending;
    }

    /** @return whether the thread was asked to move and has not yet been taken by its target (or refused). */
    boolean moving(final long handle)
    {
        final Runner r = runners.get(handle);
        return r != null && (r.target >= 0 || r.sending);
    }

    /** @return why the thread's last move failed, or null if it did not or it was asked to move again since. */
    String refused(final long handle)
    {
        final Runner r = runners.get(handle);
        return r == null ? null : r.refused;
    }

    /** Withdraws a request to move that the thread has not yet acted on. */
    void cancelMove(final long handle)
    {
        final Runner r = runners.get(handle);
        if (r != null && !r.away && r.thread != null)
        {
            Continuation.cancel(r.thread);
            r.target = -1;
        }
    }

    /** @return the handles of the movable threads running here now. */
    List<Long> runningHere()
    {
        final List<Long> out = new ArrayList<>();
        runners.forEach((h, r) ->
        {
            if (!r.away && r.thread != null && r.thread.isAlive())
            {
                out.add(h);
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- the wire

    private void send(final Runner r, final Continuation k, final int to)
    {
        final long started = System.nanoTime();
        final boolean interrupted = Thread.interrupted();
        // moving is a release and an acquire on one thread: what it wrote here must be seen where it goes on
        runtime.release();
        final Thread t = r.thread;
        final WireOut msg = node.message(ThreadMessages.MIGRATE).putLong(r.handle);
        writeThread(msg, r, k, interrupted, to);
        threads.movedAway(t, to);
        node.call(to, msg);
        node.stats().moved(System.nanoTime() - started);
    }

    /**
     * Writes a captured thread as {@link #onMigrate} reads it (after its handle): what it is, its frames, whose
     * objects become shared, and its thread-locals.
     *
     * @param to the node it goes to (named in reports of thread-locals that stay behind).
     */
    void writeThread(final WireOut msg, final Runner r, final Continuation k, final boolean interrupted, final int to)
    {
        final Thread t = r.thread;
        ThreadTraits.of(t).write(msg);
        msg.putBoolean(interrupted).putInt(r.moves);
        // a subclass of Thread is its own JVM thread wherever it runs: its copy there is started
        runtime.writeValue(msg, t instanceof io.ssijava.rt.Managed ? t : null);
        final Continuation.Waiting waiting = k.waiting();
        msg.putByte(waiting.kind()).putLong(waiting.leftNanos());
        runtime.writeValue(msg, waiting.target());
        final List<Frame> frames = k.frames();
        final Object[] receivers = k.receivers();
        msg.putInt(frames.size());
        for (int i = 0; i < frames.size(); i++)
        {
            final Frame f = frames.get(i);
            final CapturableMethods.Method m = f.method();
            msg.putString(m.owner()).putString(m.name()).putString(m.desc()).putBoolean(m.isStatic()).putInt(f.site());
            runtime.writeValue(msg, f.self());
            final long[] prims = f.prims();
            msg.putInt(prims.length);
            for (final long p : prims)
            {
                msg.putLong(p);
            }
            final Object[] refs = f.refs();
            msg.putInt(refs.length);
            for (final Object o : refs)
            {
                runtime.writeValue(msg, o);
            }
            runtime.writeValue(msg, receivers[i]);
        }
        writeThreadLocals(msg, t, to, frames, receivers[frames.size() - 1].getClass().getClassLoader(), r.before);
    }

    /**
     * The program's thread-locals go with the thread: each one held in a static field of a class on its stack (or of
     * that class's nest) whose value can be shared. Others stay behind, and the thread finds them unset there, as a
     * new thread would; each kind is reported once.
     */
    private void writeThreadLocals(final WireOut msg, final Thread t, final int to, final List<Frame> frames,
        final ClassLoader loader, final java.util.Set<ThreadLocal<?>> notTheProgram)
    {
        final int countAt = msg.length();
        msg.putInt(0);
        final List<ThreadLocals.Entry> entries = ThreadLocals.of(t);
        entries.removeIf(e -> notTheProgram.contains(e.local()));
        if (entries.isEmpty())
        {
            return;
        }
        final java.util.Set<Class<?>> classes = new java.util.LinkedHashSet<>();
        for (final Frame f : frames)
        {
            try
            {
                classes.add(Class.forName(f.method().owner().replace('/', '.'), false, loader));
            }
            catch (final ClassNotFoundException | LinkageError ex)
            {
                // a frame of a class this loader does not see: its statics are not searched
            }
        }
        int count = 0;
        for (final ThreadLocals.Entry e : entries)
        {
            final ThreadLocals.Holder holder = ThreadLocals.Holder.of(e.local(), classes);
            final int mark = msg.length();
            String why = "no static field of a class on its stack holds it";
            if (holder != null)
            {
                try
                {
                    msg.putString(holder.owner()).putString(holder.field());
                    runtime.writeValue(msg, e.value());
                    count++;
                    continue;
                }
                catch (final RuntimeException ex)
                {
                    msg.rewind(mark);
                    why = "its value, a " + e.value().getClass().getName() + ", cannot be shared (" + ex.getMessage() +
                        ")";
                }
            }
            if (warnedLocals.add(holder == null ? e.local().getClass().getName() : holder.toString()))
            {
                System.err.println("ssi-java: node " + self + ": a thread-local of \"" + t.getName() + "\" (" +
                    (holder == null ? e.local().getClass().getName() : holder.owner() + "." + holder.field()) + ") " +
                    (to == self ? "is not kept by checkpoints" : "stays behind as it moves to node " + to) + ": " +
                    why);
            }
        }
        msg.putIntAt(countAt, count);
    }

    /** A captured thread as read from the wire (a move) or a checkpoint, not yet running here. */
    record Captured(long handle, ThreadTraits traits, Thread object, Arrival arrival)
    {
    }

    private void onMigrate(final int from, final long corr, final WireIn in)
    {
        final Captured c = readThread(in.getLong(), in);
        final long handle = c.handle();
        final String name = c.traits().name();
        final Arrival a = c.arrival();
        final Runner known = runners.get(handle);
        if (known != null && !known.away)
        {
            throw new WireException("thread \"" + name + "\" arrived on node " + self + " where it still runs");
        }
        if (known != null)
        {
            threads.movedHere(known.thread);
            known.inbox.add(a);
        }
        else
        {
            start(c);
        }
        node.sendReply(from, corr, node.reply());
    }

    /** Starts here, on a JVM thread of its own, a thread whose frames came here for the first time. */
    void start(final Captured c)
    {
        final Runner r = new Runner(c.handle(), null);
        r.first = c.arrival();
        synchronized (signalLock)
        {
            final boolean[] early = pendingSignals.remove(c.handle());
            if (early != null)
            {
                take(early, r.held);
            }
            runners.put(c.handle(), r);
        }
        threads.startArrived(c.handle(), c.traits(), r, c.object());
    }

    /** Reads a captured thread as {@link #writeThread} wrote it, after its handle. */
    Captured readThread(final long handle, final WireIn in)
    {
        final ThreadTraits traits = ThreadTraits.read(in);
        final String name = traits.name();
        final boolean interrupted = in.getBoolean();
        final int moves = in.getInt();
        final Object object = runtime.readValue(in);
        if (object != null && !(object instanceof Thread))
        {
            throw new WireException("thread \"" + name + "\" arrived as a " + object.getClass().getName());
        }
        final int waitKind = in.getByte();
        final long waitLeft = in.getLong();
        final Object waitTarget = runtime.readValue(in);
        final Continuation.Waiting waiting;
        try
        {
            waiting = waitKind == Continuation.Waiting.NONE ? Continuation.Waiting.NOTHING :
                new Continuation.Waiting(waitKind, waitTarget, waitLeft);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new WireException("thread \"" + name + "\": " + ex.getMessage());
        }
        final int count = in.getCount(MAX_FRAMES);
        if (count == 0)
        {
            throw new WireException("a moving thread with no frames");
        }
        final List<Frame> frames = new ArrayList<>(count);
        final Object[] receivers = new Object[count];
        for (int i = 0; i < count; i++)
        {
            final CapturableMethods.Method m = CapturableMethods.Method.named(in.getString(), in.getString(),
                in.getString(), in.getBoolean());
            final int site = in.getInt();
            final Object self = runtime.readValue(in);
            final long[] prims = new long[in.getCount(MAX_VALUES)];
            for (int j = 0; j < prims.length; j++)
            {
                prims[j] = in.getLong();
            }
            final Object[] refs = new Object[in.getCount(MAX_VALUES)];
            for (int j = 0; j < refs.length; j++)
            {
                refs[j] = runtime.readValue(in);
            }
            frames.add(Frame.of(m, site, self, prims, refs));
            receivers[i] = runtime.readValue(in);
        }
        if (!(receivers[count - 1] instanceof Runnable))
        {
            throw new WireException("a moving thread whose bottom is not a Runnable");
        }
        final ClassLoader loader = receivers[count - 1].getClass().getClassLoader();
        final int localCount = in.getCount(MAX_VALUES);
        final List<ThreadLocals.Entry> locals = new ArrayList<>(localCount);
        for (int i = 0; i < localCount; i++)
        {
            final ThreadLocals.Holder holder = new ThreadLocals.Holder(in.getString(), in.getString());
            final Object value = runtime.readValue(in);
            try
            {
                locals.add(new ThreadLocals.Entry(holder.resolve(loader), value));
            }
            catch (final IllegalStateException ex)
            {
                throw new WireException("thread \"" + name + "\": " + ex.getMessage());
            }
        }
        return new Captured(handle, traits, (Thread)object,
            new Arrival(Continuation.of(frames, receivers, waiting), interrupted, moves, locals));
    }
}
