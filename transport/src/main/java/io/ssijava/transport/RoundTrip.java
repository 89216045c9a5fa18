package io.ssijava.transport;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ping-pong latency between two nodes in one JVM: node 0 sends a 32-byte message carrying its send time, node 1
 * echoes it from its receiver thread, node 0's receiver thread records the round trip and sends the next ping. One
 * message is in flight at a time, and no other thread runs meanwhile (a spinning main thread would take one of the
 * few cores the driver and receiver threads need).
 * Prints p50, p99 and max in microseconds for IPC and UDP (loopback) mode.
 * <p>
 * Usage: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.ssijava.transport.RoundTrip
 * [iterations] [IPC|UDP|BOTH] [receiverMaxParkMicros] [driverMaxParkMicros]} ({@code -Droundtrip.secret=true}: a
 * job with a secret); defaults 20000, BOTH and the
 * {@link TransportConfig} defaults. A first pass of {@code iterations / 2} round trips warms up and is discarded.
 * A stand-in until this moves to JMH.
 */
public final class RoundTrip
{
    private static final int MESSAGE_LENGTH = 32;

    private RoundTrip()
    {
    }

    /**
     * Run the measurement and print the results.
     *
     * @param args optional: iterations, mode (IPC, UDP or BOTH), receiver and driver max park in microseconds.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        final String which = args.length > 1 ? args[1].toUpperCase(Locale.ROOT) : "BOTH";
        final TransportConfig.Builder template = TransportConfig.builder().jobId("roundtrip");
        if (Boolean.getBoolean("roundtrip.secret"))
        {
            template.secret("a-secret-for-the-round-trip".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        if (args.length > 2)
        {
            template.receiverMaxPark(Duration.ofNanos(Long.parseLong(args[2]) * 1_000));
        }
        if (args.length > 3)
        {
            template.driverMaxPark(Duration.ofNanos(Long.parseLong(args[3]) * 1_000));
        }
        for (final TransportConfig.Mode mode : TransportConfig.Mode.values())
        {
            if ("BOTH".equals(which) || mode.name().equals(which))
            {
                final long[] rttNs = measure(mode, template, iterations);
                System.out.printf(Locale.ROOT, "%s round trip, %d x %d bytes: p50 %.1f us, p99 %.1f us, max %.1f us%n",
                    mode, iterations, MESSAGE_LENGTH, percentileMicros(rttNs, 0.50), percentileMicros(rttNs, 0.99),
                    rttNs[rttNs.length - 1] / 1_000.0);
            }
        }
    }

    /**
     * Measure {@code iterations} round trips after a warm-up of half as many.
     *
     * @param mode       transport mode.
     * @param template   configuration options other than mode, node id and endpoints.
     * @param iterations number of measured round trips.
     * @return the sorted round-trip times in nanoseconds.
     * @throws InterruptedException if interrupted while waiting.
     */
    static long[] measure(final TransportConfig.Mode mode, final TransportConfig.Builder template, final int iterations)
        throws InterruptedException
    {
        template.mode(mode);
        if (mode == TransportConfig.Mode.UDP)
        {
            template.endpoints(Transport.pickFreeLoopbackEndpoints(2));
        }
        else
        {
            template.endpoints(null).nodeCount(2);
        }
        final Pinger pinger = new Pinger(iterations / 2 + iterations);
        final List<Transport> nodes = new ArrayList<>(2);
        try
        {
            pinger.transport = Transport.start(template.nodeId(0).build(), pinger);
            nodes.add(pinger.transport);
            final Transport[] echo = new Transport[1];
            // Echo from the receiver thread: allowed, and exactly what a request/response protocol does.
            echo[0] = Transport.start(template.nodeId(1).build(),
                (from, buffer, offset, length) -> echo[0].send(from, buffer, offset, length));
            nodes.add(echo[0]);
            nodes.forEach(Transport::awaitConnected);
            pinger.ping();
            if (!pinger.done.await(5, TimeUnit.MINUTES))
            {
                throw new IllegalStateException("round trips did not complete: " + pinger.received);
            }
        }
        finally
        {
            nodes.forEach(Transport::close);
        }
        final long[] measured = Arrays.copyOfRange(pinger.rttNs, iterations / 2, pinger.rttNs.length);
        Arrays.sort(measured);
        return measured;
    }

    private static double percentileMicros(final long[] sortedNs, final double percentile)
    {
        final int index = (int)Math.min(sortedNs.length - 1, Math.ceil(percentile * sortedNs.length) - 1);
        return sortedNs[Math.max(0, index)] / 1_000.0;
    }

    /** Node 0's handler: records the round trip of each echoed ping and sends the next one. */
    private static final class Pinger implements MessageHandler
    {
        final long[] rttNs;
        final CountDownLatch done = new CountDownLatch(1);
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
        volatile Transport transport;
        int received;

        Pinger(final int count)
        {
            rttNs = new long[count];
        }

        void ping()
        {
            ping.putLong(0, System.nanoTime());
            transport.send(1, ping, 0, MESSAGE_LENGTH);
        }

        @Override
        public void onMessage(final int fromNode, final DirectBuffer buffer, final int offset, final int length)
        {
            rttNs[received++] = System.nanoTime() - buffer.getLong(offset);
            if (received < rttNs.length)
            {
                ping();
            }
            else
            {
                done.countDown();
            }
        }
    }
}
