package io.ssijava.dsm;

import io.ssijava.rt.Runtime;
import io.ssijava.rt.Ssi;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Runtime} behind the facade on a clustered node: routes slow paths to the object space, monitors to the
 * cluster locks, thread operations to the {@link ThreadService}, and runs each class initializer once in the
 * cluster (on node 0, the home of all statics).
 */
public final class NodeRuntime implements Runtime
{
    /** Node that homes every class's statics and runs every class initializer. */
    public static final int STATICS_HOME = 0;

    private final Node node;
    private final ObjectSpace space;
    private final Locks locks;
    private final Atomics atomics;
    private final HomeCallService homeCalls;
    private volatile ThreadService threads;
    private final Map<Class<?>, Object[]> fetchedStatics = new ConcurrentHashMap<>();
    private final Map<Class<?>, Long> fetchedGids = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public NodeRuntime(final Node node)
    {
        this.node = node;
        this.space = node.space();
        this.locks = node.locks();
        node.register(MessageTypes.CLASS_INIT, this::serveClassInit);
        this.atomics = new Atomics(node);
        this.homeCalls = new HomeCallService(node);
    }

    public void threads(final ThreadService threads)
    {
        this.threads = threads;
    }

    public void threadRefs(final ThreadRefs refs)
    {
        space.threadRefs = refs;
    }

    public Node node()
    {
        return node;
    }

    // ---------------------------------------------------------------- services for the threads module

    /** Encodes a value for another node (sharing what it references). */
    public void writeValue(final WireOut out, final Object value)
    {
        space.codec.writeValue(out, value);
    }

    /**
     * Runs {@code body} with the open files of {@code files} kept by what it writes on this thread (a checkpoint's
     * capture of its threads and homes, and its check of a thread's frames): each is written as an index into that
     * table instead of being refused as a value that cannot be shared.
     */
    public <T> T writingExternals(final ExternalValues files, final java.util.function.Supplier<T> body)
    {
        final ExternalValues before = ObjectSpace.WRITING_EXTERNALS.get();
        ObjectSpace.WRITING_EXTERNALS.set(files);
        try
        {
            return body.get();
        }
        finally
        {
            if (before == null)
            {
                ObjectSpace.WRITING_EXTERNALS.remove(); // an entry left in the map would pass for the program's
            }
            else
            {
                ObjectSpace.WRITING_EXTERNALS.set(before);
            }
        }
    }

    /**
     * The job takes checkpoints: the object space keeps a list of the entities homed here that changed since the
     * last one, so that an incremental checkpoint costs what changed, not what is homed here.
     */
    public void trackChangesForCheckpoints()
    {
        space.trackChangedHomes();
    }

    /** The open files of the checkpoint being restored, reopened as the restored threads and objects refer to them. */
    public void restoreExternals(final ExternalValues files)
    {
        space.restoredExternals = files;
    }

    /** Decodes a value from another node. */
    public Object readValue(final WireIn in)
    {
        return space.codec.readValue(in);
    }

    /**
     * Writes every object, array and class's statics homed on this node, with its state, for a checkpoint (see
     * {@code ObjectSpace.writeHomes}); call while the program's threads are held and after every node released.
     *
     * @param onlyChanged only those that changed since the last call (an incremental checkpoint).
     * @param images      if not null, receives each one's bytes by global id.
     * @return how many were written.
     */
    public long writeHomes(final WireOut out, final boolean onlyChanged, final java.util.Map<Long, byte[]> images)
    {
        return space.writeHomes(out, onlyChanged, images);
    }

    /** @return every entity homed here as a checkpoint writes it, by global id (checks of incremental ones). */
    public java.util.Map<Long, byte[]> homeImages()
    {
        return space.homeImages();
    }

    /** @return the highest sequence number this node has handed out for global ids (a checkpoint keeps it). */
    public long sequence()
    {
        return space.sequence();
    }

