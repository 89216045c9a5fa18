package io.ssijava.threads;

import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.SsiException;
import io.ssijava.dsm.ThreadRefs;
import io.ssijava.dsm.ThreadService;
import io.ssijava.dsm.WireException;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;
import io.ssijava.rt.Managed;
import io.ssijava.rt.ThreadStarts;
import io.ssijava.threads.cont.Continuation;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads of the cluster. {@code Thread.start()} asks the placement policy for a node; the thread then runs there as
 * a real JVM thread with the same name, daemon flag and priority: an application subclass of Thread is copied (its
 * fields stay shared), a plain Thread runs its shared Runnable. Node 0 keeps every thread's liveness, so that
 * {@code join} and {@code isAlive} answer from anywhere and node 0's JVM lives as long as the program would.
 * <p>
 * Starting a thread and a thread's end are releases: the starter's writes are visible to the new thread, and the
 * ended thread's writes to whoever joins it.
 * <p>
 * A plain Thread runs its Runnable under a continuation runner, so that it can move to another node while it runs
 * ({@link Migration}); {@link Balancer} moves threads from busy nodes to idle ones when asked to.
 */
public final class ClusterThreads implements ThreadService, ThreadRefs
{
    private final NodeRuntime runtime;
    private final Node node;
    private final int self;
    /** How often nodes exchange their loads and the balancer and placement policy decide. */
    private static final long PERIOD_MILLIS = Long.getLong("ssi.balance-period", 100L);
    private volatile Placement placement;
    private final Loads loads;
    private final ThreadRegistry registry;
    /** Handle of every thread object this node knows as a cluster thread. */
    private final Map<Thread, Long> handles = Collections.synchronizedMap(new WeakHashMap<>());
    private final ThreadProxies proxies = new ThreadProxies();
    /**
     * Threads of the program running here (main on node 0, and every thread started as a cluster thread). Only they
     * place the threads they start: a thread that the JDK or the runtime starts for itself (a process reaper, a
     * CompletableFuture's helper started from one) stays on its node.
     */
    private final Set<Thread> applicationThreads = Collections.synchronizedSet(
        Collections.newSetFromMap(new WeakHashMap<>()));
    /** Thread objects here that stand for a thread running on another node, and that node. */
    private final Map<Thread, Integer> remoteNode = Collections.synchronizedMap(new WeakHashMap<>());
    private final Migration migration;
    private final ThreadDirectory directory;
    /**
     * Node 0's main thread. It gets a cluster handle and can move once the program's main method runs through
     * {@link #runMain}; until then (or if the main class was not rewritten) it has none.
     */
    private final Thread main;
    private boolean mainRuns;
    /** Node 0: the program's main method has begun, with its handle registered (or it is being restored). */
    private volatile boolean mainStarted;
    private final ExecutorService watchers = Executors.newCachedThreadPool(r ->
    {
        final Thread t = new io.ssijava.rt.NodeLocalThread(r, "ssi-thread-watcher");
        t.setDaemon(true);
        return t;
    });

