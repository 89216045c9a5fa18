package io.ssijava.rt;

/**
 * The runtime facade that rewritten application code calls: the whole contract between the agent's bytecode and
 * the global object space, kept small and stable.
 * <p>
 * <b>State word.</b> Every object of a rewritten class carries one injected {@code int} field ({@link #STATE_FIELD},
 * and {@link #STATIC_STATE_FIELD} for a class's statics). {@code 0} means local: never seen by another node, no
 * trap. Otherwise the low bits name a metadata slot of this node and two flag bits say what must trap:
 * <ul>
 *     <li>{@link #RTRAP} (the sign bit): the cached copy is invalid; reads and writes fault it in first.</li>
 *     <li>{@link #WTRAP}: the copy is clean; the first write twins it and records it as dirty.</li>
 * </ul>
 * So the inlined read check is {@code state >= 0} and the write check is {@code (state & WTRAP) == 0}: one field
 * load and a compare, as the design asks. Everything else here is a slow path or a synchronization action.
 * <p>
 * Do not use -- for internal use only.
 */
public final class Ssi
{
    /** Internal name of this class, for the agent. */
    public static final String INTERNAL_NAME = "io/ssijava/rt/Ssi";
    /** Name of the injected instance state field. */
    public static final String STATE_FIELD = "__ssi_s";
    /** Name of the injected static state field. */
    public static final String STATIC_STATE_FIELD = "__ssi_ss";
    /** System property the agent sets (before any application class runs) when this JVM is a cluster node. */
    public static final String CLUSTER_PROPERTY = "ssi.cluster";
    /** Copy invalid: reads and writes trap. Also implies {@link #WTRAP}. */
    public static final int RTRAP = 0x80000000;
    /** Copy clean: writes trap. */
    public static final int WTRAP = 0x40000000;
    /** Bits of the metadata slot. */
    public static final int SLOT_MASK = 0x3FFFFFFF;

    /** Longest JVM-level wait on a local object in a cluster job before it re-checks whether it was shared. */
    private static final long LOCAL_WAIT_SLICE_MS = 50;

    /** Set once by the node runtime; null in a plain JVM, where nothing is ever shared. */
    static volatile Runtime runtime;

    /**
     * Whether {@link #monitorEntered} must look at shared monitors: set for good once a thread of this node has
     * left for another node inside a monitor ({@link #reserveMonitor}), a monitor kept for one came here, or the
     * token of a monitor homed here left for the first time (a thread that found the object still local just before
     * may be let into its JVM monitor after that). Not volatile, to keep monitorenter free of a barrier: it is set
     * before the monitor it concerns is unlocked (a moving thread's exit; the lock state's monitor on a grant; the
     * object's own monitor, which the first hand-over of an object holds, though not that of a class's statics), and
     * read just after a monitorenter.
     */
    private static boolean checkEntries;

    private Ssi()
    {
    }

    /**
     * Installs the node runtime. Called once at node start.
     *
     * @param rt the runtime.
     */
    public static void install(final Runtime rt)
    {
        runtime = rt;
    }

    /** @return the installed runtime or null. */
    public static Runtime runtime()
    {
        return runtime;
    }