    /**
     * Restoring a checkpoint, before the node starts: the entities this node brings back as their home. Until
     * {@link #fillRestoredHomes} they are made as they are referred to; a class's statics wait for its initializer.
     */
    public void restoreHomes(final HomeImages images)
    {
        space.restoreSequence(images.highestSeq());
        space.restoring = new HomeRestore(space, images);
    }

    /**
     * Restoring a checkpoint, once every node has started: gives every restored entity its fields or elements; node 0
     * then initializes every class whose statics the checkpoint holds, which takes them instead of running again.
     *
     * @throws SsiException if a class of the checkpoint is missing or changed.
     */
    public void fillRestoredHomes()
    {
        final HomeRestore r = space.restoring;
        if (r == null)
        {
            return;
        }
        r.fill();
        if (node.self() == STATICS_HOME)
        {
            for (final String name : r.staticsClasses())
            {
                try
                {
                    Class.forName(name, true, space.classes.loader());
                }
                catch (final ClassNotFoundException ex)
                {
                    throw new SsiException("the checkpoint holds the statics of " + name + ", which the job's class " +
                        "path does not have", ex);
                }
            }
        }
        space.restoring = null;
    }

    /**
     * Restoring a checkpoint of a job of {@code formerNodes} nodes, before the node starts: where that job had more
     * nodes than this one, what was homed on a node this job lacks is homed on the node that takes its part
     * ({@link #nodeOf}).
     */
    public void restoringFrom(final int formerNodes)
    {
        space.formerNodes = formerNodes;
    }

    /** @return the node of this job that took the part of node {@code former} of the job it was restored from. */
    public int nodeOf(final int former)
    {
        if (former < 0 || former >= Math.max(space.formerNodes, node.nodeCount()))
        {
            throw new WireException("node " + former + " is not part of this job");
        }
        return space.nodeOf(former);
    }

    /** Release: make every write of this node visible to the cluster. */
    public void release()
    {
        space.flush();
    }

    /** @return a new cluster-unique id homed on this node. */
    public long newGlobalId()
    {
        return space.newGid();
    }

    /** @return the global id of a shared object, sharing it now if it is local. */
    public long share(final Object o)
    {
        return space.share(o).gid;
    }

    // ---------------------------------------------------------------- Runtime

    @Override
    public void readMiss(final Object o)
    {
        final Meta m = space.metaOf(o);
        if (m != null)
        {
            space.fault(m);
        }
    }

    @Override
    public void writeMiss(final Object o)
    {
        final Meta m = space.metaOf(o);
        if (m != null)
        {
            space.writeMiss(m);
        }
    }

    @Override
    public void staticReadMiss(final Class<?> c)
    {
        readMiss(c);
    }

    @Override
    public void staticWriteMiss(final Class<?> c)
    {
        writeMiss(c);
    }

    @Override
    public boolean arrayReadMiss(final Object array)
    {
        final Meta m = space.metaOf(array);
        if (m != null && m.state < 0)
        {
            space.fault(m);
        }
        return m != null;
    }

    @Override
    public void arrayWriteMiss(final Object array)
    {
        final Meta m = space.metaOf(array);
        if (m != null)
        {
            space.writeMiss(m);
        }
    }

    @Override
    public io.ssijava.rt.WriteScope holdArray(final Object array)
    {
        return space.holds.hold(array);
    }

    @Override
    public void releaseShared()
    {
        space.flush();
    }

    @Override
    public void monitorEnter(final Object o)
    {
        locks.enter(o);
    }

    @Override
    public void monitorExit(final Object o)
    {
        locks.exit(o);
    }

    @Override
    public void await(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        space.holds.passed();
        locks.await(o, millis, nanos);
    }

    @Override
    public boolean awaitMovable(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        space.holds.passed();
        return locks.await(o, millis, nanos);
    }

    @Override
    public void notify(final Object o, final boolean all)
    {
        locks.notify(o, all);
    }

