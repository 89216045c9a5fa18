package io.ssijava.dsm;

import io.ssijava.rt.Managed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster-wide monitors and wait/notify for shared objects.
 * <p>
 * A token per object moves between nodes through its home, which acts as manager: a request goes to the manager,
 * which tells the node it last promised the token to hand it on (a queue, one hop each). The holder passes the
 * token on when no local thread is in the monitor, after a release ({@link ObjectSpace#flush}) so that the next
 * holder sees everything done under the lock. Threads on the holding node use the ordinary JVM monitor, which also
 * gives reentrancy and local mutual exclusion.
 * <p>
 * {@code wait()} registers a waiter id in a list that travels with the token, gives the token up, and sleeps in the
 * JVM's own {@code wait()}; {@code notify} on any node picks waiter ids from the list and wakes them where they are.
 * <p>
 * A thread that moves to another node while inside monitors takes them along ({@link #reserve}): until it enters
 * them again there, no other thread may enter, and the token passes through other nodes unused on its way to it.
 */
final class Locks
{
    private final ObjectSpace space;
    private final Net net;
    private final int self;
    private final Executor executor;
    private final AtomicLong waiterIds = new AtomicLong();
    private final Map<Long, Waiter> localWaiters = new ConcurrentHashMap<>();
    /** Threads in {@link #await}, for {@link #yieldWait}. */
    private final Map<Thread, Waiter> waitingThreads = new ConcurrentHashMap<>();
    /** Threads asked to stop waiting (see {@link #yieldWait}) that were not waiting yet. */
    private final Set<Thread> yieldAsked = ConcurrentHashMap.newKeySet();
    /** Longest JVM-level wait on a still local object before it re-checks whether it was shared. */
    private static final long LOCAL_WAIT_SLICE_MS = 50;
    /** A thread that waits this long to enter a shared monitor has the lock's state reported ({@code 0}: never). */
    private static final long LONG_WAIT_NANOS =
        java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Long.getLong("ssi.lockWaitReportMs", 30_000L));

    Locks(final ObjectSpace space, final Executor executor)
    {
        this.space = space;
        this.net = space.net;
        this.self = net.self();
        this.executor = executor;
    }

    private static final class Waiter
    {
        final Object monitor;
        boolean notified;
        /** Timed out or interrupted: a notify must go to another waiter. */
        boolean gone;
        /** Asked to stop waiting so that its thread can move (see {@link #yieldWait}). */
        boolean yielded;

        Waiter(final Object monitor)
        {
            this.monitor = monitor;
        }
    }

    private LockState lockOf(final Meta m)
    {
        final LockState known = m.lock;
        if (known != null)
        {
            return known;
        }
        synchronized (m)
        {
            LockState ls = m.lock;
            if (ls == null)
            {
                ls = m.lock = new LockState();
                if (m.home == self)
                {
                    ls.owned = true;
                    ls.managerOwner = self;
                }
            }
            return ls;
        }
    }

    // ---------------------------------------------------------------- enter / exit

    void enter(final Object o)
    {
        final Meta m = space.metaOf(o);
        if (m == null)
        {
            return;
        }
        final LockState ls = lockOf(m);
        final Thread me = Thread.currentThread();
        synchronized (ls)
        {
            if (m.home == self && !ls.departedOnce)
            {
                // only a home object that never lent its token out can have uncounted holders
                adoptLocalEntry(ls, o, me);
            }
            if (tryEnter(ls, me))
            {
                return;
            }
            ls.localWaiting++;
            final long since = System.nanoTime();
            try
            {
                while (!tryEnter(ls, me))
                {
                    if (!ls.owned && !ls.requested)
                    {
                        ls.requested = true;
                        requestToken(m);
                    }
                    try
                    {
                        final long left = LONG_WAIT_NANOS - (System.nanoTime() - since);
                        if (LONG_WAIT_NANOS <= 0 || ls.longWaitReported)
                        {
                            ls.wait();
                        }
                        else if (left > 0)
                        {
                            ls.wait(left / 1_000_000L + 1);
                        }
                        else
                        {
                            reportLongWait(m, ls, me);
                        }
                    }
                    catch (final InterruptedException ex)
                    {
                        // monitorenter cannot be interrupted; keep the flag for later
                        me.interrupt();
                    }
                }
            }
            finally
            {
                ls.localWaiting--;
            }
        }
    }

    /**
     * Counts the thread in if this node holds the token and may use it: always for a reentry; the thread the monitor
     * is reserved for whenever the token is not being handed over (the reservation stands until the JVM has let it
     * in too, see {@link #entered}); otherwise unless it is reserved, being handed over, or another node waits for it
     * and this node has used it since it arrived. Caller holds ls.
     */
    private static boolean tryEnter(final LockState ls, final Thread me)
    {
        final int depth = ls.depth.get(me);
        if (ls.owned && depth == 0 && ls.reservedFor >= 0)
        {
            if (ls.transferring || ls.reservedFor != me.getId())
            {
                return false;
            }
            ls.holds++;
            ls.usesSinceGrant++;
            ls.depth.set(me, 1);
            ls.admitted = me.getId();
            return true;
        }
        if (ls.owned && (depth != 0 || !ls.transferring && (ls.revokeTo < 0 || ls.usesSinceGrant == 0)))
        {
            ls.holds++;
            ls.usesSinceGrant++;
            ls.depth.set(me, depth + 1);
            ls.admitted = me.getId();
            return true;
        }
        return false;
    }

    /**
     * Whether the monitor is free of reservations for {@code me}: not reserved, or reserved for it (then the
     * reservation ends: the thread that took the monitor along is in it again). Caller holds ls.
     */
    private static boolean takeReservation(final LockState ls, final Thread me)
    {
        if (ls.reservedFor < 0)
        {
            return true;
        }
        if (ls.reservedFor != me.getId())
        {
            return false;
        }
        ls.reservedFor = -1;
        ls.reservedNode = -1;
        ls.notifyAll(); // threads of this node kept out meanwhile may enter now
        return true;
    }

    void exit(final Object o)
    {
        final Meta m = space.metaOf(o);
        if (m == null)
        {
            return;
        }
        final LockState ls = lockOf(m);
        final Thread me = Thread.currentThread();
        final boolean handOver;
        synchronized (ls)
        {
            final int d = ls.depth.get(me);
            if (d == 0)
            {
                // entered while the object was still local: nothing was counted
                return;
            }
            ls.depth.set(me, d - 1);
            ls.holds--;
            handOver = readyToHandOver(ls);
        }
        if (handOver)
        {
            handOver(m, ls);
        }
    }

    /**
     * Whether the token should go now; starts the hand-over if so. A token reserved for a thread on its way here
     * stays; one reserved for a thread elsewhere goes on unused. Caller holds ls.
     */
    private boolean readyToHandOver(final LockState ls)
    {
        final boolean reserved = ls.reservedFor >= 0;
        if (ls.owned && !ls.transferring && ls.holds == 0 && ls.revokeTo >= 0 &&
            (reserved ? ls.reservedNode != self : ls.usesSinceGrant > 0 || ls.localWaiting == 0))
        {
            ls.transferring = true;
            return true;
        }
        return false;
    }

    /** Flushes this node's writes and passes the token to the next node. Blocks; never on the receiver. */
    private void handOver(final Meta m, final LockState ls)
    {
        final boolean first;
        synchronized (ls)
        {
            first = firstDepartureFromHome(m, ls);
        }
        if (first)
        {
            // The first time the token leaves its home, a local thread may still be inside the monitor it entered
            // while the object was local (uncounted): wait until no thread of this node holds the JVM monitor.
            synchronized (m.target)
            {
                handOverNow(m, ls);
            }
            return;
        }
        handOverNow(m, ls);
    }

    private void handOverNow(final Meta m, final LockState ls)
    {
        try
        {
            space.flush();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("ssi-java: node " + self + ": release before lock hand-over failed: " + ex);
        }
        final int to;
        final List<Long> waiters;
        final long reservedFor;
        final int reservedNode;
        synchronized (ls)
        {
            if (ls.holds > 0)
            {
                // a thread that already held the JVM monitor was counted meanwhile: it hands over at its exit
                ls.transferring = false;
                ls.notifyAll();
                return;
            }
            if (!ls.departedOnce && m.home == self)
            {
                // A thread may have found the object still local just before it was shared, and take the JVM
                // monitor once it is free of this hand-over: from now on entries are checked (see entered).
                io.ssijava.rt.Ssi.checkMonitorEntries();
            }
            ls.departedOnce = true;
            to = ls.revokeTo;
            waiters = ls.waiters;
            ls.waiters = new ArrayList<>();
            ls.revokeTo = -1;
            reservedFor = ls.reservedFor;
            reservedNode = ls.reservedNode;
            ls.reservedFor = -1;
            ls.reservedNode = -1;
            ls.owned = false;
            ls.transferring = false;
            ls.usesSinceGrant = 0;
            if (ls.localWaiting > 0 && !ls.requested)
            {
                ls.requested = true;
                requestToken(m);
            }
        }
        space.stats.lockTransfers.incrementAndGet();
        final WireOut grant = net.message(MessageTypes.LOCK_GRANT).putLong(m.gid).putLong(reservedFor)
            .putInt(reservedNode).putInt(waiters.size());
        for (final long w : waiters)
        {
            grant.putLong(w);
        }
        if (to == self)
        {
            onGrant(new WireIn(grant.toBytes(), 9, grant.length() - 9));
        }
        else
        {
            net.send(to, grant);
        }
    }

    private void requestToken(final Meta m)
    {
        // caller holds the LockState monitor; sending is non-blocking
        if (m.home == self)
        {
            executor.execute(() -> onRequest(self, m.gid));
        }
        else
        {
            net.send(m.home, net.message(MessageTypes.LOCK_REQUEST).putLong(m.gid));
        }
    }

    // ---------------------------------------------------------------- messages (receiver thread: non-blocking)

    /** At the manager (home): a node asks for the token. */
    void onRequest(final int from, final long gid)
    {
        final Meta m = space.byGid(gid);
        if (m == null || m.home != self)
        {
            return;
        }
        final LockState ls = lockOf(m);
        final int previous;
        synchronized (ls)
        {
            previous = ls.managerOwner;
            ls.managerOwner = from;
        }
        if (previous == self)
        {
            onRevoke(gid, from);
        }
        else
        {
            net.send(previous, net.message(MessageTypes.LOCK_REVOKE).putLong(gid).putInt(from));
        }
    }

    /** At the node the token was promised to: pass it to {@code next} after using it. */
    void onRevoke(final long gid, final int next)
    {
        final Meta m = space.byGid(gid);
        if (m == null)
        {
            return;
        }
        final LockState ls = lockOf(m);
        final boolean handOver;
        synchronized (ls)
        {
            if (!ls.owned)
            {
                ls.pendingRevoke = next;
                return;
            }
            ls.revokeTo = next;
            handOver = readyToHandOver(ls);
        }
        if (handOver)
        {
            executor.execute(() -> handOver(m, ls));
        }
    }

    /** The token arrives, with its reservation and the waiter list. */
    void onGrant(final WireIn in)
    {
        final long gid = in.getLong();
        final long reservedFor = in.getLong();
        final int reservedNode = in.getInt();
        if (reservedFor >= 0 && (reservedNode < 0 || reservedNode >= net.nodeCount()))
        {
            throw new WireException("a lock reserved for node " + reservedNode);
        }
        final int n = in.getCount(1 << 20);
        final List<Long> waiters = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            waiters.add(in.getLong());
        }
        final Meta m = space.byGid(gid);
        if (m == null)
        {
            return;
        }
        final LockState ls = lockOf(m);
        final boolean handOver;
        synchronized (ls)
        {
            ls.owned = true;
            ls.requested = false;
            ls.usesSinceGrant = 0;
            ls.waiters = waiters;
            ls.reservedFor = reservedFor;
            ls.reservedNode = reservedFor < 0 ? -1 : reservedNode;
            if (reservedFor >= 0)
            {
                io.ssijava.rt.Ssi.checkMonitorEntries(); // the reservation ends in entered()
            }
            if (ls.pendingRevoke >= 0)
            {
                ls.revokeTo = ls.pendingRevoke;
                ls.pendingRevoke = -1;
            }
            ls.notifyAll();
            handOver = readyToHandOver(ls);
        }
        if (handOver)
        {
            executor.execute(() -> handOver(m, ls));
        }
    }

    // ---------------------------------------------------------------- long waits

    /**
     * A thread has waited {@link #LONG_WAIT_NANOS} to enter o's monitor: says so with this node's view of the lock,
     * and asks every other node for its own ({@link #onProbe}), so that a lock held long, or a token that no node
     * passes on, can be told apart. Once per lock and node. Caller holds ls.
     */
    private void reportLongWait(final Meta m, final LockState ls, final Thread me)
    {
        ls.longWaitReported = true;
        System.err.println("ssi-java: node " + self + ": thread " + me.getName() + " has waited " +
            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(LONG_WAIT_NANOS) + " ms to enter the monitor of " +
            describeTarget(m) + "; here: " + ls.describe(m.home == self) + "; asking the other nodes");
        for (int node = 0; node < net.nodeCount(); node++)
        {
            if (node != self)
            {
                net.send(node, net.message(MessageTypes.LOCK_PROBE).putLong(m.gid));
            }
        }
    }

    /** Another node's thread has waited long for a lock: reports this node's view of it. */
    void onProbe(final int from, final long gid)
    {
        final Meta m = space.byGid(gid);
        final String state;
        if (m == null)
        {
            state = "the object is not known here";
        }
        else
        {
            final LockState ls = m.lock;
            if (ls == null)
            {
                state = "the lock was never used here" + (m.home == self ? " (token here)" : "");
            }
            else
            {
                synchronized (ls)
                {
                    state = ls.describe(m.home == self);
                }
            }
        }
        System.err.println("ssi-java: node " + self + ": the monitor of " + (m == null ? Long.toHexString(gid) :
            describeTarget(m)) + ", which a thread of node " + from + " has waited long to enter; here: " + state);
    }

    private static String describeTarget(final Meta m)
    {
        return (m.kind == Meta.Kind.STATICS ? "the statics of " + ((Class<?>)m.target).getName() :
            "a " + m.target.getClass().getName()) + " (" + m + ")";
    }

    // ---------------------------------------------------------------- wait / notify

    /**
     * {@code o.wait(millis, nanos)} through the cluster.
     *
     * @return true if it stopped early only because it was asked to ({@link #yieldWait}): neither notified nor
     * interrupted, it holds the monitor again and is no longer a waiter, so the caller may wait again (elsewhere)
     * for the time that is left without missing a notify.
     */
    boolean await(final Object o, final long millis, final int nanos) throws InterruptedException
    {
        final Meta m = space.metaOf(o);
        if (m == null)
        {
            // local for now: wait in slices (spurious wake-ups are allowed) so that a notify sent through the
            // cluster after the object is shared cannot be missed
            o.wait(millis == 0 ? LOCAL_WAIT_SLICE_MS : Math.min(millis, LOCAL_WAIT_SLICE_MS));
            adoptHeldMonitor(o);
            return false;
        }
        final LockState ls = lockOf(m);
        final Thread me = Thread.currentThread();
        final long id = ((long)self << 48) | waiterIds.incrementAndGet();
        final Waiter w = new Waiter(o);
        final int d;
        final boolean handOver;
        synchronized (ls)
        {
            adoptLocalEntry(ls, o, me);
            final int depth = ls.depth.remove(me);
            if (depth == 0 || !ls.owned)
            {
                throw new IllegalMonitorStateException("current thread is not owner");
            }
            d = depth;
            ls.holds -= d;
            ls.waiters.add(id);
            localWaiters.put(id, w);
            handOver = readyToHandOver(ls);
        }
        if (handOver)
        {
            executor.execute(() -> handOver(m, ls));
        }
        waitingThreads.put(me, w);
        if (yieldAsked.remove(me))
        {
            synchronized (w)
            {
                w.yielded = true;
            }
        }
        InterruptedException interrupted = null;
        boolean yielded = false;
        try
        {
            final long deadline = millis == 0 && nanos == 0 ? 0 : System.nanoTime() + millis * 1_000_000L + nanos;
            synchronized (w)
            {
                // the waker sets the flag under w, so a wake-up between our registration and here is not lost
            }
            while (!isOver(w))
            {
                if (deadline == 0)
                {
                    o.wait(100);
                }
                else
                {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        break;
                    }
                    o.wait(Math.max(1, Math.min(100, left / 1_000_000L)));
                }
            }
        }
        catch (final InterruptedException ex)
        {
            interrupted = ex;
        }
        finally
        {
            waitingThreads.remove(me);
            yieldAsked.remove(me);
            synchronized (w)
            {
                // asked to stop: it stays a waiter until it holds the monitor again (its id leaves the list then),
                // so that a notify meanwhile still counts for it
                yielded = w.yielded && !w.notified && interrupted == null;
                if (!yielded)
                {
                    w.gone = !w.notified;
                }
            }
            if (!yielded)
            {
                localWaiters.remove(id);
            }
            reacquire(o, m, ls, me, d, id);
            if (yielded)
            {
                synchronized (w)
                {
                    w.gone = !w.notified;
                    yielded = w.gone;
                }
                localWaiters.remove(id);
            }
        }
        if (interrupted != null)
        {
            throw interrupted;
        }
        return yielded;
    }

    /** Notified, or asked to stop waiting. */
    private static boolean isOver(final Waiter w)
    {
        synchronized (w)
        {
            return w.notified || w.yielded;
        }
    }

    /**
     * Makes a thread in {@link #await} (or about to be) stop waiting and take the monitor back, so that its frames
     * can be captured and move with the monitor (see {@link #reserve}); {@code await} then answers true and the
     * caller waits again where it arrives. A notify that picks it before it holds the monitor again still counts.
     *
     * @param t the thread.
     */
    void yieldWait(final Thread t)
    {
        yieldAsked.add(t);
        final Waiter w = waitingThreads.get(t);
        if (w == null)
        {
            return; // not waiting yet: it sees yieldAsked when it registers
        }
        yieldAsked.remove(t);
        synchronized (w)
        {
            w.yielded = true;
        }
        nudge(w);
    }

    /** Wakes a waiter to look at its flags, without taking its JVM monitor on this thread. */
    private void nudge(final Waiter w)
    {
        executor.execute(() ->
        {
            synchronized (w.monitor)
            {
                w.monitor.notifyAll();
            }
        });
    }

    /**
     * The current thread, inside o's monitor, is captured to move to node {@code to}: the monitor stays its own
     * (no other thread may enter) until it enters it again there. Shares o if it is still local. No-op for a monitor
     * that is not shared between nodes (the class of statics that are not).
     *
     * @param o  the monitor.
     * @param to the node the thread goes to.
     */
    void reserve(final Object o, final int to)
    {
        final Meta m = o instanceof Class ? space.staticsMeta((Class<?>)o) :
            o instanceof Managed || o.getClass().isArray() || o.getClass() == Object.class ? space.share(o) : null;
        if (m == null)
        {
            return;
        }
        final LockState ls = lockOf(m);
        final Thread me = Thread.currentThread();
        synchronized (ls)
        {
            adoptLocalEntry(ls, o, me);
            if (!ls.owned || !ls.depth.contains(me))
            {
                // cannot happen for a monitor the thread entered through enter(); left unreserved, not fatal
                System.err.println("ssi-java: node " + self + ": a moving thread holds the monitor of " +
                    o.getClass().getName() + " without its cluster lock; it is not kept for it");
                return;
            }
            if (ls.reservedFor != me.getId())
            {
                ls.reservedFor = me.getId();
                ls.reservedNode = to;
                space.stats.monitorsCarried.incrementAndGet();
            }
            // Threads counted in but not inside (this one holds the JVM monitor) are blocked in monitorenter: they
            // are counted out, and step back once the JVM lets them in (entered).
            ls.holds -= ls.depth.removeAllBut(me);
            ls.admitted = -1; // those threads must not take themselves for admitted (entered)
        }
    }

    /**
     * After the JVM let the current thread into o's monitor: if the cluster lock did not admit it (it was counted
     * out by {@link #reserve}, or passed {@link #enter} while o was still local), it is counted in if this node may
     * use the token now; otherwise (another thread left inside the monitor, or the token left) it waits, with the JVM
     * monitor given up in {@code o.wait}, until it is admitted.
     */
    void entered(final Object o)
    {
        final Meta m = space.metaOf(o);
        if (m == null)
        {
            return;
        }
        final Thread me = Thread.currentThread();
        final LockState known = m.lock;
        if (known != null && known.reservedFor < 0 && known.admitted == me.getId())
        {
            return; // counted in by enter(), and no reservation to end: the common case, without the lock
        }
        admit(o, m, me);
    }

    /** {@link #entered}'s slow path, kept apart so that the check in front of it inlines into the caller. */
    private void admit(final Object o, final Meta m, final Thread me)
    {
        final LockState ls = lockOf(m);
        synchronized (ls)
        {
            if (ls.depth.contains(me))
            {
                takeReservation(ls, me); // the thread the monitor was kept for is in it now
                return;
            }
            if (ls.owned && !ls.transferring && takeReservation(ls, me))
            {
                // in the JVM monitor uncounted, and free to be: count it, as adoptLocalEntry would
                ls.holds++;
                ls.usesSinceGrant++;
                ls.depth.set(me, 1);
                ls.admitted = me.getId();
                return;
            }
            ls.localWaiting++;
        }
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    o.wait(2); // rare (a thread left inside this monitor): polling keeps the wake-up paths as they are
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
                synchronized (ls)
                {
                    if (ls.depth.contains(me) || tryEnter(ls, me))
                    {
                        takeReservation(ls, me);
                        return;
                    }
                    if (!ls.owned && !ls.requested)
                    {
                        ls.requested = true;
                        requestToken(m);
                    }
                }
            }
        }
        finally
        {
            synchronized (ls)
            {
                ls.localWaiting--;
            }
            if (interrupted)
            {
                me.interrupt();
            }
        }
    }

    /** Waiter ids carry their node in the top bits and count from 1: no waiter has this one. */
    private static final long NO_WAITER = -1;

    /**
     * A thread that holds o's JVM monitor (back from a wait, or let in while o was local) takes the cluster lock,
     * {@code d} deep, and leaves the waiter list ({@code id}).
     */
    private void reacquire(final Object o, final Meta m, final LockState ls, final Thread me, final int d,
        final long id)
    {
        boolean interrupted = false;
        synchronized (ls)
        {
            ls.localWaiting++;
        }
        try
        {
            while (true)
            {
                synchronized (ls)
                {
                    if (ls.owned && !ls.transferring && takeReservation(ls, me))
                    {
                        ls.holds += d;
                        ls.usesSinceGrant++;
                        ls.depth.set(me, d);
                        ls.admitted = me.getId();
                        ls.waiters.remove(id);
                        return;
                    }
                    if (!ls.owned && !ls.requested)
                    {
                        ls.requested = true;
                        requestToken(m);
                    }
                    if (!needsJvmMonitor(m, ls, me))
                    {
                        try
                        {
                            ls.wait();
                        }
                        catch (final InterruptedException ex)
                        {
                            interrupted = true;
                        }
                        continue;
                    }
                }
                // The token's first departure from its home, or the thread the lock is kept for, takes o's JVM
                // monitor, which this thread holds again since o.wait returned: give it up while waiting, or each
                // would wait for the other.
                try
                {
                    o.wait(1);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        finally
        {
            synchronized (ls)
            {
                ls.localWaiting--;
            }
            if (interrupted)
            {
                me.interrupt();
            }
        }
    }

    /**
     * Whether a thread that holds o's JVM monitor and waits for its cluster lock must give the JVM monitor up while
     * it waits: when the token's first departure from its home takes it (see handOver), and when the lock is kept
     * for a thread that left inside it, which takes the JVM monitor again wherever it enters. Caller holds ls.
     */
    private boolean needsJvmMonitor(final Meta m, final LockState ls, final Thread me)
    {
        return firstDepartureFromHome(m, ls) || ls.reservedFor >= 0 && ls.reservedFor != me.getId();
    }

    /** Whether handing the token over takes the object's JVM monitor first (see handOver). Caller holds ls. */
    private boolean firstDepartureFromHome(final Meta m, final LockState ls)
    {
        return m.home == self && !ls.departedOnce && m.kind != Meta.Kind.STATICS;
    }

    /**
     * A thread that entered the monitor while the object was still local was not counted; if it holds the JVM
     * monitor now, count it (once) so that wait/notify work and the token is not handed over under it. The JVM's
     * answer costs a third of an uncontended enter and exit, so a thread found not to hold it is remembered.
     */
    private static void adoptLocalEntry(final LockState ls, final Object o, final Thread me)
    {
        if (!ls.owned || me == ls.notHolding || ls.depth.contains(me))
        {
            return;
        }
        if (Thread.holdsLock(o))
        {
            ls.depth.set(me, 1);
            ls.holds++;
            ls.admitted = me.getId();
        }
        else
        {
            ls.notHolding = me;
        }
    }

    void notify(final Object o, final boolean all)
    {
        final Meta m = space.metaOf(o);
        if (m == null)
        {
            if (all)
            {
                o.notifyAll();
            }
            else
            {
                o.notify();
            }
            return;
        }
        final LockState ls = lockOf(m);
        boolean local = false;
        while (true)
        {
            final long id;
            synchronized (ls)
            {
                adoptLocalEntry(ls, o, Thread.currentThread());
                if (!ls.owned || !ls.depth.contains(Thread.currentThread()))
                {
                    throw new IllegalMonitorStateException("current thread is not owner");
                }
                if (ls.waiters.isEmpty())
                {
                    break;
                }
                id = ls.waiters.remove(0);
            }
            final int node = (int)(id >>> 48);
            final boolean delivered;
            if (node == self)
            {
                delivered = deliver(localWaiters.get(id));
                local |= delivered;
            }
            else
            {
                // a waiter that timed out meanwhile does not count: the notify goes to the next one
                delivered = net.call(node, net.message(MessageTypes.WAKE).putLong(id)).getBoolean();
            }
            if (delivered && !all)
            {
                break;
            }
        }
        if (local)
        {
            o.notifyAll(); // we hold the JVM monitor; waiters re-check their own flag
        }
    }

    private static boolean deliver(final Waiter w)
    {
        if (w == null)
        {
            return false;
        }
        synchronized (w)
        {
            if (w.gone)
            {
                return false;
            }
            w.notified = true;
            return true;
        }
    }

    /**
     * A thread that holds the JVM monitor of an object that became shared while it waited at JVM level: it must
     * hold the cluster lock too before it goes on inside the monitor.
     */
    void adoptHeldMonitor(final Object o)
    {
        final Meta m = space.metaOf(o);
        if (m == null || !Thread.holdsLock(o))
        {
            return;
        }
        final LockState ls = lockOf(m);
        final Thread me = Thread.currentThread();
        synchronized (ls)
        {
            if (ls.depth.contains(me))
            {
                return;
            }
        }
        reacquire(o, m, ls, me, 1, NO_WAITER);
    }

    /** Counts a thread that shares an object from inside its synchronized block as holding its cluster lock. */
    void adopt(final Meta m, final Object o)
    {
        final LockState ls = lockOf(m);
        synchronized (ls)
        {
            adoptLocalEntry(ls, o, Thread.currentThread());
        }
    }

    /** A notify from another node for a local waiter; the reply says whether it was still waiting. */
    void onWake(final int from, final long correlationId, final long id)
    {
        final Waiter w = localWaiters.get(id);
        final boolean delivered = deliver(w);
        net.sendReply(from, correlationId, net.reply().putBoolean(delivered));
        if (!delivered)
        {
            return;
        }
        // the woken thread needs the lock back at once: ask for it now, while the notifier still holds it, so
        // that the token comes here straight from the notifier's monitor exit
        final Meta m = space.metaOf(w.monitor);
        if (m != null)
        {
            final LockState ls = lockOf(m);
            synchronized (ls)
            {
                if (!ls.owned && !ls.requested)
                {
                    ls.requested = true;
                    requestToken(m);
                }
            }
        }
        // the waiter polls its flag while in o.wait(100); nudge it without taking the JVM monitor here
        nudge(w);
    }
}
