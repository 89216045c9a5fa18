package io.ssijava.dsm;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counters of one node, printed by {@code --stats} and exposed to the control point. */
public final class Stats
{
    public final AtomicLong threadsRun = new AtomicLong();
    /** Threads of the program whose run ended on this node (main's end included, if it moved here). */
    public final AtomicLong threadsEnded = new AtomicLong();
    public final AtomicLong objectsHomed = new AtomicLong();
    public final AtomicLong faults = new AtomicLong();
    public final AtomicLong lockTransfers = new AtomicLong();
    public final AtomicLong releases = new AtomicLong();
    /** Read-modify-writes this node sent to another node's home (see Atomics). */
    public final AtomicLong atomics = new AtomicLong();
    /** Blocking-queue methods this node had run at the queue's home (see HomeCallService). */
    public final AtomicLong homeCalls = new AtomicLong();
    public final AtomicLong invalidationsReceived = new AtomicLong();
    /** Messages received that could not be decoded, or broke their handler (see Node.failRequest). */
    public final AtomicLong malformedMessages = new AtomicLong();
    public final AtomicLong messagesSent = new AtomicLong();
    public final AtomicLong bytesSent = new AtomicLong();
    /** Threads that left this node for another one. */
    public final AtomicLong threadsMoved = new AtomicLong();
    /** Time those moves took, from the frames' leaving to the target's taking them (nanoseconds). */
    public final AtomicLong moveNanos = new AtomicLong();
    /**
     * The same times in buckets of {@link #MOVE_BUCKET_NANOS}, the last one open-ended: the median, unlike the mean,
     * is not the first moves' (cold code) but the usual one's.
     */
    private final AtomicLongArray moveTimes = new AtomicLongArray(1001);
    private static final long MOVE_BUCKET_NANOS = 10_000;
    /** Monitors that threads took along when they left this node (see Locks.reserve). */
    public final AtomicLong monitorsCarried = new AtomicLong();

    /** Counts a thread that left this node, its move having taken {@code nanos}. */
    public void moved(final long nanos)
    {
        moveNanos.addAndGet(nanos);
        moveTimes.incrementAndGet((int)Math.min(moveTimes.length() - 1, Math.max(0, nanos / MOVE_BUCKET_NANOS)));
        threadsMoved.incrementAndGet();
    }

    /** @return the median time of a move out of this node, to a bucket's width (its middle); 0 if none. */
    long medianMoveNanos()
    {
        long total = 0;
        for (int i = 0; i < moveTimes.length(); i++)
        {
            total += moveTimes.get(i);
        }
        long seen = 0;
        for (int i = 0; i < moveTimes.length(); i++)
        {
            seen += moveTimes.get(i);
            if (seen > 0 && 2 * seen >= total)
            {
                return i * MOVE_BUCKET_NANOS + MOVE_BUCKET_NANOS / 2;
            }
        }
        return 0;
    }

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
            .putLong(moveNanos.get()).putLong(monitorsCarried.get()).putLong(medianMoveNanos())
            .putLong(threadsEnded.get()).putLong(homeCalls.get());
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
        final long median = in.getLong();
        final long ended = in.getLong();
        final long calls = in.getLong();
        return counters + ", threads moved out " + moved + (moved == 0 ? "" :
            String.format(java.util.Locale.ROOT, " (%.2f ms per move, median %.2f ms)", nanos / 1e6 / moved,
                median / 1e6)) +
            (monitors == 0 ? "" : ", monitors carried " + monitors) + ", threads ended here " + ended +
            (calls == 0 ? "" : ", calls run at home " + calls);
    }
}
