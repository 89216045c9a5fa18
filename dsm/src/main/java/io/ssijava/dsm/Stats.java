package io.ssijava.dsm;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one node, printed by {@code --stats} and exposed to the control point. */
public final class Stats
{
    public final AtomicLong threadsRun = new AtomicLong();
    public final AtomicLong objectsHomed = new AtomicLong();
    public final AtomicLong faults = new AtomicLong();
    public final AtomicLong lockTransfers = new AtomicLong();
    public final AtomicLong releases = new AtomicLong();
    /** Read-modify-writes this node sent to another node's home (see Atomics). */
    public final AtomicLong atomics = new AtomicLong();
    public final AtomicLong invalidationsReceived = new AtomicLong();
    public final AtomicLong messagesSent = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    /** Threads that left this node for another one. */
    public final AtomicLong threadsMoved = new AtomicLong();
    /** Time those moves took, from the frames' leaving to the target's taking them (nanoseconds). */
    public final AtomicLong moveNanos = new AtomicLong();
    /** Monitors that threads took along when they left this node (see Locks.reserve). */
    public final AtomicLong monitorsCarried = new AtomicLong();

    /**
     * Writes the counters for the end-of-job report.
     *
     * @param messages messages sent (the transport's count when it has one).
     * @param bytes    bytes sent.
     */
    public void write(final WireOut out, final long messages, final long bytes)
    {
        out.putLong(threadsRun.get()).putLong(objectsHomed.get()).putLong(faults.get()).putLong(lockTransfers.get())
            .putLong(atomics.get()).putLong(messages).putLong(bytes).putLong(threadsMoved.get())
            .putLong(moveNanos.get()).putLong(monitorsCarried.get());
    }

    /** @return the user-facing line for counters written by {@link #write}. */
    public static String line(final int node, final WireIn in)
    {
        final String counters = String.format(java.util.Locale.ROOT, "ssi-java: node %d: threads run %d, objects " +
            "homed %d, remote faults %d, lock transfers %d, remote atomics %d, messages sent %d, bytes sent %d",
            node, in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
        final long moved = in.getLong();
        final long nanos = in.getLong();
        final long monitors = in.getLong();
        return counters + ", threads moved out " + moved + (moved == 0 ? "" :
            String.format(java.util.Locale.ROOT, " (%.2f ms per move)", nanos / 1e6 / moved)) +
            (monitors == 0 ? "" : ", monitors carried " + monitors);
    }
}
