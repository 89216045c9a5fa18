package io.ssijava.dsm;

import io.ssijava.rt.ArrayGuard;
import io.ssijava.rt.ArrayWriteSite;
import io.ssijava.rt.Managed;
import io.ssijava.rt.Ssi;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The global object space of one node: global ids, homes, cached copies, twins and diffs.
 * <p>
 * Consistency is home-based release consistency with invalidation driven by the home: a release ({@link #flush})
 * sends diffs of the node's dirty copies to their homes and invalidations for its dirty home objects; a home that
 * applies a diff invalidates every other cached copy before it acknowledges. So when a release completes, every
 * stale copy in the cluster is already marked invalid and an acquire needs no messages at all. Lock handoff,
 * thread start and end, volatile writes to shared objects, and serving any copy to another node are releases; a
 * background flush bounds how long an unsynchronized write stays invisible.
 */
final class ObjectSpace
{
    /** Arrays are split into chunks of about this many bytes for invalidation and transfer. */
    static final int CHUNK_BYTES = 16 * 1024;
    /** How long after its last write trap an entity stays on the recheck list although it looks quiet. */
    private static final long RECHECK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        Long.getLong("ssi.recheckMs", 50));
    /**
     * How long an entity whose class has volatile fields (a lock's, a queue node's, an atomic's state: what an
     * acquire on another node reads, and may spin on) is still compared at every release after its recheck ended.
     * A store that passed its check before a release re-armed the trap can land later than RECHECK_NANOS when its
     * thread is descheduled in between; a copy of such state left stale by it can stall another node for good. A
     * thread held up for longer than the failure timeout (3 s) looks dead to the cluster anyway.
     */
    private static final long LATE_RECHECK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
        Long.getLong("ssi.lateRecheckMs", 3000));
    /** At most this many entities on the late list (the oldest go first): bounds what a release compares. */
    private static final int LATE_RECHECK_MAX = 1024;

    final Net net;
    final int self;
    final Codec codec;
    final JobClasses classes;
    final LambdaSites lambdas = LambdaSites.INSTANCE;
    final Stats stats;
    volatile ThreadRefs threadRefs;
    volatile Locks locks;
    /** Told the home node of every fault this node served remotely, on the faulting thread (placement policies). */
    volatile java.util.function.IntConsumer faultObserver;
    /** Run on the home after it applied diffs and before it sends their invalidations (tests hold them there). */
    volatile Runnable beforeInvalidating;

    /** The node count of the job this one was restored from, if that had more nodes; 0 otherwise. */
    volatile int formerNodes;
    /** What this node brings back from a checkpoint as its home, while it does; null otherwise. */
    volatile HomeRestore restoring;
    /** Entities homed here noted as changed since the last checkpoint, if the job takes checkpoints; else null. */
    private volatile java.util.concurrent.ConcurrentLinkedQueue<Meta> changedHomes;
    /** The open files of the checkpoint this node was restored from; null if it was not. */
    volatile ExternalValues restoredExternals;
    /** The open files a checkpoint's writing on this thread may keep (a capture's own table); null otherwise. */
    static final ThreadLocal<ExternalValues> WRITING_EXTERNALS = new ThreadLocal<>();
    private final AtomicLong seq = new AtomicLong();
    private final Object shareLock = new Object();
    private volatile Meta[] slots = new Meta[1024];
    private int nextSlot = 1;
    private final ConcurrentHashMap<Long, Meta> byGid = new ConcurrentHashMap<>();
    private final IdentityHashMap<Object, Meta> arrays = new IdentityHashMap<>();
    /**
     * A bit per identity-hash bucket, set (never cleared) for every array and plain Object registered here: a clear
     * bit answers "not shared" without shareLock. Guards ask that of every local array they have not seen yet, so a
     * loop over the rows of a local matrix would otherwise take the lock once per row.
     */
    private final long[] sharedFilter = new long[1 << 10];
    /** Bumped (under shareLock) after a filter bit is set: readers read it first, so they see the bits it covers. */
    private volatile int filterVersion;
    private final Object arrayCountsLock = new Object();
    private final Map<Class<?>, Meta> statics = new ConcurrentHashMap<>();
    /**
     * Invalidations of class statics that arrived between the class-init reply and the registration of the
     * statics here (the home adds us to the copyset when it answers): applied when the statics register.
     */
    private final java.util.Set<Long> earlyInvalidations = ConcurrentHashMap.newKeySet();

    private final Object dirtyLock = new Object();
    private LinkedHashSet<Meta> dirty = new LinkedHashSet<>();
    private List<Meta> recheck = new ArrayList<>();
    private ArrayDeque<Meta> lateRecheck = new ArrayDeque<>();
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Arrays written in loops whose checks moved in front of the loop. */
    final ArrayHolds holds = new ArrayHolds(this);
    /** What a fault fetches along with the entity it is for. */
    private final Prefetches prefetches = new Prefetches(this);

    ObjectSpace(final Net net, final JobClasses classes, final Stats stats)
    {
        this.net = net;
        this.self = net.self();
        this.classes = classes;
        this.stats = stats;
        this.codec = new Codec(this);
        // The instrumented JDK asks metaOf about every local array its guards have not seen yet: everything that
        // lookup needs must be loaded now, or loading it (which uses the JDK's maps) would ask again, and recurse.
        metaOf(new Object[0]);
        metaOf(new Object());
        metaOf(this);
    }

    // ---------------------------------------------------------------- lookup and sharing

    Meta metaOf(final Object o)
    {
        if (o instanceof Managed)
        {
            final int s = ((Managed)o).__ssi_state();
            return s == 0 ? null : slot(s & Ssi.SLOT_MASK);
        }
        if (o instanceof Class)
        {
            return statics.get(o);
        }
        if (o != null && (o.getClass().isArray() || o.getClass() == Object.class))
        {
            if (!inFilter(o))
            {
                return null;
            }
            synchronized (shareLock)
            {
                return arrays.get(o);
            }
        }
        return null;
    }

    /** @return false if {@code o} was never registered here (true may be a false positive). */
    private boolean inFilter(final Object o)
    {
        if (filterVersion == 0)
        {
            return false; // nothing registered yet; also the volatile read that makes the bits below visible
        }
        final int h = System.identityHashCode(o);
        return (sharedFilter[(h >>> 6) & (sharedFilter.length - 1)] & (1L << h)) != 0;
    }

    Meta staticsMeta(final Class<?> c)
    {
        return statics.get(c);
    }

    Meta byGid(final long gid)
    {
        return byGid.get(gid);
    }

    private Meta slot(final int slot)
    {
        // lock-free on the hot path: a slot is written once, before any object shows its number
        final Meta[] table = slots;
        final Meta m = slot < table.length ? table[slot] : null;
        if (m != null)
        {
            return m;
        }
        synchronized (shareLock)
        {
            return slots[slot];
        }
    }

    private Meta register(final long gid, final Meta.Kind kind, final Object target, final int hash, final int state)
    {
        // caller holds shareLock
        final int slot = nextSlot++;
        if (slot >= slots.length)
        {
            slots = java.util.Arrays.copyOf(slots, slots.length * 2);
        }
        int chunkElems = 0;
        int chunks = 0;
        if (kind == Meta.Kind.ARRAY)
        {
            final int length = Array.getLength(target);
            chunkElems = Math.max(1, CHUNK_BYTES / Codec.elementSize(target.getClass().getComponentType()));
            chunks = Math.max(1, (length + chunkElems - 1) / chunkElems);
        }
        final Meta m = new Meta(gid, homeOf(gid), slot, kind, target, hash, chunkElems, chunks);
        if (kind == Meta.Kind.ARRAY)
        {
            if (m.home == self)
            {
                m.chunkCopyset = new long[chunks];
            }
            else
            {
                m.chunkValid = new boolean[chunks];
            }
            addToFilter(target);
            arrays.put(target, m);
        }
        if (kind == Meta.Kind.PLAIN)
        {
            addToFilter(target);
            arrays.put(target, m);
        }
        slots[slot] = m;
        byGid.put(gid, m);
        if (m.home == self)
        {
            homeChanged(m); // new here: the next checkpoint writes it
        }
        earlyInvalidations.remove(gid); // consulted already (statics); any other copy starts invalid
        setState(m, state | slot);
        return m;
    }

    private void addToFilter(final Object target)
    {
        // caller holds shareLock
        final int h = System.identityHashCode(target);
        sharedFilter[(h >>> 6) & (sharedFilter.length - 1)] |= 1L << h;
        filterVersion++;
    }

    /** Makes a local object or array shared with this node as its home (no-op if already shared). */
    Meta share(final Object o)
    {
        final Meta known = metaOf(o);
        if (known != null)
        {
            return known;
        }
        final Meta m;
        synchronized (shareLock)
        {
            final Meta again = o instanceof Managed ? null : arrays.get(o);
            if (again != null)
            {
                return again;
            }
            if (o instanceof Managed && ((Managed)o).__ssi_state() != 0)
            {
                return slots[((Managed)o).__ssi_state() & Ssi.SLOT_MASK];
            }
            final Meta.Kind kind = o instanceof Managed ? Meta.Kind.OBJECT :
                o.getClass() == Object.class ? Meta.Kind.PLAIN : Meta.Kind.ARRAY;
            m = register(Meta.gid(self, seq.incrementAndGet()), kind, o, System.identityHashCode(o), Ssi.WTRAP);
            stats.objectsHomed.incrementAndGet();
            if (kind == Meta.Kind.ARRAY)
            {
                holds.sharedLocked(m); // a loop may be writing it without checks right now
            }
        }
        if (m.kind == Meta.Kind.ARRAY)
        {
            // a guard may remember this array as writable, or as local (atomics run in place), from when it was local
            ArrayGuard.rearmWrites();
            ArrayGuard.arrayShared();
        }
        final Locks l = locks;
        if (l != null && Thread.holdsLock(o))
        {
            // shared from inside its own synchronized block: that entry was never counted
            l.adopt(m, o);
        }
        return m;
    }

    /** Shares a class's statics with this node as home, after its initializer ran here. */
    Meta shareStatics(final Class<?> c, final long gid)
    {
        synchronized (shareLock)
        {
            final Meta known = statics.get(c);
            if (known != null)
            {
                return known;
            }
            final boolean home = homeOf(gid) == self;
            final boolean stale = !home && earlyInvalidations.remove(gid);
            final Meta m = register(gid, Meta.Kind.STATICS, c, 0, stale ? Ssi.RTRAP | Ssi.WTRAP : Ssi.WTRAP);
            statics.put(c, m);
            if (home)
            {
                stats.objectsHomed.incrementAndGet();
            }
            return m;
        }
    }

    long newGid()
    {
        return Meta.gid(self, seq.incrementAndGet());
    }

    /** The local copy for a global id of an object, created (invalid) on first sight. */
    Object resolveObject(final long gid, final Class<?> type, final int hash)
    {
        final Meta known = byGid.get(gid);
        if (known != null)
        {
            return known.target;
        }
        final Object restored = restored(gid);
        if (restored != null)
        {
            return restored;
        }
        checkForeignHome(gid);
        // allocate outside the lock: it may initialize the class, which may talk to other nodes
        final Object copy = ClassLayout.of(type).allocate();
        synchronized (shareLock)
        {
            final Meta again = byGid.get(gid);
            if (again != null)
            {
                return again.target;
            }
            register(gid, Meta.Kind.OBJECT, copy, hash, Ssi.RTRAP | Ssi.WTRAP);
            return copy;
        }
    }

    /** The local stand-in for a shared plain {@code java.lang.Object} (used as a lock). */
    Object resolvePlain(final long gid, final int hash)
    {
        synchronized (shareLock)
        {
            final Meta known = byGid.get(gid);
            if (known != null)
            {
                return known.target;
            }
            final Object restored = restored(gid);
            if (restored != null)
            {
                return restored;
            }
            checkForeignHome(gid);
            final Object copy = new Object();
            register(gid, Meta.Kind.PLAIN, copy, hash, Ssi.WTRAP);
            return copy;
        }
    }

    Object resolveArray(final long gid, final Class<?> arrayType, final int length, final int hash)
    {
        final Meta known = byGid.get(gid);
        if (known != null)
        {
            return known.target;
        }
        final Object restored = restored(gid);
        if (restored != null)
        {
            return restored;
        }
        checkForeignHome(gid);
        final Object copy;
        try
        {
            copy = Array.newInstance(arrayType.getComponentType(), length);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new SsiException("not enough memory for a copy of a shared " + arrayType.getSimpleName() +
                " of length " + length + "; give the nodes more heap (--jvm-opt -Xmx...)");
        }
        synchronized (shareLock)
        {
            final Meta again = byGid.get(gid);
            if (again != null)
            {
                return again.target;
            }
            register(gid, Meta.Kind.ARRAY, copy, hash, Ssi.RTRAP | Ssi.WTRAP);
            return copy;
        }
    }

    /** The entity a checkpoint restores here with this id, made on first sight; null if none. */
    private Object restored(final long gid)
    {
        final HomeRestore r = restoring;
        return r == null || homeOf(gid) != self ? null : r.make(gid);
    }

    /** Registers an entity restored from a checkpoint with this node as its home; @return the one registered. */
    Object registerRestored(final long gid, final Meta.Kind kind, final Object o, final int hash)
    {
        synchronized (shareLock)
        {
            final Meta again = byGid.get(gid);
            if (again != null)
            {
                return again.target;
            }
            register(gid, kind, o, hash, Ssi.WTRAP);
            stats.objectsHomed.incrementAndGet();
        }
        if (kind == Meta.Kind.ARRAY)
        {
            ArrayGuard.rearmWrites();
            ArrayGuard.arrayShared();
        }
        return o;
    }

    /** Ids made here from now on go on after those a restored checkpoint's part had handed out. */
    void restoreSequence(final long highest)
    {
        seq.accumulateAndGet(highest, Math::max);
    }

    /** @return the highest sequence number this node has handed out for ids (a checkpoint's part keeps it). */
    long sequence()
    {
        return seq.get();
    }

    /** A global id from the wire must name an existing node other than this one as its home. */
    private void checkForeignHome(final long gid)
    {
        final int made = Meta.homeOf(gid);
        if (made < 0 || made >= Math.max(formerNodes, net.nodeCount()))
        {
            throw new WireException("object id " + Long.toHexString(gid) + " names node " + made +
                ", which is not part of this job");
        }
        if (homeOf(gid) == self)
        {
            throw new WireException("unknown object id " + Long.toHexString(gid) + " claimed to be homed here");
        }
    }

    /**
     * The home of an entity: the node whose number its id carries, or, in a job restored on fewer nodes than its
     * checkpoint was taken on, the node that took that node's part ({@link #nodeOf}).
     */
    int homeOf(final long gid)
    {
        return nodeOf(Meta.homeOf(gid));
    }

    /** The node of this job that stands for node {@code former} of the job a checkpoint was taken in. */
    int nodeOf(final int former)
    {
        final int nodes = net.nodeCount();
        return former < nodes ? former : former % nodes;
    }

    private void setState(final Meta m, final int s)
    {
        if (m.kind == Meta.Kind.ARRAY)
        {
            // the guards' node-wide shortcuts: no check is needed while no array is in the state it catches
            final int invalid = (s < 0 ? 1 : 0) - (m.state < 0 ? 1 : 0);
            final int trapped = ((s & Ssi.WTRAP) != 0 ? 1 : 0) - ((m.state & Ssi.WTRAP) != 0 ? 1 : 0);
            if (trapped > 0)
            {
                // before the count: no compiled check may still answer 0 once it is not
                if (!ArrayWriteSite.armed())
                {
                    ArrayWriteSite.arm(holds::afterArming);
                }
            }
            if (invalid != 0 || trapped != 0)
            {
                synchronized (arrayCountsLock)
                {
                    ArrayGuard.invalidArrays += invalid;
                    ArrayGuard.trappedArrays += trapped;
                }
            }
        }
        m.state = s;
        if (m.kind == Meta.Kind.OBJECT)
        {
            ((Managed)m.target).__ssi_state(s);
        }
        else if (m.kind == Meta.Kind.STATICS)
        {
            final Field f = ClassLayout.of((Class<?>)m.target).staticStateField;
            if (f != null)
            {
                try
                {
                    f.setInt(null, s);
                }
                catch (final IllegalAccessException ex)
                {
                    throw new SsiException("cannot set statics state of " + m.target, ex);
                }
            }
        }
    }

    // ---------------------------------------------------------------- faults

    /** Makes the local copy valid, fetching it (or its invalid chunks) from the home. */
    void fault(final Meta m)
    {
        while (true)
        {
            final int gen;
            final int diffs;
            final int[] wanted;
            synchronized (m)
            {
                if (m.state >= 0)
                {
                    return;
                }
                if (m.fetching || m.diffInFlight)
                {
                    // a diff of ours on its way to the home would be missing from the reply
                    waitUninterruptibly(m);
                    continue;
                }
                m.fetching = true;
                gen = m.invalidations;
                diffs = m.diffsSent;
                wanted = invalidChunks(m);
            }
            final List<Prefetches.Along> along = prefetches.select(m, wanted == null ? 0 : wanted.length);
            try
            {
                final WireOut req = net.message(MessageTypes.FETCH).putLong(m.gid);
                if (wanted != null)
                {
                    Prefetches.putChunks(req, wanted);
                }
                Prefetches.ask(req, along);
                final WireIn reply = net.call(m.home, req);
                stats.faults.incrementAndGet();
                final java.util.function.IntConsumer observer = faultObserver;
                if (observer != null)
                {
                    observer.accept(m.home);
                }
                install(m, reply, gen, diffs, wanted);
                prefetches.install(reply, along);
            }
            finally
            {
                for (final Meta f : Prefetches.fetched(m, along))
                {
                    synchronized (f)
                    {
                        f.fetching = false;
                        f.notifyAll();
                    }
                }
            }
        }
    }

    static int[] invalidChunks(final Meta m)
    {
        if (m.kind != Meta.Kind.ARRAY)
        {
            return null;
        }
        int n = 0;
        for (final boolean v : m.chunkValid)
        {
            n += v ? 0 : 1;
        }
        final int[] out = new int[n];
        int k = 0;
        for (int c = 0; c < m.chunks; c++)
        {
            if (!m.chunkValid[c])
            {
                out[k++] = c;
            }
        }
        return out;
    }

    void install(final Meta m, final WireIn in, final int gen, final int diffs, final int[] chunks)
    {
        if (m.kind == Meta.Kind.ARRAY)
        {
            final Class<?> ct = m.target.getClass().getComponentType();
            final int length = Array.getLength(m.target);
            final Object[] parts = new Object[chunks.length];
            for (int i = 0; i < chunks.length; i++)
            {
                final int from = chunks[i] * m.chunkElems;
                parts[i] = codec.readElements(in, ct, Math.min(length, from + m.chunkElems) - from);
            }
            synchronized (m)
            {
                if (diffs != m.diffsSent)
                {
                    return; // we sent a diff meanwhile: the reply may predate it; fetch again
                }
                for (int i = 0; i < chunks.length; i++)
                {
                    mergeInto(m, chunks[i] * m.chunkElems, parts[i]);
                    if (gen == m.invalidations)
                    {
                        m.chunkValid[chunks[i]] = true;
                    }
                }
                if (gen == m.invalidations)
                {
                    setState(m, validState(m));
                }
            }
            return;
        }
        final Field[] fields = stateFields(m);
        final int n = in.getCount(fields.length);
        if (n != fields.length)
        {
            throw new WireException("object " + m + " has " + fields.length + " fields, reply has " + n);
        }
        final Object[] values = new Object[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = codec.readField(in, fields[i].getType());
        }
        synchronized (m)
        {
            if (diffs != m.diffsSent)
            {
                return; // we sent a diff meanwhile: the reply may predate it; fetch again
            }
            final Object owner = m.kind == Meta.Kind.OBJECT ? m.target : null;
            final Object[] twin = (Object[])m.twin;
            for (int i = 0; i < n; i++)
            {
                if (twin == null)
                {
                    set(fields[i], owner, values[i]);
                    continue;
                }
                // keep a write of this node (made before, or racing with this install from another thread of this
                // node): replace the field only if it still holds the twin's value, atomically where possible
                if (owner == null || !FieldOps.replaceIfUnchanged(fields[i], owner, twin[i], values[i]))
                {
                    if (same(get(fields[i], owner), twin[i]))
                    {
                        set(fields[i], owner, values[i]);
                    }
                }
                twin[i] = values[i];
            }
            if (gen == m.invalidations)
            {
                setState(m, validState(m));
            }
        }
    }

    /** Copies a fetched chunk into the array, keeping elements this node changed since it twinned the array. */
    private static void mergeInto(final Meta m, final int from, final Object part)
    {
        final int len = Array.getLength(part);
        if (m.twin == null)
        {
            System.arraycopy(part, 0, m.target, from, len);
            return;
        }
        final Object twin = m.twin;
        for (int i = 0; i < len; i++)
        {
            // Another thread of this node may store into this element right now (threads writing different
            // elements of one chunk is race-free Java): replace the element only if it still holds the twin's value,
            // atomically, so that such a store is never overwritten by the older value from the home.
            ArrayOps.replaceIfUnchanged(m.target, from + i, twin, Array.get(part, i));
            System.arraycopy(part, i, twin, from + i, 1);
        }
    }

    private static int validState(final Meta m)
    {
        if (m.kind == Meta.Kind.ARRAY && m.chunkValid != null)
        {
            for (final boolean v : m.chunkValid)
            {
                if (!v)
                {
                    return m.slot | Ssi.RTRAP | Ssi.WTRAP;
                }
            }
        }
        return m.inDirtySet ? m.slot : m.slot | Ssi.WTRAP;
    }

    /** First write to a clean shared copy: twin it (cached copies) and record it as dirty. */
    void writeMiss(final Meta m)
    {
        while (true)
        {
            if (m.state < 0)
            {
                fault(m);
            }
            synchronized (m)
            {
                if (m.state < 0)
                {
                    continue;
                }
                if ((m.state & Ssi.WTRAP) == 0)
                {
                    return;
                }
                if (m.twin == null)
                {
                    // the home keeps a twin too: it tells what changed, so that only those copies are invalidated
                    // and writes made without a trap (a hoisted loop) are still noticed later
                    m.twin = snapshot(m);
                }
                markDirty(m);
                homeChanged(m);
            }
            synchronized (dirtyLock)
            {
                dirty.add(m);
            }
            return;
        }
    }

    /**
     * A read-modify-write changed a field or element of a home entity from {@code old}: whatever its twin holds, the
     * next release must see that slot as changed and invalidate the copies (a release racing with the operation may
     * already have compared the twin, or taken the entity off the dirty list).
     *
     * @param slot the Field, or the element index as an Integer.
     */
    void atomicChanged(final Meta m, final Object slot, final Object old)
    {
        synchronized (m)
        {
            if (m.twin == null)
            {
                m.twin = snapshot(m);
            }
            if (slot instanceof Integer)
            {
                Array.set(m.twin, (Integer)slot, old);
            }
            else
            {
                final Field[] fields = stateFields(m);
                for (int i = 0; i < fields.length; i++)
                {
                    if (fields[i].equals(slot))
                    {
                        ((Object[])m.twin)[i] = old;
                    }
                }
            }
            markDirty(m);
            homeChanged(m);
        }
        synchronized (dirtyLock)
        {
            dirty.add(m);
        }
    }

    /** Notes, for the next incremental checkpoint, that an entity homed here changed. */
    private void homeChanged(final Meta m)
    {
        if (m.home == self && !m.changedSinceCheckpoint)
        {
            m.changedSinceCheckpoint = true;
            if (changedHomes != null)
            {
                changedHomes.add(m); // (twice now and then, when two threads note it at once: written once)
            }
        }
    }

    /**
     * From now on, keeps a list of the entities homed here that changed since the last checkpoint, so that an
     * incremental one visits only those rather than every entity (call before the job's threads run, when it takes
     * checkpoints).
     */
    void trackChangedHomes()
    {
        changedHomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (final Meta m : byGid.values())
        {
            if (m.home == self && m.changedSinceCheckpoint)
            {
                changedHomes.add(m);
            }
        }
    }

    /** Marks an entity dirty (writes no longer trap) and keeps it rechecked for a while. Caller holds m. */
    private void markDirty(final Meta m)
    {
        m.inDirtySet = true;
        m.recheckUntil = System.nanoTime() + RECHECK_NANOS;
        setState(m, m.state & ~Ssi.WTRAP);
    }

    /** Gives an entity a twin if it has none (a held array is compared with it at every release). */
    void ensureTwin(final Meta m)
    {
        synchronized (m)
        {
            if (m.twin == null)
            {
                m.twin = snapshot(m);
            }
        }
    }

    static Object snapshot(final Meta m)
    {
        switch (m.kind)
        {
            case ARRAY:
            {
                final int n = Array.getLength(m.target);
                final Object copy = Array.newInstance(m.target.getClass().getComponentType(), n);
                System.arraycopy(m.target, 0, copy, 0, n);
                return copy;
            }
            case OBJECT:
            {
                final Field[] fields = ClassLayout.of(m.target.getClass()).fields;
                final Object[] values = new Object[fields.length];
                for (int i = 0; i < fields.length; i++)
                {
                    values[i] = get(fields[i], m.target);
                }
                return values;
            }
            default:
            {
                final Field[] fields = ClassLayout.of((Class<?>)m.target).mutableStatics;
                final Object[] values = new Object[fields.length];
                for (int i = 0; i < fields.length; i++)
                {
                    values[i] = get(fields[i], null);
                }
                return values;
            }
        }
    }

    // ---------------------------------------------------------------- release

    /** @return whether releases still compare {@code m} although it looked quiet (for tests). */
    boolean onRecheckList(final Meta m)
    {
        flushLock.lock(); // a flush in flight has the lists in hand
        try
        {
            synchronized (dirtyLock)
            {
                return recheck.contains(m) || lateRecheck.contains(m);
            }
        }
        finally
        {
            flushLock.unlock();
        }
    }

    /** @return whether this node holds writes that other nodes have not been told about. */
    boolean hasPendingWrites()
    {
        if (flushLock.isLocked())
        {
            return true; // a release is in flight: its diffs may not be at the homes yet
        }
        synchronized (dirtyLock)
        {
            return !dirty.isEmpty() || !recheck.isEmpty();
        }
    }

    /**
     * Release: pushes every write made on this node to the homes and waits until every stale copy in the cluster
     * is invalid. Safe to call from any thread except the receiver.
     */
    void flush()
    {
        holds.passed(); // a thread that releases is in no loop with hoisted checks
        flush(false);
    }

    /**
     * A flush that no release asks for (the periodic one, the one before serving a copy): the same, except that
     * it compares held arrays only every {@link ArrayHolds#BACKGROUND_NANOS}.
     */
    void flushBackground()
    {
        flush(true);
    }

    private void flush(final boolean background)
    {
        flushLock.lock();
        try
        {
            final List<Meta> held = holds.forFlush(background);
            synchronized (dirtyLock)
            {
                if (dirty.isEmpty() && recheck.isEmpty() && lateRecheck.isEmpty() && held.isEmpty())
                {
                    return; // also after waiting for a release in flight: once it is done, ours is too
                }
            }
            final List<Meta> work;
            final List<Meta> rechecking;
            final ArrayDeque<Meta> lateChecking;
            synchronized (dirtyLock)
            {
                work = new ArrayList<>(dirty);
                rechecking = recheck;
                lateChecking = lateRecheck;
                dirty = new LinkedHashSet<>();
                recheck = new ArrayList<>();
                lateRecheck = new ArrayDeque<>();
            }
            // Two rounds where needed: the diffs of objects with volatile fields (lock states, atomics, queue
            // counts: what another node's acquire reads) reach their homes only once every other diff is applied
            // and every stale copy of it invalidated, so no node can see the release before what it publishes.
            final Map<Integer, DiffBatch> diffs = new HashMap<>();
            final Map<Integer, DiffBatch> releases = new HashMap<>();
            final Map<Integer, InvalidationBatch> invalidations = new HashMap<>();
            final List<Meta> flushedCopies = new ArrayList<>();
            final List<Meta> late = new ArrayList<>();
            boolean arrays = false;
            for (final Meta m : work)
            {
                arrays |= m.kind == Meta.Kind.ARRAY;
                synchronized (m)
                {
                    m.inDirtySet = false;
                    setState(m, m.state | Ssi.WTRAP);
                    release(m, diffs, releases, invalidations);
                    // a store racing with this flush is caught by comparing with the twin again next time
                    flushedCopies.add(m);
                }
            }
            // sized for every entity it may take, so that it never grows on the way
            final java.util.Set<Meta> released = new java.util.HashSet<>(
                (work.size() + rechecking.size() + lateChecking.size() + held.size()) * 4 / 3 + 1);
            released.addAll(work);
            // one reading of the clock for the whole list: the windows it is compared with are milliseconds long
            final long now = System.nanoTime();
            for (final Collection<Meta> list : List.of(rechecking, lateChecking))
            {
                for (final Meta m : list)
                {
                    if (!released.add(m))
                    {
                        continue; // released above (written again meanwhile), or listed twice
                    }
                    synchronized (m)
                    {
                        final boolean changed = release(m, diffs, releases, invalidations);
                        if (changed)
                        {
                            // still being written without traps (a racing store, a loop whose check was hoisted,
                            // a store held up past the recheck): keep comparing until it is quiet
                            m.recheckUntil = now + RECHECK_NANOS;
                            flushedCopies.add(m);
                        }
                        else if (now - m.recheckUntil < 0)
                        {
                            flushedCopies.add(m); // written too recently to be sure
                        }
                        else if (volatileFields(m) && now - (m.recheckUntil + LATE_RECHECK_NANOS) < 0)
                        {
                            late.add(m);
                        }
                    }
                }
            }
            for (final Meta m : held)
            {
                if (released.add(m)) // not compared above already
                {
                    synchronized (m)
                    {
                        // written in a loop without a check per write: its trap state says nothing, the twin does
                        release(m, diffs, releases, invalidations);
                    }
                }
            }
            if (arrays)
            {
                ArrayGuard.rearmWrites();
            }
            try
            {
                final boolean sent = send(diffs, invalidations);
                if (send(releases, Map.of()) || sent)
                {
                    stats.releases.incrementAndGet();
                }
            }
            finally
            {
                landed(diffs);
                landed(releases);
            }
            synchronized (dirtyLock)
            {
                // a write that raced with this flush (passed its check just before the trap was re-armed) is
                // caught by comparing with the twin once more at the next flush
                recheck.addAll(flushedCopies);
                lateRecheck.addAll(late);
                while (lateRecheck.size() > LATE_RECHECK_MAX)
                {
                    lateRecheck.removeFirst();
                }
            }
        }
        finally
        {
            flushLock.unlock();
        }
    }

    /** Whether a release must wait for the entity's other writes (see flush): its class has volatile fields. */
    private static boolean volatileFields(final Meta m)
    {
        return m.kind == Meta.Kind.OBJECT ? ClassLayout.of(m.target.getClass()).volatileFields :
            m.kind == Meta.Kind.STATICS && ClassLayout.of((Class<?>)m.target).volatileStatics;
    }

    /** Sends diffs and invalidations in one round and waits for every answer; false if there was nothing. */
    private boolean send(final Map<Integer, DiffBatch> diffs, final Map<Integer, InvalidationBatch> invalidations)
    {
        final List<Integer> targets = new ArrayList<>();
        final List<WireOut> messages = new ArrayList<>();
        diffs.forEach((home, batch) ->
        {
            if (batch.count > 0)
            {
                targets.add(home);
                messages.add(batch.finish());
            }
        });
        invalidations.forEach((node, batch) ->
        {
            targets.add(node);
            messages.add(batch.finish());
        });
        if (targets.isEmpty())
        {
            return false;
        }
        net.callAll(targets.stream().mapToInt(Integer::intValue).toArray(), messages.toArray(new WireOut[0]));
        return true;
    }

    /** After a round (or its failure): fetches of what the diffs carried need no longer wait for them. */
    private static void landed(final Map<Integer, DiffBatch> diffs)
    {
        for (final DiffBatch batch : diffs.values())
        {
            for (final Meta m : batch.sent)
            {
                synchronized (m)
                {
                    m.diffInFlight = false;
                    m.notifyAll();
                }
            }
        }
    }

    /**
     * Releases one dirty (or rechecked) entity: a cached copy's diff goes into its home's batch, of the second round
     * ({@code releases}) if its class has volatile fields; for a home entity, the copies of what changed since the
     * twin are invalidated. Caller holds m.
     *
     * @return whether anything had changed.
     */
    private boolean release(final Meta m, final Map<Integer, DiffBatch> diffs,
        final Map<Integer, DiffBatch> releases, final Map<Integer, InvalidationBatch> invalidations)
    {
        if (m.home != self)
        {
            final DiffBatch batch = (volatileFields(m) ? releases : diffs)
                .computeIfAbsent(m.home, h -> new DiffBatch(net));
            final int before = batch.count;
            batch.add(this, m);
            return batch.count > before;
        }
        return homeChanges(m, invalidations);
    }

    /** Compares a home entity with its twin, refreshes the twin and invalidates the copies of what changed. */
    private boolean homeChanges(final Meta m, final Map<Integer, InvalidationBatch> out)
    {
        if (m.twin == null)
        {
            return false;
        }
        final long others = ~(1L << self);
        boolean changed = false;
        if (m.kind == Meta.Kind.ARRAY)
        {
            final int length = Array.getLength(m.target);
            for (int c = 0; c < m.chunks; c++)
            {
                final int from = c * m.chunkElems;
                final int to = Math.min(length, from + m.chunkElems);
                if (ArrayOps.firstDifferent(m.target, m.twin, from, to) == to)
                {
                    continue;
                }
                changed = true;
                System.arraycopy(m.target, from, m.twin, from, to - from);
                long cs = m.chunkCopyset[c] & others;
                m.chunkCopyset[c] = 0;
                invalidateCopies(out, cs, m.gid, c);
            }
            if (changed)
            {
                homeChanged(m);
            }
            return changed;
        }
        final Object owner = m.kind == Meta.Kind.OBJECT ? m.target : null;
        final Field[] fields = stateFields(m);
        final Object[] twin = (Object[])m.twin;
        for (int i = 0; i < fields.length; i++)
        {
            final Object v = get(fields[i], owner);
            if (!same(v, twin[i]))
            {
                twin[i] = v;
                changed = true;
            }
        }
        if (changed)
        {
            homeChanged(m);
            collectHomeInvalidations(m, out);
        }
        return changed;
    }

    private void collectHomeInvalidations(final Meta m, final Map<Integer, InvalidationBatch> out)
    {
        // caller holds m
        final long others = ~(1L << self);
        if (m.kind == Meta.Kind.ARRAY)
        {
            for (int c = 0; c < m.chunks; c++)
            {
                long cs = m.chunkCopyset[c] & others;
                m.chunkCopyset[c] = 0;
                invalidateCopies(out, cs, m.gid, c);
            }
            return;
        }
        long cs = m.copyset & others;
        m.copyset = 0;
        invalidateCopies(out, cs, m.gid, -1);
    }

    /** Writes the diff of one cached copy against its twin; returns the number of changed fields or elements. */
    int writeDiff(final WireOut out, final Meta m)
    {
        // caller holds m
        out.putLong(m.gid);
        final int countAt = out.length();
        out.putInt(0);
        int changed = 0;
        if (m.kind == Meta.Kind.ARRAY)
        {
            final int length = Array.getLength(m.target);
            final Object twin = m.twin;
            int i = ArrayOps.firstDifferent(m.target, twin, 0, length);
            while (i < length)
            {
                final int j = ArrayOps.firstSame(m.target, twin, i + 1, length);
                // snapshot the run into the twin first and send exactly that: a store racing with this flush
                // then differs from the twin and goes with the next release
                System.arraycopy(m.target, i, twin, i, j - i);
                out.putInt(i).putInt(j - i);
                codec.writeElements(out, twin, i, j);
                changed++;
                i = ArrayOps.firstDifferent(m.target, twin, j, length);
            }
        }
        else
        {
            final Object owner = m.kind == Meta.Kind.OBJECT ? m.target : null;
            final Field[] fields = stateFields(m);
            final ClassLayout layout = layoutOf(m);
            final Object[] twin = (Object[])m.twin;
            // read the volatile fields first: a diff then never carries a releasing store (an AQS state of 0)
            // without the plain stores made before it (the owner cleared), which another thread of this node may
            // be making right now (the home applies the plain fields first, see applyDiffs)
            final Object[] values = readFields(fields,
                m.kind == Meta.Kind.OBJECT ? layout.fieldsReadOrder : layout.mutableStaticsReadOrder, owner);
            for (int i = 0; i < fields.length; i++)
            {
                final Object v = values[i];
                if (!same(v, twin[i]))
                {
                    out.putInt(i);
                    try
                    {
                        codec.writeField(out, fields[i].getType(), v);
                    }
                    catch (final SsiException ex)
                    {
                        throw ex.addPath(fields[i].getName());
                    }
                    twin[i] = v;
                    changed++;
                }
            }
        }
        out.putIntAt(countAt, changed);
        return changed;
    }

    // ---------------------------------------------------------------- home side handlers

    /** Serves a copy of a home object (or chunks of a home array) to another node. */
    void serveFetch(final int from, final long correlationId, final WireIn in)
    {
        serveFetch(from, correlationId, in, false);
    }

    /**
     * Serves a FETCH while this node has writes it has not released, without the flush that would release them
     * first, if none of them can be in what it serves: no release is in flight, and the parts asked for hold no
     * unreleased write ({@link #releasedHere}). Entities asked for along that do are answered as not available
     * (they stay invalid at the requester, whose own fault of them then waits for the flush).
     *
     * @return false, with nothing sent, if the faulting entity holds such a write: the fault must wait for a flush.
     */
    boolean serveFetchAtOnce(final int from, final long correlationId, final WireIn in)
    {
        return !flushLock.isLocked() && serveFetch(from, correlationId, in, true);
    }

    /**
     * Whether the parts of a home array or object that a FETCH asks for hold no write that is not released yet: the
     * next write traps (none trapped since the last release), no thread holds it, they equal its twin (an atomic
     * operation leaves the old value there until the release), and no release is under way, neither this node's
     * (its flush may have compared m already, and not yet seen its invalidations acknowledged) nor another's diffs
     * applied to m. Caller holds m.
     *
     * @param chunks the chunks asked for of an array; null for an object.
     */
    boolean releasedHere(final Meta m, final int[] chunks)
    {
        if (flushLock.isLocked() || m.invalidationsInFlight != 0 || (m.state & Ssi.WTRAP) == 0 ||
            m.kind != Meta.Kind.ARRAY && m.kind != Meta.Kind.OBJECT)
        {
            return false;
        }
        if (m.twin == null)
        {
            return true; // never written here since it was shared (a twin is taken at the first write)
        }
        if (m.kind == Meta.Kind.OBJECT)
        {
            final Field[] fields = stateFields(m);
            final Object[] twin = (Object[])m.twin;
            for (int i = 0; i < fields.length; i++)
            {
                if (!same(get(fields[i], m.target), twin[i]))
                {
                    return false;
                }
            }
            return true;
        }
        if (holds.isHeld(m))
        {
            return false;
        }
        final int length = Array.getLength(m.target);
        for (final int c : chunks)
        {
            final int lo = c * m.chunkElems;
            final int hi = Math.min(length, lo + m.chunkElems);
            if (ArrayOps.firstDifferent(m.target, m.twin, lo, hi) != hi)
            {
                return false;
            }
        }
        return true;
    }

    private boolean serveFetch(final int from, final long correlationId, final WireIn in, final boolean releasedOnly)
    {
        final long gid = in.getLong();
        final Meta m = byGid.get(gid);
        if (m == null || m.home != self)
        {
            if (releasedOnly)
            {
                return false; // the worker's serving reports it
            }
            net.sendError(from, correlationId, "no object " + Long.toHexString(gid) + " is homed on node " + self);
            return true;
        }
        final WireOut out = net.reply();
        final int[] chunks = m.kind == Meta.Kind.ARRAY ? readChunks(in, m) : null;
        if (m.kind == Meta.Kind.ARRAY && chunks == null)
        {
            throw new WireException("bad chunk list for " + m);
        }
        // what the requester fetches along (see Prefetches), each under its own lock: an invalidation that
        // overtakes the reply is caught there by the count of invalidations it saw when it asked
        final WireOut extras = in.remaining() > 0 ? prefetches.serve(from, in, m.kind, releasedOnly) : null;
        synchronized (m)
        {
            if (releasedOnly && !releasedHere(m, chunks))
            {
                return false;
            }
            if (m.kind == Meta.Kind.ARRAY)
            {
                writeChunks(out, m, chunks, from);
            }
            else
            {
                writeCopy(out, m, from);
            }
            if (extras != null)
            {
                out.putBytes(extras.toBytes(), 0, extras.length());
            }
            // sent under the lock so that a later invalidation of this copy cannot overtake it
            net.sendReply(from, correlationId, out);
        }
        return true;
    }

    /** Writes the fields of a home object for a copy on node {@code from}. Caller holds m. */
    void writeCopy(final WireOut out, final Meta m, final int from)
    {
        if (m.twin == null)
        {
            // A thread of this node that checked the object while it was still local may store into it without a
            // trap even now: compare with what is sent here at the next releases (the recheck list), so that such
            // a store still invalidates this copy before the next holder of a lock reads it.
            m.twin = snapshot(m);
            m.recheckUntil = System.nanoTime() + RECHECK_NANOS;
            synchronized (dirtyLock)
            {
                recheck.add(m);
            }
        }
        writeAllFields(out, m, false);
        m.copyset |= 1L << from;
    }

    /**
     * Reads a list of chunks asked for of an array (a count, then the chunk numbers).
     *
     * @return them; null if m is no array or they do not fit it.
     */
    static int[] readChunks(final WireIn in, final Meta m)
    {
        final int[] chunks = new int[in.getCount(1 << 20)];
        boolean fit = m != null && m.kind == Meta.Kind.ARRAY && chunks.length <= m.chunks;
        for (int i = 0; i < chunks.length; i++)
        {
            chunks[i] = in.getInt();
            fit &= m != null && chunks[i] >= 0 && chunks[i] < m.chunks;
        }
        return fit ? chunks : null;
    }

    /** Writes the chunks of a home array and adds the requester to their copysets. Caller holds m. */
    void writeChunks(final WireOut out, final Meta m, final int[] chunks, final int from)
    {
        final int length = Array.getLength(m.target);
        for (final int c : chunks)
        {
            final int fromIdx = c * m.chunkElems;
            codec.writeElements(out, m.target, fromIdx, Math.min(length, fromIdx + m.chunkElems));
            m.chunkCopyset[c] |= 1L << from;
        }
    }

    /** Writes every (mutable, for statics unless {@code allStatics}) field of a home entity. */
    void writeAllFields(final WireOut out, final Meta m, final boolean allStatics)
    {
        final Object owner = m.kind == Meta.Kind.OBJECT ? m.target : null;
        final ClassLayout layout = ClassLayout.of(m.kind == Meta.Kind.OBJECT ? m.target.getClass() : (Class<?>)m.target);
        final Field[] fields = m.kind == Meta.Kind.OBJECT ? layout.fields : allStatics ? layout.statics : layout.mutableStatics;
        // volatile fields first, as in writeDiff: threads of this node may be writing the entity meanwhile
        final Object[] values = readFields(fields, m.kind == Meta.Kind.OBJECT ? layout.fieldsReadOrder :
            allStatics ? layout.staticsReadOrder : layout.mutableStaticsReadOrder, owner);
        out.putInt(fields.length);
        for (int i = 0; i < fields.length; i++)
        {
            final Field f = fields[i];
            try
            {
                codec.writeField(out, f.getType(), values[i]);
            }
            catch (final SsiException ex)
            {
                throw ex.addPath((m.kind == Meta.Kind.STATICS ? ((Class<?>)m.target).getName() + "." : "") + f.getName());
            }
        }
    }

    /**
     * Writes every entity homed here with all of its state, for a checkpoint taken while the program's threads are
     * held and every node has released: per entity its kind (1 object, 2 array, 3 statics, 4 plain Object), global
     * id, identity hash and type (objects, arrays: class name and length; statics: the class's name), then the
     * length of the rest and its fields or elements, with references as global ids; 0 ends the list. Objects first
     * shared by this writing (a home object's field that pointed to a local one) are written too. Nothing changes
     * meanwhile: every node's program threads are held and every node has released.
     *
     * @param onlyChanged write only what changed since the last call (an incremental checkpoint, which a restore
     *                    lays over the ones before it), else everything.
     * @param images      if not null, receives each entity's bytes by global id (a check of the incremental ones).
     * @return how many entities were written.
     */
    long writeHomes(final WireOut out, final boolean onlyChanged, final Map<Long, byte[]> images)
    {
        final java.util.Set<Long> written = new java.util.HashSet<>();
        final java.util.concurrent.ConcurrentLinkedQueue<Meta> changed = changedHomes;
        long count = 0;
        while (true)
        {
            final List<Meta> todo = new ArrayList<>();
            if (onlyChanged && changed != null)
            {
                // only what was noted (writing may share more: those are noted too, and taken in the next round)
                for (Meta m = changed.poll(); m != null; m = changed.poll())
                {
                    if (m.home == self && m.changedSinceCheckpoint && !written.contains(m.gid))
                    {
                        todo.add(m);
                    }
                }
            }
            else
            {
                if (changed != null)
                {
                    changed.clear(); // everything is written: what was noted so far is in it
                }
                for (final Meta m : byGid.values())
                {
                    if (m.home == self && !written.contains(m.gid) && (!onlyChanged || m.changedSinceCheckpoint))
                    {
                        todo.add(m);
                    }
                }
            }
            if (todo.isEmpty())
            {
                break;
            }
            todo.sort(java.util.Comparator.comparingLong(m -> m.gid));
            for (final Meta m : todo)
            {
                written.add(m.gid);
                m.changedSinceCheckpoint = false;
                final int start = out.length();
                writeHome(out, m);
                if (images != null)
                {
                    final byte[] image = new byte[out.length() - start];
                    out.buffer().getBytes(start, image);
                    images.put(m.gid, image);
                }
                count++;
            }
        }
        out.putByte(0);
        return count;
    }

    /**
     * @return every entity homed here as {@link #writeHomes} writes it, by global id, without marking anything as
     * written (a check that an incremental checkpoint missed nothing).
     */
    Map<Long, byte[]> homeImages()
    {
        final Map<Long, byte[]> out = new HashMap<>();
        for (final Meta m : byGid.values())
        {
            if (m.home == self)
            {
                final WireOut w = new WireOut(256);
                writeHome(w, m);
                out.put(m.gid, w.toBytes());
            }
        }
        return out;
    }

    private void writeHome(final WireOut out, final Meta m)
    {
        out.putByte(m.kind.ordinal() + 1).putLong(m.gid).putInt(m.hash);
        synchronized (m)
        {
            switch (m.kind)
            {
                case OBJECT ->
                {
                    out.putString(m.target.getClass().getName());
                    final int at = bodyLengthAt(out);
                    writeAllFields(out, m, false);
                    out.putIntAt(at, out.length() - at - 4);
                }
                case ARRAY ->
                {
                    final int length = Array.getLength(m.target);
                    out.putString(m.target.getClass().getName()).putInt(length);
                    final int at = bodyLengthAt(out);
                    try
                    {
                        codec.writeElements(out, m.target, 0, length);
                    }
                    catch (final SsiException ex)
                    {
                        throw ex.addPath(m.target.getClass().getSimpleName());
                    }
                    out.putIntAt(at, out.length() - at - 4);
                }
                case STATICS ->
                {
                    out.putString(((Class<?>)m.target).getName());
                    final int at = bodyLengthAt(out);
                    writeAllFields(out, m, true);
                    out.putIntAt(at, out.length() - at - 4);
                }
                case PLAIN ->
                {
                    out.putInt(0); // identity and hash only
                }
            }
        }
    }

    /** The body of an entity's checkpoint image is preceded by its length, so that a restore can set it aside. */
    private static int bodyLengthAt(final WireOut out)
    {
        final int at = out.length();
        out.putInt(0);
        return at;
    }

    /** Applies diffs from another node, invalidates all other copies, then acknowledges. Blocks: not on the receiver. */
    void applyDiffs(final int from, final long correlationId, final WireIn in)
    {
        final int count = in.getCount(1 << 24);
        final Map<Integer, InvalidationBatch> invalidations = new HashMap<>();
        final List<Meta> invalidating = new ArrayList<>();
        final long keep = (1L << from) | (1L << self);
        for (int k = 0; k < count; k++)
        {
            final long gid = in.getLong();
            final Meta m = byGid.get(gid);
            if (m == null || m.home != self)
            {
                throw new WireException("diff for object " + Long.toHexString(gid) + " not homed on node " + self);
            }
            homeChanged(m);
            final int changes = in.getCount(1 << 28);
            if (m.kind == Meta.Kind.ARRAY)
            {
                final Class<?> ct = m.target.getClass().getComponentType();
                final int length = Array.getLength(m.target);
                boolean[] touched = new boolean[m.chunks];
                for (int r = 0; r < changes; r++)
                {
                    final int start = in.getInt();
                    final int len = in.getInt();
                    if (start < 0 || len < 0 || start + len > length)
                    {
                        throw new WireException("bad run [" + start + "," + (start + len) + ") in diff of " + m);
                    }
                    final Object part = codec.readElements(in, ct, len);
                    synchronized (m)
                    {
                        System.arraycopy(part, 0, m.target, start, len);
                        if (m.twin != null)
                        {
                            System.arraycopy(part, 0, m.twin, start, len);
                        }
                    }
                    for (int c = start / m.chunkElems; c <= (start + len - 1) / m.chunkElems; c++)
                    {
                        touched[c] = true;
                    }
                }
                synchronized (m)
                {
                    boolean any = false;
                    for (int c = 0; c < m.chunks; c++)
                    {
                        if (!touched[c])
                        {
                            continue;
                        }
                        long cs = m.chunkCopyset[c] & ~keep;
                        m.chunkCopyset[c] &= keep;
                        invalidateCopies(invalidations, cs, gid, c);
                        any |= cs != 0;
                    }
                    if (any)
                    {
                        m.invalidationsInFlight++;
                        invalidating.add(m);
                    }
                }
            }
            else
            {
                final Object owner = m.kind == Meta.Kind.OBJECT ? m.target : null;
                final Field[] fields = stateFields(m);
                final int[] idx = new int[changes];
                final Object[] values = new Object[changes];
                for (int r = 0; r < changes; r++)
                {
                    idx[r] = in.getCount(fields.length - 1);
                    values[r] = codec.readField(in, fields[idx[r]].getType());
                }
                synchronized (m)
                {
                    // A thread of this node reads the home copy without locking it: a volatile field written by the
                    // release must not show its new value before the plain fields written before it (FutureTask's
                    // state before its outcome), so the plain fields go first. (Deferring the volatile fields of the
                    // whole batch to the end was tried: it widened the window in which a diff's volatile value can
                    // overwrite a newer one set here by an atomic operation, and CyclicBarrier and Phaser stalled.)
                    for (int pass = 0; pass < 2; pass++)
                    {
                        for (int r = 0; r < changes; r++)
                        {
                            if (Modifier.isVolatile(fields[idx[r]].getModifiers()) != (pass == 1))
                            {
                                continue;
                            }
                            set(fields[idx[r]], owner, values[r]);
                            if (m.twin != null)
                            {
                                ((Object[])m.twin)[idx[r]] = values[r];
                            }
                        }
                    }
                    long cs = m.copyset & ~keep;
                    m.copyset &= keep;
                    invalidateCopies(invalidations, cs, gid, -1);
                    if (cs != 0)
                    {
                        m.invalidationsInFlight++;
                        invalidating.add(m);
                    }
                }
            }
        }
        try
        {
            if (!invalidations.isEmpty())
            {
                final Runnable hold = beforeInvalidating;
                if (hold != null)
                {
                    hold.run();
                }
                final int[] nodes = invalidations.keySet().stream().mapToInt(Integer::intValue).toArray();
                final WireOut[] msgs = new WireOut[nodes.length];
                for (int i = 0; i < nodes.length; i++)
                {
                    msgs[i] = invalidations.get(nodes[i]).finish();
                }
                net.callAll(nodes, msgs);
            }
        }
        finally
        {
            for (final Meta m : invalidating)
            {
                synchronized (m)
                {
                    m.invalidationsInFlight--;
                    m.notifyAll();
                }
            }
        }
        net.sendReply(from, correlationId, net.reply());
    }

    /**
     * On the home, before answering another node's atomic operation on {@code m}: waits until the invalidations
     * of copies that applied diffs of {@code m} sent are acknowledged (see Meta.invalidationsInFlight).
     */
    void awaitInvalidations(final Meta m)
    {
        synchronized (m)
        {
            boolean interrupted = false;
            while (m.invalidationsInFlight > 0)
            {
                try
                {
                    m.wait();
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The entity of a global id, or null after remembering an invalidation for it: a class's statics are registered
     * as a valid copy once its initializer has run with the values fetched from the home, and an invalidation sent
     * after that fetch may arrive first. Checked and remembered under the lock that registration takes, or a
     * registration in between would miss it and keep stale values valid.
     */
    private Meta metaOrEarlyInvalidation(final long gid)
    {
        final Meta m = byGid.get(gid);
        if (m != null)
        {
            return m;
        }
        synchronized (shareLock)
        {
            final Meta again = byGid.get(gid);
            if (again == null && homeOf(gid) != self)
            {
                earlyInvalidations.add(gid);
            }
            return again;
        }
    }

    /** Marks cached copies invalid. Runs on the receiver thread: short, non-blocking. */
    void invalidate(final int from, final long correlationId, final WireIn in)
    {
        final int count = in.getCount(1 << 24);
        boolean arrays = false;
        for (int k = 0; k < count; k++)
        {
            final long gid = in.getLong();
            final int chunk = in.getInt();
            final Meta m = metaOrEarlyInvalidation(gid);
            if (m == null || m.home == self)
            {
                continue;
            }
            synchronized (m)
            {
                m.invalidations++;
                if (m.kind == Meta.Kind.ARRAY)
                {
                    arrays = true;
                    if (chunk >= 0 && chunk < m.chunks)
                    {
                        m.chunkValid[chunk] = false;
                    }
                    else
                    {
                        java.util.Arrays.fill(m.chunkValid, false);
                    }
                }
                setState(m, m.state | Ssi.RTRAP | Ssi.WTRAP);
            }
        }
        if (arrays)
        {
            ArrayGuard.invalidateAll();
        }
        stats.invalidationsReceived.addAndGet(count);
        net.sendReply(from, correlationId, net.reply());
    }

    // ---------------------------------------------------------------- helpers

    /** Adds an invalidation of (gid, chunk) for every node in the copyset bit mask. */
    private void invalidateCopies(final Map<Integer, InvalidationBatch> out, final long copyset, final long gid,
        final int chunk)
    {
        long cs = copyset;
        while (cs != 0)
        {
            final int node = Long.numberOfTrailingZeros(cs);
            cs &= cs - 1;
            out.computeIfAbsent(node, n -> new InvalidationBatch(net)).add(gid, chunk);
        }
    }

    /**
     * Reads {@code fields} of {@code owner} (null: statics) in the given order (ClassLayout's volatile-first orders)
     * into an array indexed like {@code fields}.
     */
    static Object[] readFields(final Field[] fields, final int[] order, final Object owner)
    {
        final Object[] values = new Object[fields.length];
        for (final int i : order)
        {
            values[i] = get(fields[i], owner);
        }
        return values;
    }

    static ClassLayout layoutOf(final Meta m)
    {
        return ClassLayout.of(m.kind == Meta.Kind.OBJECT ? m.target.getClass() : (Class<?>)m.target);
    }

    /** The fields that make up the state of an object or of a class's statics (those that can change). */
    static Field[] stateFields(final Meta m)
    {
        return m.kind == Meta.Kind.OBJECT ?
            ClassLayout.of(m.target.getClass()).fields : ClassLayout.of((Class<?>)m.target).mutableStatics;
    }

    static boolean same(final Object a, final Object b)
    {
        if (a == b)
        {
            return true;
        }
        if (a == null || b == null)
        {
            return false;
        }
        if (a instanceof Double && b instanceof Double)
        {
            return Double.doubleToRawLongBits((Double)a) == Double.doubleToRawLongBits((Double)b);
        }
        if (a instanceof Float && b instanceof Float)
        {
            return Float.floatToRawIntBits((Float)a) == Float.floatToRawIntBits((Float)b);
        }
        if (a instanceof Number || a instanceof Boolean || a instanceof Character)
        {
            return a.getClass() == b.getClass() && a.equals(b);
        }
        return false;
    }

    static Object get(final Field f, final Object owner)
    {
        try
        {
            return f.get(owner);
        }
        catch (final IllegalAccessException ex)
        {
            throw new SsiException("cannot read " + f, ex);
        }
    }

    static void set(final Field f, final Object owner, final Object value)
    {
        try
        {
            f.set(owner, value);
        }
        catch (final IllegalAccessException ex)
        {
            throw new SsiException("cannot write " + f, ex);
        }
    }

    static void waitUninterruptibly(final Object monitor)
    {
        try
        {
            monitor.wait(100);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Diffs for one home, built while flushing. */
    static final class DiffBatch
    {
        final WireOut out;
        final int countAt;
        final List<Meta> sent = new ArrayList<>();
        int count;

        DiffBatch(final Net net)
        {
            out = net.message(MessageTypes.DIFF);
            countAt = out.length();
            out.putInt(0);
        }

        void add(final ObjectSpace space, final Meta m)
        {
            final int mark = out.length();
            if (m.twin == null)
            {
                return;
            }
            if (space.writeDiff(out, m) == 0)
            {
                // nothing changed: drop the empty entry again
                truncate(mark);
                return;
            }
            m.diffInFlight = true;
            m.diffsSent++;
            sent.add(m);
            count++;
        }

        private void truncate(final int mark)
        {
            // WireOut has no truncate; rewrite by position bookkeeping
            out.rewind(mark);
        }

        WireOut finish()
        {
            out.putIntAt(countAt, count);
            return out;
        }
    }

    /** Invalidations for one node. */
    static final class InvalidationBatch
    {
        final WireOut out;
        final int countAt;
        int count;

        InvalidationBatch(final Net net)
        {
            out = net.message(MessageTypes.INVALIDATE);
            countAt = out.length();
            out.putInt(0);
        }

        void add(final long gid, final int chunk)
        {
            out.putLong(gid).putInt(chunk);
            count++;
        }

        WireOut finish()
        {
            out.putIntAt(countAt, count);
            return out;
        }
    }
}