    @Override
    public void adoptHeldMonitor(final Object o)
    {
        locks.adoptHeldMonitor(o);
    }

    @Override
    public void monitorEntered(final Object o)
    {
        locks.entered(o);
    }

    @Override
    public void reserveMonitor(final Object o, final int to)
    {
        locks.reserve(o, to);
    }

    @Override
    public void yieldWait(final Thread t)
    {
        locks.yieldWait(t);
    }

    @Override
    public int identityHashCode(final Object o)
    {
        // a home's own hash too: an entity restored from a checkpoint keeps the hash it had when it was taken
        final Meta m = space.metaOf(o);
        return m == null ? System.identityHashCode(o) : m.hash;
    }

    @Override
    public Object atomic(final Object o, final long where, final String field, final int op, final Object a,
        final Object b)
    {
        return atomics.run(o, where, field, op, a, b);
    }

    @Override
    public boolean runsHere(final Object o)
    {
        return homeCalls.runsHere(o);
    }

    @Override
    public Object callAtHome(final Object o, final int method, final Object[] args) throws Throwable
    {
        return homeCalls.call(o, method, args);
    }

    @Override
    public boolean isShared(final Object o)
    {
        return space.metaOf(o) != null;
    }

    @Override
    public boolean signalRemoteThread(final Thread t, final boolean interrupt)
    {
        final ThreadRefs refs = space.threadRefs;
        return refs != null && refs.signal(t, interrupt);
    }

    // ---------------------------------------------------------------- class initialization once per cluster

    @Override
    public boolean clinitStart(final Class<?> c)
    {
        if (node.self() == STATICS_HOME)
        {
            final HomeRestore r = space.restoring;
            if (r == null || !r.hasStatics(c))
            {
                return true;
            }
            // initialized before the checkpoint: it takes the statics the checkpoint holds, as another node would
            fetchedStatics.put(c, r.statics(c));
            fetchedGids.put(c, r.staticsGid(c));
            return false;
        }
        final WireIn reply = node.call(STATICS_HOME, node.message(MessageTypes.CLASS_INIT).putString(c.getName()));
        if (!reply.getBoolean())
        {
            final String why = reply.getString();
            if (warned.add(c.getName()))
            {
                System.err.println("ssi-java: " + why + "; its static state is not shared, the initializer of " +
                    c.getName() + " runs on each node");
            }
            return true;
        }
        final long gid = reply.getLong();
        final ClassLayout layout = ClassLayout.of(c);
        final int n = reply.getCount(layout.statics.length);
        if (n != layout.statics.length)
        {
            throw new WireException(c.getName() + " has " + layout.statics.length + " static fields here, " + n +
                " on node 0: the nodes run different versions of the class");
        }
        final Object[] values = new Object[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = space.codec.readField(reply, layout.statics[i].getType());
        }
        fetchedStatics.put(c, values);
        fetchedGids.put(c, gid);
        return false;
    }

    @Override
    public Object[] fetchStatics(final Class<?> c)
    {
        return fetchedStatics.remove(c);
    }

    @Override
    public void clinitFetched(final Class<?> c)
    {
        final Long gid = fetchedGids.remove(c);
        if (gid != null)
        {
            space.shareStatics(c, gid);
        }
    }

    @Override
    public void clinitDone(final Class<?> c)
    {
        if (node.self() == STATICS_HOME)
        {
            space.shareStatics(c, space.newGid());
        }
    }