    public ClusterThreads(final NodeRuntime runtime, final Placement placement)
    {
        this.runtime = runtime;
        this.node = runtime.node();
        this.self = node.self();
        this.placement = placement;
        this.loads = new Loads(self, node.nodeCount(), PERIOD_MILLIS);
        this.registry = self == 0 ? new ThreadRegistry() : null;
        if (!ThreadIds.numberFrom(self))
        {
            System.err.println("ssi-java: node " + self + ": cannot number threads apart from other nodes' " +
                "(no access to jdk.internal.misc): threads made here may share ids with threads made elsewhere");
        }
        this.main = self == 0 ? Thread.currentThread() : null;
        if (main != null)
        {
            applicationThreads.add(main); // built in premain, on the thread that goes on to run main
        }
        this.migration = new Migration(this, runtime);
        this.directory = new ThreadDirectory(this, node);
        node.register(ThreadMessages.START, this::onStart);
        node.register(ThreadMessages.SIGNAL, this::onSignal);
        node.register(ThreadMessages.START_THERE, this::onStartThere);
        node.register(ThreadMessages.THREAD_NAME, (from, corr, in) ->
            node.sendReply(from, corr, node.reply().putString(io.ssijava.rt.ThreadNames.cluster())));
        // before the node connects: another node's balancer may report its load before this one's starts
        node.register(ThreadMessages.LOAD, (from, corr, in) -> loads.report(from, in.getInt()));
        node.register(ThreadMessages.POLICY, (from, corr, in) ->
            this.placement = Placement.named(in.getString(), node.nodeCount()));
        node.faultObserver(migration::faulted);
        if (registry != null)
        {
            node.register(ThreadMessages.REGISTER, (from, corr, in) ->
            {
                registry.register(in.getLong(), in.getBoolean());
                node.sendReply(from, corr, node.reply());
            });
            node.register(ThreadMessages.ENDED, (from, corr, in) -> registry.ended(in.getLong()));
            node.register(ThreadMessages.JOIN, (from, corr, in) ->
            {
                final boolean ended = registry.awaitEnd(in.getLong(), in.getLong());
                node.sendReply(from, corr, node.reply().putBoolean(ended));
            });
            node.register(ThreadMessages.ALIVE, (from, corr, in) ->
                node.sendReply(from, corr, node.reply().putBoolean(registry.isAlive(in.getLong()))));
        }
    }

    // ---------------------------------------------------------------- start

    @Override
    public void start(final Thread t)
    {
        if (!applicationThreads.contains(Thread.currentThread()) || isSystemThread(t))
        {
            ThreadStarts.startThread(t);
            return;
        }
        final Integer madeOn = remoteNode.get(t);
        if (madeOn != null && madeOn != self && !(t instanceof Managed))
        {
            startWhereMade(t, madeOn);
            return;
        }
        place(t);
    }

    /**
     * Starts a thread object that stands here for one the program made on another node (a thread that moved since
     * it made it, or that was handed it): that node holds what it runs, and starts it.
     */
    private void startWhereMade(final Thread t, final int madeOn)
    {
        final Long handle = handles.get(t);
        synchronized (handles)
        {
            if (handle == null || started.containsKey(t))
            {
                throw new IllegalThreadStateException();
            }
            markStarted(t);
        }
        final WireIn reply = node.call(madeOn, node.message(ThreadMessages.START_THERE).putLong(handle));
        if (!reply.getBoolean())
        {
            throw new IllegalThreadStateException(); // it had started already
        }
    }

    /** At the node a thread object was made on: start it, for a thread of the program on another node. */
    private void onStartThere(final int from, final long corr, final WireIn in)
    {
        final Thread t = proxies.get(in.getLong());
        final boolean ok = t != null && !remoteNode.containsKey(t) && handleOf(t) != -1;
        if (ok)
        {
            place(t);
        }
        node.sendReply(from, corr, node.reply().putBoolean(ok));
    }

    /** Starts a thread of the program on the node the placement policy names. */
    private void place(final Thread t)
    {
        final long handle = handleOf(t);
        if (handle == -1)
        {
            throw new IllegalThreadStateException();
        }
        final int target = placement.place(self, loads);
        if (target == self)
        {
            register(handle, t.isDaemon());
            proxies.put(handle, t);
            applicationThreads.add(t);
            if (!(t instanceof Managed))
            {
                final Runnable body = RunnableOf.get(t);
                if (body != null)
                {
                    final Migration.Runner r = migration.runner(handle, body);
                    r.thread = t;
                    RunnableOf.set(t, r);
                }
            }
            else
            {
                migration.expect(handle);
            }
            ThreadStarts.startThread(t);
            watch(t, handle);
            return;
        }
        runtime.release();
        final WireOut msg = node.message(ThreadMessages.START).putLong(handle);
        ThreadTraits.of(t).write(msg);
        if (t instanceof Managed)
        {
            msg.putByte(ThreadMessages.KIND_THREAD_OBJECT);
            runtime.writeValue(msg, t);
        }
        else
        {
            msg.putByte(ThreadMessages.KIND_RUNNABLE);
            try
            {
                runtime.writeValue(msg, RunnableOf.get(t));
            }
            catch (final SsiException ex)
            {
                throw new SsiException("cannot start thread \"" + t.getName() + "\" on node " + target + ": " +
                    ex.getMessage(), ex);
            }
        }
        markStarted(t);
        remoteNode.put(t, target);
        proxies.put(handle, t);
        node.call(target, msg);
    }

