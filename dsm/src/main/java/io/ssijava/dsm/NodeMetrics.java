package io.ssijava.dsm;

import io.ssijava.transport.TransportStats;

import java.util.List;

/**
 * What a node measures of itself, as named metrics: the counters of {@link Stats} and of the transport, and the
 * heap. One sample is the values in the order of {@link #ALL}; {@code ssi-java metrics}, the scrape endpoint and the
 * nodes' MBeans all show samples.
 */
public final class NodeMetrics
{
    /** A counter only grows (from the node's start); a gauge is a value now. */
    public enum Kind
    {
        COUNTER, GAUGE
    }

    /**
     * @param name a metric name in the usual scrape format (lower case, '_', unit and {@code _total} suffixes).
     * @param help what it counts, one line.
     */
    public record Metric(String name, Kind kind, String help)
    {
    }

    /** The metrics, in the order of a sample. */
    public static final List<Metric> ALL = List.of(
        counter("threads_run_total", "program threads that ran on the node: started there or moved in"),
        counter("threads_ended_total", "program threads whose run ended on the node"),
        counter("threads_moved_out_total", "program threads that left the node for another one"),
        counter("thread_move_seconds_total", "time the moves out of the node took"),
        counter("monitors_carried_total", "monitors that moving threads took along"),
        counter("objects_homed_total", "shared objects given their home on the node"),
        counter("remote_faults_total", "objects fetched from their home on another node"),
        counter("lock_transfers_total", "monitors that came to the node from another one"),
        counter("releases_total", "releases that wrote the node's changes to their homes"),
        counter("invalidations_received_total", "copies the node was told to drop"),
        counter("remote_atomics_total", "read-modify-writes sent to another node's home"),
        counter("home_calls_total",
            "queue, latch, barrier, semaphore and phaser calls this node ran at their object's home elsewhere"),
        counter("messages_sent_total", "messages sent to other nodes"),
        counter("bytes_sent_total", "payload bytes sent to other nodes"),
        counter("messages_received_total", "messages received from other nodes"),
        counter("bytes_received_total", "payload bytes received from other nodes"),
        counter("messages_dropped_total", "messages the transport discarded: not ssi-java's, or from no node of "
            + "the job"),
        counter("messages_unproven_total", "messages dropped because their sender had not proved the job's "
            + "secret"),
        counter("messages_malformed_total", "messages that could not be decoded, or broke their handler"),
        gauge("heap_used_bytes", "heap in use in the node's JVM"),
        gauge("heap_max_bytes", "the most heap the node's JVM may use"));

    private NodeMetrics()
    {
    }

    private static Metric counter(final String name, final String help)
    {
        return new Metric(name, Kind.COUNTER, help);
    }

    private static Metric gauge(final String name, final String help)
    {
        return new Metric(name, Kind.GAUGE, help);
    }

    /** @return the node's values now, in the order of {@link #ALL}. */
    public static double[] sample(final Node node)
    {
        final Stats s = node.stats();
        final TransportStats t = node.transportStats();
        final Runtime rt = Runtime.getRuntime();
        final double[] v = {
            s.threadsRun.get(), s.threadsEnded.get(), s.threadsMoved.get(), s.moveNanos.get() / 1e9,
            s.monitorsCarried.get(), s.objectsHomed.get(), s.faults.get(), s.lockTransfers.get(), s.releases.get(),
            s.invalidationsReceived.get(), s.atomics.get(), s.homeCalls.get(),
            t == null ? s.messagesSent.get() : t.messagesSent(), t == null ? s.bytesSent.get() : t.bytesSent(),
            t == null ? 0 : t.messagesReceived(), t == null ? 0 : t.bytesReceived(),
            t == null ? 0 : t.messagesDropped(), t == null ? 0 : t.messagesUnproven(), s.malformedMessages.get(),
            rt.totalMemory() - rt.freeMemory(), rt.maxMemory()};
        assert v.length == ALL.size();
        return v;
    }

    /** @return the position of the metric named so in {@link #ALL} (and in a sample), or -1. */
    public static int indexOf(final String name)
    {
        for (int i = 0; i < ALL.size(); i++)
        {
            if (ALL.get(i).name().equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    /** @return the value of the metric named so in a sample. */
    public static double value(final double[] sample, final String name)
    {
        final int i = indexOf(name);
        if (i < 0)
        {
            throw new IllegalArgumentException("no metric " + name);
        }
        return sample[i];
    }

    /** Writes a sample as a reply's body. */
    public static WireOut write(final WireOut out, final double[] sample)
    {
        out.putInt(sample.length);
        for (final double d : sample)
        {
            out.putLong(Double.doubleToRawLongBits(d));
        }
        return out;
    }

    /** @return a sample written by {@link #write}; a node of another version may send more or fewer values. */
    public static double[] read(final WireIn in)
    {
        final int n = in.getInt();
        if (n < 0 || n > 4096)
        {
            throw new WireException("a metrics sample of " + n + " values");
        }
        final double[] v = new double[ALL.size()];
        for (int i = 0; i < n; i++)
        {
            final double d = Double.longBitsToDouble(in.getLong());
            if (i < v.length)
            {
                v[i] = d;
            }
        }
        return v;
    }
}