    /**
     * A class that another node asks node 0 to initialize must be one whose initializer asks that: a class of the
     * job's class path that the agent rewrote to share its statics (it has {@link Ssi#STATIC_STATE_FIELD}), or an
     * interface of it. Loading it to see runs none of its code; a name from a malformed or hostile message (a JDK
     * class, a library class with an initializer of its own) is refused before anything runs.
     *
     * @return the name.
     */
    private String checkSharesStatics(final String name)
    {
        final Class<?> c;
        try
        {
            c = Class.forName(name, false, space.classes.loader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new WireException("refusing to initialize " + name + ": not a class of this job (" + ex + ")");
        }
        final ClassLoader l = c.getClassLoader();
        boolean marked = c.isInterface();
        try
        {
            c.getDeclaredField(Ssi.STATIC_STATE_FIELD);
            marked = true;
        }
        catch (final NoSuchFieldException ex)
        {
            // not rewritten to share its statics
        }
        if (l == null || l == ClassLoader.getPlatformClassLoader() || !marked || c.isArray() || c.isPrimitive())
        {
            throw new WireException("refusing to initialize " + name + ": not a class of this job whose statics " +
                "are shared");
        }
        return name;
    }

    private void serveClassInit(final int from, final long corr, final WireIn in) throws Exception
    {
        final String name = in.getString();
        final Class<?> c;
        try
        {
            c = Class.forName(checkSharesStatics(name), true, space.classes.loader());
        }
        catch (final ExceptionInInitializerError ex)
        {
            node.sendError(from, corr, "class initializer of " + name + " failed on node 0: " + ex.getCause());
            return;
        }
        space.flush();
        final WireOut out = node.reply();
        final Meta m = space.shareStatics(c, space.newGid());
        try
        {
            synchronized (m)
            {
                final int mark = out.length();
                out.putBoolean(true).putLong(m.gid);
                try
                {
                    space.writeAllFields(out, m, true);
                }
                catch (final SsiException ex)
                {
                    out.rewind(mark);
                    out.putBoolean(false).putString(ex.getMessage());
                    node.sendReply(from, corr, out);
                    return;
                }
                m.copyset |= 1L << from;
                node.sendReply(from, corr, out);
            }
        }
        catch (final RuntimeException ex)
        {
            node.sendError(from, corr, ex.toString());
        }
    }

    // ---------------------------------------------------------------- lambdas, threads, exit

    @Override
    public void lambdaCreated(final Object lambda, final int site)
    {
        LambdaSites.INSTANCE.created(lambda, site);
    }

    @Override
    public void threadStart(final Thread t)
    {
        space.holds.passed();
        final ThreadService ts = threads;
        if (ts == null)
        {
            t.start();
        }
        else
        {
            ts.start(t);
        }
        space.holds.passed(); // the start may have shared the node's first array (see ArrayHolds.afterArming)
    }

    @Override
    public void runMain(final Runnable body)
    {
        final ThreadService ts = threads;
        if (ts == null)
        {
            body.run();
            return;
        }
        ts.runMain(body);
    }

    @Override
    public void runThread(final Thread self, final Runnable body)
    {
        final ThreadService ts = threads;
        if (ts == null)
        {
            body.run();
            return;
        }
        ts.runThread(self, body);
    }

    @Override
    public String threadName()
    {
        final ThreadService ts = threads;
        return ts == null ? io.ssijava.rt.ThreadNames.local() : ts.threadName();
    }

    @Override
    public void threadJoin(final Thread t, final long millis) throws InterruptedException
    {
        final ThreadService ts = threads;
        if (ts == null)
        {
            t.join(millis);
            return;
        }
        ts.join(t, millis);
    }

    @Override
    public boolean threadIsAlive(final Thread t)
    {
        final ThreadService ts = threads;
        return ts == null ? t.isAlive() : ts.isAlive(t);
    }

    @Override
    public void exit(final int status)
    {
        if (node.self() == 0)
        {
            System.exit(status);
            return;
        }
        try
        {
            space.flush();
        }
        catch (final RuntimeException ignored)
        {
            // the job ends anyway
        }
        node.send(0, node.message(MessageTypes.EXIT).putInt(status));
        // System.exit does not return: wait here until node 0 ends the job
        while (true)
        {
            try
            {
                Thread.sleep(Long.MAX_VALUE);
            }
            catch (final InterruptedException ignored)
            {
                // keep waiting, as System.exit would not return either
            }
        }
    }
}