    /**
     * Runs the program's main method on node 0's main thread as a movable thread: with a handle, a runner and an
     * entry in the registry, like a started thread. If main ends on another node, this returns then; if it ended
     * there by an exception (which that node reported), the JVM still exits with status 1, as after an uncaught
     * exception in main, without reporting it twice.
     */
    @Override
    public void runMain(final Runnable body)
    {
        if (Thread.currentThread() != main || mainRuns)
        {
            body.run(); // main called again by the program, or on a worker node
            return;
        }
        mainRuns = true;
        if (restoredMain != NOT_RESTORED)
        {
            mainStarted = true;
            awaitRestoredMain(restoredMain);
            return;
        }
        final long handle = handleFor(main);
        registry.register(handle, main.isDaemon());
        mainStarted = true;
        final Migration.Runner r = migration.runnerOf(main, handle, body);
        try
        {
            r.run();
        }
        finally
        {
            if (!migration.ended(handle))
            {
                registry.ended(handle); // else the node it ended on reports it
            }
        }
        if (r.threwElsewhere)
        {
            main.setUncaughtExceptionHandler((t, e) -> { });
            throw new MainEndedElsewhere();
        }
    }

    /**
     * @return on node 0, whether the program's main method has begun: a checkpoint taken before it would hold no
     *         thread, and its restore would run nothing
     */
    public boolean mainStarted()
    {
        return mainStarted;
    }

    /**
     * Runs the {@code run()} of a subclass of Thread as a movable thread, when the JVM runs it as the thread of the
     * program it is (started as a cluster thread here, or arrived here by a move); otherwise it simply runs.
     */
    @Override
    public void runThread(final Thread self, final Runnable body)
    {
        final Long handle = Thread.currentThread() == self ? handles.get(self) : null;
        if (handle == null || Continuation.inBody())
        {
            body.run();
            return;
        }
        migration.runThreadObject(self, handle, body);
    }

    @Override
    public String threadName()
    {
        return self == 0 ? io.ssijava.rt.ThreadNames.cluster() :
            node.call(0, node.message(ThreadMessages.THREAD_NAME)).getString();
    }

    // ---------------------------------------------------------------- restore from a checkpoint

    private static final long NOT_RESTORED = Long.MIN_VALUE;
    /** Node 0 of a restored job: the handle of the program's main thread, -1 if it had ended; else NOT_RESTORED. */
    private volatile long restoredMain = NOT_RESTORED;

    /**
     * What node 0 keeps of the program's threads beside them in a checkpoint: main's handle (-1 once main has ended)
     * and the count of default thread names given; other nodes write -1 and 0.
     */
    public void writeState(final WireOut out)
    {
        long mainHandle = -1;
        if (registry != null)
        {
            final Long h = handles.get(main);
            mainHandle = mainRuns && h != null && registry.isAlive(h) ? h : -1;
        }
        out.putLong(mainHandle).putInt(self == 0 ? io.ssijava.rt.ThreadNames.clusterCount() : 0);
    }

    /**
     * Restores what {@link #writeState} wrote on node 0: call on node 0 before the program's main runs, which then
     * does not run main again but waits, as the JVM's main thread, for the restored one to end.
     */
    public void restoreState(final WireIn in)
    {
        final long mainHandle = in.getLong();
        final int names = in.getInt();
        if (self == 0)
        {
            io.ssijava.rt.ThreadNames.restoreClusterCount(names);
            restoredMain = mainHandle;
        }
    }