    /** Read of an instance field of an object whose copy is invalid. */
    public static void readMiss(final Object o)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.readMiss(o);
        }
    }

    /** Write of an instance field of a shared object that is not yet dirty on this node. */
    public static void writeMiss(final Object o)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.writeMiss(o);
        }
    }

    /** Array read in code that cannot hold an {@link ArrayGuard} (interface methods): always the slow check. */
    public static void arrayRead(final Object array)
    {
        if (!ArrayGuard.ACTIVE)
        {
            return;
        }
        final Runtime rt = runtime;
        if (rt != null && array != null)
        {
            rt.arrayReadMiss(array);
        }
    }

    /** Array write in code that cannot hold an {@link ArrayGuard} (interface methods). */
    public static void arrayWrite(final Object array)
    {
        if (!ArrayGuard.ACTIVE)
        {
            return;
        }
        final Runtime rt = runtime;
        if (rt != null && array != null)
        {
            rt.arrayWriteMiss(array);
        }
    }

    /** Replaces {@link System#arraycopy}: the source is read and the destination written, both checked. */
    public static void arraycopy(final Object src, final int srcPos, final Object dst, final int dstPos,
        final int length)
    {
        final Runtime rt = runtime;
        if (rt != null && src != null && dst != null)
        {
            rt.arrayReadMiss(src);
            rt.arrayWriteMiss(dst);
        }
        System.arraycopy(src, srcPos, dst, dstPos, length);
    }

    /**
     * After {@code Object.clone()} of an application object: the copy is a new local object, so its state word,
     * copied from the original by the JVM, is reset.
     */
    public static Object cloned(final Object copy)
    {
        if (copy instanceof Managed)
        {
            ((Managed)copy).__ssi_state(0);
        }
        return copy;
    }

    /** Read of a static field whose class statics are invalid here. */
    public static void staticReadMiss(final Class<?> c)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.staticReadMiss(c);
        }
    }

    /** Write of a static field whose class statics are clean here. */
    public static void staticWriteMiss(final Class<?> c)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.staticWriteMiss(c);
        }
    }

    /**
     * After a write to a volatile field: a release. Only a write to a shared object has to be pushed out now;
     * writes reachable from local objects are flushed before any node can see them.
     *
     * @param state the state word of the written object (or class statics).
     */
    public static void volatileWritten(final int state)
    {
        if (state != 0)
        {
            final Runtime rt = runtime;
            if (rt != null)
            {
                rt.releaseShared();
            }
        }
    }

    /** Before {@code monitorenter}: takes the cluster lock of a shared object (no-op for local objects). */
    public static void monitorEnter(final Object o)
    {
        if (o instanceof Managed && ((Managed)o).__ssi_state() == 0)
        {
            return;
        }
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.monitorEnter(o);
        }
    }

    /**
     * After {@code monitorenter}: a thread that the JVM let into the monitor of a shared object, but that the
     * cluster lock did not admit (another thread left for another node inside it meanwhile), gives the JVM monitor
     * up until it is admitted. Free until some thread of this node has left inside a monitor.
     */
    public static void monitorEntered(final Object o)
    {
        if (!checkEntries || o instanceof Managed && ((Managed)o).__ssi_state() == 0)
        {
            return;
        }
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.monitorEntered(o);
        }
    }

    /** After {@code monitorexit}: gives the cluster lock back to a waiting node if any. */
    public static void monitorExit(final Object o)
    {
        if (o instanceof Managed && ((Managed)o).__ssi_state() == 0)
        {
            return;
        }
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.monitorExit(o);
        }
    }

    /**
     * Keeps o's monitor for the current thread, which leaves for node {@code to} while inside it (called for each
     * monitor its captured frames give up); it enters it again there before any other thread can.
     *
     * @param o  a monitor the thread holds.
     * @param to the node it moves to.
     */
    public static void reserveMonitor(final Object o, final int to)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            checkEntries = true;
            rt.reserveMonitor(o, to);
        }
    }

    /**
     * From now on, {@link #monitorEntered} looks at shared monitors (a monitor kept for a thread came here, or the
     * token of one homed here left for the first time).
     */
    public static void checkMonitorEntries()
    {
        checkEntries = true;
    }

    /**
     * Makes a thread that waits in {@link #await} on a shared object return at once, as if woken spuriously, so that
     * it can move; a thread that is about to wait does so when it starts.
     *
     * @param t the thread.
     */
    public static void yieldWait(final Thread t)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.yieldWait(t);
        }
    }

    /** Replaces {@link Object#wait()}. */
    public static void await(final Object o) throws InterruptedException
    {
        await(o, 0L, 0);
    }

    /** Replaces {@link Object#wait(long)}. */
    public static void await(final Object o, final long millis) throws InterruptedException
    {
        await(o, millis, 0);
    }

    /** Replaces {@link Object#wait(long, int)}. */
    public static void await(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        awaitMovable(o, millis, nanos);
    }

    /**
     * As {@link #await(Object, long, int)}, for a thread that may move while it waits (see {@link #yieldWait}).
     *
     * @return true if it stopped early only to move: it holds the monitor again, was not notified, and waits again
     * (wherever it is then) for the time that is left.
     */
    public static boolean awaitMovable(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        final Runtime rt = runtime;
        if (rt == null)
        {
            o.wait(millis, nanos);
            return false;
        }
        if (o instanceof Managed && ((Managed)o).__ssi_state() == 0)
        {
            // Local now, but it may become shared while we wait, and a notify from another node could not reach
            // a JVM-level waiter: wait in slices and return (a spurious wake-up, which wait() allows); the
            // caller's loop waits again, through the cluster if the object is shared by then.
            final long slice = LOCAL_WAIT_SLICE_MS;
            o.wait(millis == 0 ? slice : Math.min(millis, slice), millis == 0 || millis > slice ? 0 : nanos);
            if (((Managed)o).__ssi_state() != 0)
            {
                rt.adoptHeldMonitor(o);
            }
            return false;
        }
        return rt.awaitMovable(o, millis, nanos);
    }

    /** Replaces {@link Object#notify()}. */
    public static void notifyOne(final Object o)
    {
        final Runtime rt = runtime;
        if (rt == null || (o instanceof Managed && ((Managed)o).__ssi_state() == 0))
        {
            o.notify();
            return;
        }
        rt.notify(o, false);
    }

    /** Replaces {@link Object#notifyAll()}. */
    public static void notifyAll(final Object o)
    {
        final Runtime rt = runtime;
        if (rt == null || (o instanceof Managed && ((Managed)o).__ssi_state() == 0))
        {
            o.notifyAll();
            return;
        }
        rt.notify(o, true);
    }

    /**
     * Replaces {@link System#identityHashCode(Object)} and the {@code hashCode} inherited from {@code Object}:
     * the value is the one the object has on its home node, so identity-keyed hash tables move between nodes.
     */
    public static int identityHashCode(final Object o)
    {
        final Runtime rt = runtime;
        if (rt != null && o != null &&
            (o instanceof Managed ? ((Managed)o).__ssi_state() != 0 : o.getClass().isArray() || o.getClass() == Object.class))
        {
            return rt.identityHashCode(o);
        }
        return System.identityHashCode(o);
    }

    /**
     * Before {@code hashCode()} called where the static type is Object or an array: arrays and plain objects hash
     * by {@link #identityHashCode}, which must be the same on every node; everything else dispatches as usual.
     *
     * @throws NullPointerException if {@code o} is null, as the call would.
     */
    public static boolean hashesByIdentity(final Object o)
    {
        final Class<?> c = o.getClass();
        return c.isArray() || c == Object.class;
    }

    /** Start of a rewritten class initializer: true if the original initializer runs here. */
    public static boolean clinitStart(final Class<?> c)
    {
        final Runtime rt = runtime;
        return rt == null || rt.clinitStart(c);
    }

    /** End of an original class initializer that ran on this node. */
    public static void clinitDone(final Class<?> c)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.clinitDone(c);
        }
    }

    /** Values of the class's static fields (boxed, in declaration order) as initialized on the statics' home. */
    public static Object[] fetchStatics(final Class<?> c)
    {
        return runtime.fetchStatics(c);
    }

    /** End of a class initializer that took its values from the home. */
    public static void clinitFetched(final Class<?> c)
    {
        runtime.clinitFetched(c);
    }

    /** After a lambda is created at a rewritten invokedynamic site: lets the runtime rebuild it on another node. */
    public static Object lambdaCreated(final Object lambda, final int site)
    {
        final Runtime rt = runtime;
        if (rt != null)
        {
            rt.lambdaCreated(lambda, site);
        }
        return lambda;
    }

    /**
     * Replaces {@code Thread.start()} called on a thread: the thread may start on another node. A subclass that
     * overrides {@code start()} gets its override run, whose {@code super.start()} comes to {@link #threadStartSuper}.
     */
    public static void threadStart(final Thread t)
    {
        if (ThreadStarts.overridesStart(t.getClass()))
        {
            t.start();
            return;
        }
        threadStartSuper(t);
    }

    /**
     * Replaces {@code SharedThreadContainer.start(thread)}, by which a {@code ThreadPoolExecutor} of JDK 21 and later
     * starts its workers: they are placed like any other thread. The container does not list them (it only groups
     * threads in thread dumps).
     *
     * @param container the pool's thread container (a JDK-internal type).
     * @param t         the worker.
     */
    public static void containerStart(final Object container, final Thread t)
    {
        threadStart(t);
    }

    /** Replaces {@code super.start()} in an override of {@code Thread.start()}, and starts plain threads. */
    public static void threadStartSuper(final Thread t)
    {
        final Runtime rt = runtime;
        if (rt == null || t instanceof NodeLocalThread)
        {
            ThreadStarts.startThread(t);
            return;
        }
        rt.threadStart(t);
    }

    /**
     * What the program's {@code main} becomes: the original body, as a Runnable, runs as a movable thread. Without a
     * cluster it simply runs.
     */
    public static void runMain(final Runnable body)
    {
        final Runtime rt = runtime;
        if (rt == null)
        {
            body.run();
            return;
        }
        rt.runMain(body);
    }

    /**
     * What the {@code run()} of a subclass of Thread becomes: the original body, as a Runnable, runs as a thread
     * that can move when the JVM runs it as that thread. Without a cluster, or called as a plain method, it simply
     * runs.
     */
    public static void runThread(final Thread self, final Runnable body)
    {
        final Runtime rt = runtime;
        if (rt == null)
        {
            body.run();
            return;
        }
        rt.runThread(self, body);
    }

    /** The name of a thread the program makes without one (the agent passes it to the named constructor). */
    public static String threadName()
    {
        final Runtime rt = runtime;
        return rt == null ? ThreadNames.local() : rt.threadName();
    }

    /** Replaces {@link Thread#join()}. */
    public static void threadJoin(final Thread t) throws InterruptedException
    {
        threadJoin(t, 0L);
    }

    /** Replaces {@link Thread#join(long)}. */
    public static void threadJoin(final Thread t, final long millis) throws InterruptedException
    {
        final Runtime rt = runtime;
        if (rt == null)
        {
            t.join(millis);
            return;
        }
        rt.threadJoin(t, millis);
    }

    /** Replaces {@link Thread#isAlive()}. */
    public static boolean threadIsAlive(final Thread t)
    {
        final Runtime rt = runtime;
        return rt == null ? t.isAlive() : rt.threadIsAlive(t);
    }

    /** Replaces {@link Thread#interrupt()}: a thread running on another node is interrupted there. */
    public static void threadInterrupt(final Thread t)
    {
        final Runtime rt = runtime;
        if (rt == null || !rt.signalRemoteThread(t, true))
        {
            t.interrupt();
        }
    }

    /** Replaces {@link System#exit(int)} and {@link java.lang.Runtime#exit(int)}: ends the whole job. */
    public static void exit(final int status)
    {
        final Runtime rt = runtime;
        if (rt == null)
        {
            System.exit(status);
            return;
        }
        rt.exit(status);
    }
}
