package io.ssijava.dsm;

/**
 * What this node knows about one shared entity: an object of a rewritten class, an array, or a class's statics.
 * The home node holds the master copy and the copyset; other nodes hold a cached copy and, while it is dirty, a twin.
 * <p>
 * Locking rule: the monitor of a Meta guards its fields and is only ever held for short, non-blocking sections
 * (never across a network round trip), so that the receiver thread may take it.
 */
final class Meta
{
    enum Kind
    {
        OBJECT, ARRAY, STATICS,
        /** An instance of plain java.lang.Object: no state, only identity and a monitor. */
        PLAIN
    }

    final long gid;
    final int home;
    final int slot;
    final Kind kind;
    /** The local copy (object, array) or the class (statics). */
    final Object target;
    /** Identity hash code on the home node. */
    final int hash;

    /** State word; mirrored into the object's (or class's) injected field for OBJECT and STATICS. */
    int state;
    /** Home only: bit i set when node i may hold a valid copy (of chunk c, for arrays: chunkCopyset). */
    long copyset;
    long[] chunkCopyset;
    /** Cached copies only, arrays: which chunks are valid. */
    boolean[] chunkValid;
    final int chunkElems;
    final int chunks;
    /** Cached copies that were written: the values as last known at the home. */
    Object twin;
    /** Bumped by every invalidation, so a fetch that raced with one does not mark the copy valid. */
    int invalidations;
    boolean fetching;
    /** Diffs of this copy sent to the home (and whether one is not yet acknowledged): a fetch must not undo them. */
    int diffsSent;
    boolean diffInFlight;
    /**
     * On the home: diffs applied whose invalidations of other nodes' copies are not yet acknowledged. An atomic
     * operation that succeeds on what such a diff wrote (a lock's state set free) must not answer before them, or
     * the new holder's node would work on its stale copy (guarded by m).
     */
    int invalidationsInFlight;
    boolean inDirtySet;
    /**
     * Until when (System.nanoTime) releases keep comparing this entity with its twin although it looked quiet: a
     * thread that passed its write check just before a release re-armed the trap may store only later (it can be
     * descheduled in between), and that store must still be noticed.
     */
    long recheckUntil;
    /**
     * Home only: changed (or shared) since a checkpoint last wrote it, so the next incremental checkpoint writes it.
     * Set wherever the coherence protocol learns of a change at the home (a write trap, a release that finds a
     * difference with the twin, a diff or an atomic operation applied); read and cleared while every program thread
     * of the job is held.
     */
    volatile boolean changedSinceCheckpoint;
    /** Created once, under this Meta's monitor; read without it on the lock fast path. */
    volatile LockState lock;

    Meta(final long gid, final int home, final int slot, final Kind kind, final Object target, final int hash,
        final int chunkElems, final int chunks)
    {
        this.gid = gid;
        this.home = home;
        this.slot = slot;
        this.kind = kind;
        this.target = target;
        this.hash = hash;
        this.chunkElems = chunkElems;
        this.chunks = chunks;
    }

    static int homeOf(final long gid)
    {
        return (int)(gid >>> 48);
    }

    static long gid(final int home, final long seq)
    {
        return ((long)home << 48) | seq;
    }

    @Override
    public String toString()
    {
        return kind + "#" + Long.toHexString(gid) + "@" + home;
    }
}