    /** Node 0 of a restored job: the JVM's main thread stands for the restored main until it ends. */
    private void awaitRestoredMain(final long handle)
    {
        if (handle < 0)
        {
            return; // main had ended: the restored threads keep the job alive (registry)
        }
        while (true)
        {
            try
            {
                registry.awaitEnd(handle, 0);
                return;
            }
            catch (final InterruptedException ex)
            {
                // the program's main is the restored thread: an interrupt of this one means nothing to it
            }
        }
    }

    /** @return what brings back this node's threads of a checkpoint. */
    public ThreadRestore restoring()
    {
        return new ThreadRestore(this, migration, runtime);
    }

    /**
     * Starts here a subclass of Thread that a checkpoint holds before it ran: its run() takes a runner of its own
     * ({@link #runThread}).
     */
    void startRestoredObject(final Thread t, final long handle, final ThreadTraits traits, final boolean interrupted)
    {
        handles.put(t, handle);
        proxies.put(handle, t);
        remoteNode.remove(t);
        traits.applyTo(t);
        markStarted(t);
        applicationThreads.add(t);
        migration.expect(handle);
        ThreadRestore.interruptIf(t, interrupted);
        ThreadStarts.startThread(t);
        watch(t, handle);
    }

    /** The exit status of a main that ended by an exception on another node. */
    private static final class MainEndedElsewhere extends RuntimeException
    {
        MainEndedElsewhere()
        {
            super("main ended by an exception on another node", null, false, false);
        }
    }

    /** A JDK system thread (system thread group, or an innocuous thread) belongs to the JDK of this node. */
    private static boolean isSystemThread(final Thread t)
    {
        final ThreadGroup g = t.getThreadGroup();
        return g != null && g.getParent() == null || t.getClass().getName().equals("jdk.internal.misc.InnocuousThread");
    }

    /** A started thread object may not be started again, as on one JVM. */
    private final Map<Thread, Boolean> started = Collections.synchronizedMap(new WeakHashMap<>());

    private void markStarted(final Thread t)
    {
        started.put(t, Boolean.TRUE);
    }

    private long handleOf(final Thread t)
    {
        synchronized (handles)
        {
            if (started.containsKey(t) || t.isAlive())
            {
                return -1;
            }
            Long h = handles.get(t);
            if (h == null)
            {
                h = t instanceof Managed ? runtime.share(t) : runtime.newGlobalId();
                handles.put(t, h);
            }
            return h;
        }
    }

    void register(final long handle, final boolean daemon)
    {
        if (self == 0)
        {
            registry.register(handle, daemon);
        }
        else
        {
            node.call(0, node.message(ThreadMessages.REGISTER).putLong(handle).putBoolean(daemon));
        }
    }

    private void watch(final Thread t, final long handle)
    {
        node.stats().threadsRun.incrementAndGet();
        watchers.execute(() ->
        {
            boolean joined = false;
            while (!joined)
            {
                try
                {
                    t.join();
                    joined = true;
                }
                catch (final InterruptedException ex)
                {
                    if (node.isClosing())
                    {
                        return;
                    }
                }
            }
            if (migration.ended(handle))
            {
                return; // a stand-in: the thread ended on the node it had moved to, which reports it
            }
            node.stats().threadsEnded.incrementAndGet();
            try
            {
                runtime.release();
            }
            finally
            {
                if (self == 0)
                {
                    registry.ended(handle);
                }
                else if (!node.isClosing())
                {
                    node.send(0, node.message(ThreadMessages.ENDED).putLong(handle));
                }
            }
        });
    }

