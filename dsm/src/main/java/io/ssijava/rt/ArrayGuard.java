package io.ssijava.rt;

/**
 * A per-call-site memo for array access checks: arrays carry no injected field, so the fact "this array may be
 * read (or written) here without a trap" is remembered per site together with the epoch in which it was checked.
 * Before the memo, a node-wide count decides: while no shared array on the node is invalid ({@link #invalidArrays})
 * or write-trapped ({@link #trappedArrays}), a read (or write) check passes at once. Otherwise the fast path is three
 * loads and two compares; any invalidation or flush on the node bumps the epoch and re-arms every guard.
 * <p>
 * Each rewritten array access calls a small check method of its own that holds this fast path ({@link #read},
 * {@link #write}, {@link Entry}) and calls {@link #readMiss}/{@link #writeMiss} only when it fails: each site then has
 * its own branch profile, so a site that never missed while hot compiles its miss to an uncommon trap and C2 can
 * hoist a read check out of the loop around it. Write checks read volatile fields and stay in every iteration (see
 * {@link #writeEpoch}), except that an application class's checks read {@link #trappedArrays} through
 * {@link ArrayWriteSite}, which answers the constant 0 until the node shares its first array, and that in a loop
 * which makes no call, an application class's write check of an array the loop never reassigns moves in front of
 * the loop and holds the array for the thread ({@link #checkHoistedWrite}). Through the shared
 * {@link #checkRead} all sites would pool one profile that always shows misses.
 * <p>
 * Entries are immutable so that a racing update by another thread can never pair an array with the wrong epoch.
 * <p>
 * Do not use -- for internal use only.
 */
public final class ArrayGuard
{
    /** Bumped when any shared array on this node is invalidated: re-arms read and write guards. */
    public static int readEpoch = 1;
    /**
     * Bumped when dirty arrays are flushed (their write traps re-armed) and on every invalidation. Volatile, unlike
     * the read side: a write check must never be hoisted out of a loop (a flush by another thread re-arms the trap
     * mid-loop, and the writes after it must trap), and a volatile load keeps the JIT from doing so even where a
     * site never missed and its miss compiled to an uncommon trap.
     */
    public static volatile int writeEpoch = 1;
    /**
     * How many shared arrays on this node have their write trap armed. While none, no array write needs a twin, so
     * write checks pass at once. Volatile for the same reason as {@link #writeEpoch}.
     */
    public static volatile int trappedArrays;
    /**
     * How many shared arrays on this node have an invalid part. While none, no array read can need a fault, so
     * read checks pass at once: a node's local arrays are read at plain speed, whatever a site's memo holds. A
     * plain field like the epochs: a thread sees a new value after its next acquire.
     */
    public static int invalidArrays;
    /** Bumped when an array of this node becomes shared: re-arms the "still local" memos. */
    public static volatile int shareEpoch = 1;

    /**
     * Whether this JVM is a node of a cluster job. Fixed before the first guard is used (the agent sets the
     * system property in premain), so on a single JVM the JIT folds every guard away. Loaded by the boot loader,
     * this class is part of the instrumented JDK, which only cluster nodes run, and may be initialized before
     * system properties exist.
     */
    public static final boolean ACTIVE = ArrayGuard.class.getClassLoader() == null || Boolean.getBoolean(Ssi.CLUSTER_PROPERTY);

    private static final Entry NONE = new Entry(null, 0);
    /**
     * The node's recent read checks of shared arrays, by identity hash: a site whose array changes in every iteration
     * (the rows of a matrix in a loop over them) misses its own memo each time, and would otherwise look the array
     * up in the object space, under its lock, each time. Valid for one read epoch, as the memos are. Shared arrays
     * only: the object space keeps those alive anyway. Two ways per hash (a slot and its neighbour), so that the
     * rows of a few matrices of thousands of rows each mostly stay.
     */
    private static final Entry[] PASSED = new Entry[1 << 15];

    static
    {
        for (int i = 0; i < PASSED.length; i++)
        {
            PASSED[i] = NONE;
        }
    }
    private static final Held NOT_HELD = new Held(null, null, null, 0);

    /** The last array this site read without a trap, and the read epoch then. */
    public Entry read = NONE;
    /** The last array this site wrote without a trap, and the write epoch then. */
    public Entry write = NONE;
    private Entry local = NONE;
    /** The last array this site's hoisted write check passed, for which thread and in which of its scopes. */
    public Held held = NOT_HELD;

    /**
     * Checks that {@code array} may be read on this node, faulting it in first if needed.
     *
     * @param array the array about to be read; null is left for the load itself to throw on.
     */
    public void checkRead(final Object array)
    {
        if (!ACTIVE || invalidArrays == 0)
        {
            return;
        }
        final Entry e = read;
        if (e.array != array || e.epoch != readEpoch)
        {
            readMiss(array);
        }
    }

