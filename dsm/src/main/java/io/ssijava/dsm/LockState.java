package io.ssijava.dsm;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster lock (monitor) of one shared object as seen by one node. A token moves between nodes; the node that
 * holds it lets its threads take the object's JVM monitor without any network traffic. The home node also acts as
 * the lock's manager: it remembers which node the token was last promised to and forwards requests there.
 * All fields are guarded by this object's monitor.
 */
final class LockState
{
    /** This node holds the token. */
    boolean owned;
    /** A request for the token is outstanding. */
    boolean requested;
    /** The token is being handed over (flush in progress). */
    boolean transferring;
    /** Local threads inside (or entering) the monitor, counted with reentry. */
    int holds;
    /** Local threads waiting for the token. */
    int localWaiting;
    /** Acquisitions since the token arrived: a node that was granted the token uses it at least once. */
    int usesSinceGrant;
    /** Node the token must go to next, or -1. */
    int revokeTo = -1;
    /** A revoke that arrived before the token did. */
    int pendingRevoke = -1;
    /**
     * The thread last counted in (its id; a number, as storing a reference would cost a GC barrier on every
     * entry), or -1. Read without the lock by a thread the JVM has just let into the monitor: if it finds itself
     * here, the cluster lock admitted it (see Locks.entered).
     */
    long admitted = -1;
    /** Per local thread: monitor depth, for wait(). */
    final Holders depth = new Holders();
    /** Waiter ids of threads in wait() anywhere in the cluster; travels with the token. */
    List<Long> waiters = new ArrayList<>();

    /**
     * The thread (its cluster-wide id) that left for another node while holding this monitor, or -1: until it
     * enters again, no other thread may enter, and the token goes where it is asked for without being used.
     * Travels with the token.
     */
    long reservedFor = -1;
    /** The node that thread went to. */
    int reservedNode = -1;

    /** Home only: the token has left this node at least once (from then on every local entry is counted). */
    boolean departedOnce;
    /**
     * The thread last found not to hold the object's JVM monitor uncounted (see Locks.adoptLocalEntry), or null. A
     * thread can only come to hold it uncounted by entering while the object was local, so it is not asked again.
     */
    Thread notHolding;

    /** Manager (home) only: the node the token was last promised to. */
    int managerOwner;
    /** A long wait for this lock was reported (see Locks.reportLongWait): once per lock and node. */
    boolean longWaitReported;

    /** What this node knows of the lock, for reports. Caller holds this. */
    String describe(final boolean manager)
    {
        final StringBuilder sb = new StringBuilder(owned ? "token here" : "token not here");
        sb.append(requested ? ", requested" : "").append(transferring ? ", being handed over" : "");
        sb.append(", threads in ").append(holds).append(", threads waiting ").append(localWaiting);
        sb.append(", uses since it came ").append(usesSinceGrant);
        sb.append(", next node ").append(revokeTo).append(", next node asked early ").append(pendingRevoke);
        if (reservedFor >= 0)
        {
            sb.append(", kept for thread ").append(reservedFor).append(" of node ").append(reservedNode);
        }
        sb.append(", waiters ").append(waiters.size());
        if (manager)
        {
            sb.append(", last promised to node ").append(managerOwner).append(departedOnce ? "" : ", never left");
        }
        return sb.toString();
    }
}