    private void onStart(final int from, final long corr, final WireIn in)
    {
        final long handle = in.getLong();
        final ThreadTraits traits = ThreadTraits.read(in);
        final byte kind = in.getByte();
        final Thread t;
        if (kind == ThreadMessages.KIND_THREAD_OBJECT)
        {
            final Object copy = runtime.readValue(in);
            if (!(copy instanceof Thread))
            {
                throw new SsiException("thread start for a non-thread object");
            }
            t = (Thread)copy;
            proxies.put(handle, t);
            migration.expect(handle);
        }
        else
        {
            final Object r = runtime.readValue(in);
            if (r != null && !(r instanceof Runnable))
            {
                throw new SsiException("thread start with a non-Runnable target " + r.getClass().getName());
            }
            final Migration.Runner runner = r == null ? null : migration.runner(handle, (Runnable)r);
            // a reference to the thread may have come here before it started
            t = threadHere(handle, null, runner, traits.name());
            if (runner != null)
            {
                runner.thread = t;
            }
        }
        traits.applyTo(t);
        handles.put(t, handle);
        register(handle, traits.daemon());
        markStarted(t);
        applicationThreads.add(t);
        ThreadStarts.startThread(t);
        watch(t, handle);
        node.sendReply(from, corr, node.reply());
    }

    // ---------------------------------------------------------------- migration

    /**
     * Asks a thread of the program that runs on this node to move to another node. It moves at its next safe point
     * where no frame of code that was not rewritten (the JDK's) is on its stack, with the monitors it holds.
     *
     * @param t  the thread.
     * @param to the target node.
     * @return false if the thread does not run here or cannot move (main, a Thread subclass, a JDK thread).
     */
    public boolean move(final Thread t, final int to)
    {
        final Long handle = handles.get(t);
        return handle != null && migration.move(handle, to);
    }