    /**
     * Checks that {@code array} may be written on this node (twinned for diffing if shared).
     *
     * @param array the array about to be written.
     */
    public void checkWrite(final Object array)
    {
        if (!ACTIVE || trappedArrays == 0)
        {
            return;
        }
        final Entry e = write;
        if (e.array != array || e.epoch != writeEpoch)
        {
            writeMiss(array);
        }
    }

    /**
     * The write check of a loop that makes no call, on an array the loop never reassigns, made once before the loop
     * instead of at every write: the array stays writable without traps until the thread's {@link WriteScope} ends
     * (the runtime "holds" it), which cannot happen inside such a loop. Plain loads only, so a loop around the whole
     * check can hoist it too. Folded away while the node has shared no array ({@link ArrayWriteSite#hoisting}).
     *
     * @param array the array about to be written in the loop.
     */
    public void checkHoistedWrite(final Object array)
    {
        if (!ACTIVE || ArrayWriteSite.hoisting() == 0)
        {
            return;
        }
        final Held h = held;
        if (h.array != array || h.thread != Thread.currentThread() || h.epoch != h.scope.epoch)
        {
            holdMiss(array);
        }
    }

    /** The slow path of a hoisted write check: has the runtime hold the array, and remembers the hold. */
    public void holdMiss(final Object array)
    {
        final Runtime rt = Ssi.runtime;
        if (array == null || rt == null)
        {
            return;
        }
        final WriteScope scope = rt.holdArray(array);
        if (scope != null)
        {
            held = new Held(array, Thread.currentThread(), scope, scope.epoch);
        }
    }

    /**
     * Whether {@code array} is still local to this node (never shared): then an atomic operation on it may run here.
     *
     * @param array the array about to be updated atomically.
     */
    public boolean isLocal(final Object array)
    {
        final Entry e = local;
        if (e.array == array && e.epoch == shareEpoch)
        {
            return true;
        }
        final int epoch = shareEpoch;
        final Runtime rt = Ssi.runtime;
        if (rt != null && rt.isShared(array))
        {
            return false;
        }
        local = new Entry(array, epoch);
        return true;
    }

    /** Called by the runtime when a local array becomes shared. */
    public static void arrayShared()
    {
        shareEpoch++;
    }

    /** The slow path of a read check: faults the array in if needed and remembers it for the current epoch. */
    public void readMiss(final Object array)
    {
        if (array == null)
        {
            return;
        }
        final int epoch = readEpoch;
        final int slot = System.identityHashCode(array) & (PASSED.length - 1);
        final Entry first = PASSED[slot];
        final Entry second = PASSED[slot ^ 1];
        if (first.array == array && first.epoch == epoch)
        {
            read = first;
            return;
        }
        if (second.array == array && second.epoch == epoch)
        {
            read = second;
            return;
        }
        final Runtime rt = Ssi.runtime;
        final Entry e = new Entry(array, epoch);
        if (rt != null && rt.arrayReadMiss(array))
        {
            PASSED[first.epoch == epoch ? slot ^ 1 : slot] = e; // a way taken in this epoch stays
        }
        read = e;
    }

    /** The slow path of a write check: twins the array if needed and remembers it for the current epoch. */
    public void writeMiss(final Object array)
    {
        if (array == null)
        {
            return;
        }
        final int epoch = writeEpoch;
        final Runtime rt = Ssi.runtime;
        if (rt != null)
        {
            rt.arrayWriteMiss(array);
        }
        write = new Entry(array, epoch);
    }

    /** Bumps both epochs; called by the runtime after it changes the state of any shared array. */
    public static void invalidateAll()
    {
        readEpoch++;
        writeEpoch++;
    }

    /** Bumps the write epoch; called after a flush re-arms write traps. */
    public static void rearmWrites()
    {
        writeEpoch++;
    }

    /** An immutable hold: an array held by a thread in one epoch of its scope. */
    public static final class Held
    {
        /** The array held. */
        public final Object array;
        /** The thread that holds it. */
        public final Thread thread;
        /** That thread's scope. */
        public final WriteScope scope;
        /** The scope's epoch when the array was held. */
        public final int epoch;

        Held(final Object array, final Thread thread, final WriteScope scope, final int epoch)
        {
            this.array = array;
            this.thread = thread;
            this.scope = scope;
            this.epoch = epoch;
        }
    }

    /** An immutable (array, epoch) pair, so that a racing update can never pair an array with the wrong epoch. */
    public static final class Entry
    {
        /** The array checked. */
        public final Object array;
        /** The epoch in which it was checked. */
        public final int epoch;

        Entry(final Object array, final int epoch)
        {
            this.array = array;
            this.epoch = epoch;
        }
    }
}