    /** @return the threads of the program that run on this node now and can move. */
    public java.util.List<Thread> movableThreads()
    {
        final java.util.List<Thread> out = new java.util.ArrayList<>();
        for (final long h : migration.runningHere())
        {
            final Thread t = proxies.get(h);
            if (t != null)
            {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Keeps moving every movable thread to the next node, every {@code periodMillis}: a test of migration under a
     * real program ({@code -Dssi.migrate-every=MS}).
     *
     * @param periodMillis the period.
     */
    public void moveContinuously(final long periodMillis)
    {
        final Thread mover = new io.ssijava.rt.NodeLocalThread(() ->
        {
            while (!node.isClosing())
            {
                try
                {
                    Thread.sleep(periodMillis);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (final Thread t : movableThreads())
                {
                    move(t, (self + 1) % node.nodeCount());
                }
            }
        }, "ssi-mover");
        mover.setDaemon(true);
        mover.start();
    }

    /**
     * Starts telling the other nodes this node's load every period ({@code -Dssi.balance-period=MS}, 100 ms), and
     * moving threads where the placement policy asks and, with {@code balance}, from busy nodes to idle ones (see
     * {@link Balancer}). Called once the node is connected.
     *
     * @param balance whether to even out the loads.
     */
    public void schedule(final boolean balance)
    {
        if (node.nodeCount() > 1)
        {
            new Balancer(this, node, loads, PERIOD_MILLIS, balance).start();
        }
    }

    /** @return the placement policy in use. */
    public Placement placement()
    {
        return placement;
    }

    /**
     * Switches every node of the job to another placement policy.
     *
     * @param name one of {@link Placement#NAMES}.
     * @throws IllegalArgumentException for an unknown name.
     */
    public void placement(final String name)
    {
        this.placement = Placement.named(name, node.nodeCount());
        for (int n = 0; n < node.nodeCount(); n++)
        {
            if (n != self)
            {
                node.send(n, node.message(ThreadMessages.POLICY).putString(name));
            }
        }
    }

    /** @return the job's threads as the control commands show them. */
    public ThreadDirectory directory()
    {
        return directory;
    }

    Loads loads()
    {
        return loads;
    }

    /** @return the threads of the program that run here now (not the stand-ins of threads that moved away). */
    List<ThreadDirectory.ThreadInfo> threadsHere()
    {
        final List<Thread> snapshot;
        synchronized (applicationThreads)
        {
            snapshot = new ArrayList<>(applicationThreads);
        }
        final List<ThreadDirectory.ThreadInfo> out = new ArrayList<>();
        for (final Thread t : snapshot)
        {
            final Thread.State state = t.getState();
            final Long handle = handles.get(t);
            if (state == Thread.State.NEW || state == Thread.State.TERMINATED || (handle == null && t != main) ||
                handle != null && migration.isAway(handle))
            {
                continue;
            }
            final boolean movable = handle != null && migration.knows(handle);
            String note = "";
            if (movable && migration.moving(handle))
            {
                final String pin = io.ssijava.threads.cont.Continuation.pinnedBy(t);
                note = "moving" + (pin == null ? "" : ", pinned by " + pin);
            }
            else if (movable && migration.refused(handle) != null)
            {
                note = ThreadDirectory.REFUSED + migration.refused(handle);
            }
            out.add(new ThreadDirectory.ThreadInfo(handle == null ? ThreadDirectory.MAIN_ID : handle, self,
                t.getName(), state.toString(), movable, note));
        }
        return out;
    }

    /** @return the thread of the program with this id that runs here, or null. */
    Thread runningHere(final long id)
    {
        if (id == ThreadDirectory.MAIN_ID)
        {
            return main;
        }
        final Thread t = proxies.get(id);
        return t != null && t.isAlive() && !migration.isAway(id) ? t : null;
    }

    /** @return why a thread of the program cannot move, in words. */
    String whyNotMovable(final Thread t)
    {
        if (t == main)
        {
            return "it is the program's main thread, and its main method was not rewritten to run as one that moves";
        }
        if (t instanceof Managed)
        {
            return "it is a subclass of Thread whose run() was not rewritten to run as a body that moves";
        }
        return "it runs JDK code that cannot be captured, or no Runnable";
    }

    /** @return how many threads of the program run here and are not waiting. */
    int busyThreads()
    {
        int busy = 0;
        synchronized (applicationThreads)
        {
            for (final Thread t : applicationThreads)
            {
                final Thread.State s = t.getState();
                if (s == Thread.State.RUNNABLE || s == Thread.State.BLOCKED)
                {
                    busy++;
                }

            }
        }
        return busy;
    }

    /** @return whether the thread was asked to move and its target has not yet taken it. */
    boolean moving(final Thread t)
    {
        final Long handle = handles.get(t);
        return handle != null && migration.moving(handle);
    }

    /** Withdraws a request to move that the thread has not yet acted on (it is pinned, or waits). */
    void cancelMove(final Thread t)
    {
        final Long handle = handles.get(t);
        if (handle != null)
        {
            migration.cancelMove(handle);
        }
    }

    /** @return the thread's remote faults by home node since the last call, or null if it does not run here. */
    int[] takeFaults(final Thread t)
    {
        final Long handle = handles.get(t);
        return handle == null ? null : migration.takeFaults(handle);
    }

    void movedAway(final Thread t, final int to)
    {
        remoteNode.put(t, to);
    }

    void movedHere(final Thread t)
    {
        remoteNode.remove(t);
    }

    /**
     * Starts a checkpoint's pause on this node: the program's threads here stop at their next safe points that hold
     * no monitor, and wait there until {@link ThreadPause#resume}.
     *
     * @param files the open files the checkpoint keeps (a thread whose frames hold one can stop), or null.
     * @throws IllegalStateException if a pause is on already.
     */
    public ThreadPause pause(final io.ssijava.dsm.ExternalValues files)
    {
        return migration.pause(files);
    }

    /** Sends a wake-up or interrupt after a thread of the program that runs on node {@code to}. */
    void sendSignal(final int to, final long handle, final boolean interrupt)
    {
        node.send(to, node.message(ThreadMessages.SIGNAL).putLong(handle).putBoolean(interrupt));
    }

    /**
     * Starts, for a thread that moved here for the first time, the JVM thread that runs it here: the object this
     * node already uses for it if that one never ran, else a new one.
     */
    Thread startArrived(final long handle, final ThreadTraits traits, final Migration.Runner runner,
        final Thread object)
    {
        final Thread t = threadHere(handle, object, runner, traits.name());
        handles.put(t, handle);
        traits.applyTo(t);
        runner.thread = t;
        markStarted(t);
        applicationThreads.add(t);
        ThreadStarts.startThread(t);
        watch(t, handle);
        return t;
    }

    /**
     * The JVM thread that runs a thread of the program on this node, where it starts or arrives for the first time:
     * a subclass of Thread's copy here ({@code object}, whose run() takes the runner, see runThreadObject); else the
     * object this node knows the thread by (the one started elsewhere, or a stand-in made when a reference to it
     * came first) if it never ran, so that identity holds for everything here that refers to it; else a new one.
     * Chosen in one step against the decoding of the handle on other threads (another thread's frames arriving at
     * the same time): a stand-in made meanwhile and then replaced would be a dead thread to the code that holds it.
     *
     * @param runner what the thread runs (null: nothing, a thread started without a target).
     */
    private Thread threadHere(final long handle, final Thread object, final Runnable runner, final String name)
    {
        final Thread t = proxies.compute(handle, known ->
        {
            if (object != null && object.getState() == Thread.State.NEW)
            {
                return object;
            }
            if (known != null && known.getState() == Thread.State.NEW && !(known instanceof Managed))
            {
                RunnableOf.set(known, runner);
                return known;
            }
            return new Thread(runner, name);
        });
        remoteNode.remove(t);
        return t;
    }

    // ---------------------------------------------------------------- join / isAlive

    @Override
    public void join(final Thread t, final long millis) throws InterruptedException
    {
        if (millis < 0)
        {
            throw new IllegalArgumentException("timeout value is negative");
        }
        final Long handle = clusterHandle(t);
        if (handle == null)
        {
            t.join(millis);
            return;
        }
        if (self == 0)
        {
            registry.awaitEnd(handle, millis);
            return;
        }
        node.call(0, node.message(ThreadMessages.JOIN).putLong(handle).putLong(millis));
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
    }

    @Override
    public boolean isAlive(final Thread t)
    {
        final Long handle = clusterHandle(t);
        if (handle == null)
        {
            return t.isAlive();
        }
        if (self == 0)
        {
            return registry.isAlive(handle);
        }
        return node.call(0, node.message(ThreadMessages.ALIVE).putLong(handle)).getBoolean();
    }

    /**
     * The handle of a thread of the program as this node knows it: from the thread objects it started, ran or stands
     * for, or, for a subclass of Thread that is shared and does not run here, its global id (its handle wherever it
     * runs: on a node it moved to, or after a restore). Null: a thread of this node only.
     */
    private Long clusterHandle(final Thread t)
    {
        final Long h = handles.get(t);
        if (h != null || !(t instanceof Managed) || t.isAlive() || !runtime.isShared(t))
        {
            return h;
        }
        return runtime.share(t);
    }

    // ---------------------------------------------------------------- thread objects on the wire

    /** The thread's handle, made on first use for a thread object of this node. */
    private long handleFor(final Thread t)
    {
        synchronized (handles)
        {
            Long h = handles.get(t);
            if (h == null)
            {
                h = runtime.newGlobalId();
                handles.put(t, h);
            }
            // decoding the handle here must give back this very thread
            proxies.putIfAbsent(h, t);
            return h;
        }
    }

    @Override
    public void write(final WireOut out, final Thread t)
    {
        final long handle = handleFor(t);
        final Integer where = remoteNode.get(t);
        out.putLong(handle).putString(t.getName()).putLong(t.getId()).putInt(where != null ? where : self);
    }

    @Override
    public Thread read(final WireIn in)
    {
        final long handle = in.getLong();
        final String name = in.getString();
        final long id = in.getLong();
        final int said = in.getInt();
        final int where;
        try
        {
            where = runtime.nodeOf(said); // as restored, in a job restored on fewer nodes
        }
        catch (final WireException ex)
        {
            throw new WireException("thread " + name + " said to run on node " + said);
        }
        return proxies.computeIfAbsent(handle, h ->
        {
            final Thread proxy = new Thread(name);
            ThreadIds.adopt(proxy, id);
            handles.put(proxy, h);
            remoteNode.put(proxy, where);
            return proxy;
        });
    }

    // ---------------------------------------------------------------- unpark and interrupt across nodes

    @Override
    public boolean signal(final Thread t, final boolean interrupt)
    {
        final Integer where = remoteNode.get(t);
        final Long handle = where == null || where == self ? null : handles.get(t);
        if (handle == null || migration.knows(handle) && !applicationThreads.contains(Thread.currentThread()))
        {
            // it runs here, or is no thread of the program; or a wake-up of the runtime's own for a thread that moves
            // (the reply it waits for as it leaves, the arrival its stand-in waits for), which is for the JVM thread
            // here
            if (!interrupt)
            {
                return false;
            }
            Continuation.interrupt(t);
            return true;
        }
        node.send(where, node.message(ThreadMessages.SIGNAL).putLong(handle).putBoolean(interrupt));
        return true;
    }

    private void onSignal(final int from, final long corr, final WireIn in)
    {
        final long handle = in.getLong();
        final boolean interrupt = in.getBoolean();
        final Thread t = proxies.get(handle);
        final Integer where = t == null ? null : remoteNode.get(t);
        if (where != null && where != self && where != from)
        {
            // it moved on: pass the signal after it
            node.send(where, node.message(ThreadMessages.SIGNAL).putLong(handle).putBoolean(interrupt));
            return;
        }
        if (migration.knows(handle) || t == null || where != null)
        {
            // a thread that moves: here, or on its way here
            migration.signal(handle, interrupt);
            return;
        }
        if (interrupt)
        {
            Continuation.interrupt(t);
        }
        else
        {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    /** Reads the Runnable a plain Thread was created with (the field moved between JDK 17 and 21). */
    static final class RunnableOf
    {
        private static final Field TARGET;
        private static final Field HOLDER;
        private static final Field HOLDER_TASK;

        static
        {
            Field target = null;
            Field holder = null;
            Field task = null;
            try
            {
                target = Thread.class.getDeclaredField("target");
                target.setAccessible(true);
            }
            catch (final ReflectiveOperationException | RuntimeException ex)
            {
                try
                {
                    holder = Thread.class.getDeclaredField("holder");
                    holder.setAccessible(true);
                    task = holder.getType().getDeclaredField("task");
                    task.setAccessible(true);
                }
                catch (final ReflectiveOperationException | RuntimeException ex2)
                {
                    holder = null;
                    task = null;
                }
            }
            TARGET = target;
            HOLDER = holder;
            HOLDER_TASK = task;
        }

        static Runnable get(final Thread t)
        {
            try
            {
                if (TARGET != null)
                {
                    return (Runnable)TARGET.get(t);
                }
                if (HOLDER != null)
                {
                    return (Runnable)HOLDER_TASK.get(HOLDER.get(t));
                }
            }
            catch (final IllegalAccessException ex)
            {
                throw new SsiException("cannot read the Runnable of thread " + t.getName(), ex);
            }
            throw new SsiException("cannot read the Runnable of thread " + t.getName() +
                ": java.lang is not open to ssi-java on this JDK");
        }

        /** Replaces the Runnable of a thread that has not started. */
        static void set(final Thread t, final Runnable r)
        {
            try
            {
                if (TARGET != null)
                {
                    TARGET.set(t, r);
                    return;
                }
                if (HOLDER != null)
                {
                    HOLDER_TASK.set(HOLDER.get(t), r);
                    return;
                }
            }
            catch (final IllegalAccessException ex)
            {
                throw new SsiException("cannot set the Runnable of thread " + t.getName(), ex);
            }
            throw new SsiException("cannot set the Runnable of thread " + t.getName() +
                ": java.lang is not open to ssi-java on this JDK");
        }
    }
}
