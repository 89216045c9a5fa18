package io.ssijava.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes in one JVM, each with its own media driver, over UDP on loopback. */
class UdpTransportTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Transport> transports = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        transports.forEach(Transport::close);
    }

    private static TransportConfig.Builder twoNodes(final List<InetSocketAddress> endpoints)
    {
        return TransportConfig.builder().mode(TransportConfig.Mode.UDP).endpoints(endpoints).jobId("udptest");
    }

    @Test
    @Timeout(20)
    void shouldSendAndReceiveOverUdp() throws Exception
    {
        final TransportConfig.Builder base = twoNodes(Transport.pickFreeLoopbackEndpoints(2));
        final Recorder r0 = new Recorder();
        final Recorder r1 = new Recorder();
        final Transport t0 = start(base.nodeId(0).build(), r0);
        final Transport t1 = start(base.nodeId(1).build(), r1);
        t0.awaitConnected();
        t1.awaitConnected();

        final UnsafeBuffer ping = new UnsafeBuffer("ping".getBytes(StandardCharsets.UTF_8));
        t0.send(1, ping, 0, ping.capacity());
        final Recorder.Message got = r1.take(WAIT);
        assertEquals(0, got.from());
        assertArrayEquals("ping".getBytes(StandardCharsets.UTF_8), got.payload());

        // A 4 MiB message is chunked (one Aeron message holds at most termLength / 8 = 2 MiB).
        final byte[] large = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(large);
        t1.send(0, new UnsafeBuffer(large), 0, large.length);
        final Recorder.Message back = r0.take(WAIT);
        assertEquals(1, back.from());
        assertArrayEquals(large, back.payload());

        assertEquals(1, t0.stats().messagesSent());
        assertEquals(4, t0.stats().bytesSent());
        assertEquals(large.length, t0.stats().bytesReceived());
        assertEquals(0, t0.stats().messagesDropped());
        final Path dir0 = Path.of(t0.aeronDirectory());
        assertTrue(Files.isDirectory(dir0), "aeron dir should exist while running: " + dir0);
        t0.close();
        assertFalse(Files.exists(dir0), "aeron dir must be deleted on close: " + dir0);
    }

    @Test
    @Timeout(20)
    void shouldReportFailedNodeWhenPeerCloses() throws Exception
    {
        final TransportConfig.Builder base = twoNodes(Transport.pickFreeLoopbackEndpoints(2))
            .heartbeatInterval(Duration.ofMillis(50))
            .failureTimeout(Duration.ofMillis(1000));
        final Recorder survivor = new Recorder();
        final Transport t0 = start(base.nodeId(0).build(), survivor);
        final Transport t1 = start(base.nodeId(1).build(), new Recorder());
        t0.awaitConnected();
        t1.awaitConnected();

        final long closedNs = System.nanoTime();
        t1.close();
        survivor.awaitFailure(1, Duration.ofSeconds(5));
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(survivor.failedAtNs.get(1) - closedNs);
        assertTrue(tookMs <= 2_000, "failure reported after " + tookMs + " ms");
        assertFalse(survivor.failures.get(1).startsWith("CALLED TWICE"), survivor.failures.get(1));
        assertTrue(t0.isFailed(1));

        final UnsafeBuffer msg = new UnsafeBuffer(new byte[8]);
        final TransportException ex = assertThrows(TransportException.class, () -> t0.send(1, msg, 0, 8));
        assertTrue(ex.getMessage().contains("node 1 has failed"), ex.getMessage());
        // onNodeFailed is called once only, even though both the image loss and the silence would trigger it.
        Thread.sleep(1_200);
        assertFalse(survivor.failures.get(1).startsWith("CALLED TWICE"), survivor.failures.get(1));
    }

    @Test
    @Timeout(20)
    void shouldExplainWhenUdpPortIsInUse() throws Exception
    {
        final List<InetSocketAddress> endpoints = Transport.pickFreeLoopbackEndpoints(2);
        try (DatagramSocket squatter = new DatagramSocket(endpoints.get(0)))
        {
            assertTrue(squatter.isBound());
            final TransportException ex = assertThrows(TransportException.class,
                () -> start(twoNodes(endpoints).nodeId(0).build(), new Recorder()));
            final String port = String.valueOf(endpoints.get(0).getPort());
            assertTrue(ex.getMessage().contains("UDP port " + port + " on 127.0.0.1 is already in use"),
                ex.getMessage());
            assertTrue(ex.getMessage().contains("--base-port"), ex.getMessage());
        }
    }

    @Test
    @Timeout(20)
    void shouldExplainWhenAeronDirectoryIsInUse(@TempDir final Path base) throws Exception
    {
        final List<InetSocketAddress> endpoints = Transport.pickFreeLoopbackEndpoints(3);
        final TransportConfig.Builder config = twoNodes(endpoints.subList(0, 2)).aeronDirectoryBase(base);
        final Transport first = start(config.nodeId(0).build(), new Recorder());
        assertTrue(first.aeronDirectory().startsWith(base.toString()), first.aeronDirectory());

        // Same base, job and node id but another port: a second copy of node 0.
        final TransportConfig clash = twoNodes(List.of(endpoints.get(2), endpoints.get(1)))
            .aeronDirectoryBase(base).nodeId(0).build();
        final TransportException ex = assertThrows(TransportException.class, () -> start(clash, new Recorder()));
        assertTrue(ex.getMessage().contains(base.resolve("ssi-udptest-node0").toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("in use"), ex.getMessage());
        assertTrue(ex.getMessage().contains("--aeron-dir"), ex.getMessage());
        assertTrue(Files.isDirectory(Path.of(first.aeronDirectory())), "the running node's directory must survive");
    }

    @Test
    @Timeout(20)
    void shouldNameNodesThatDidNotConnect() throws Exception
    {
        final TransportConfig config = TransportConfig.builder().mode(TransportConfig.Mode.UDP)
            .endpoints(Transport.pickFreeLoopbackEndpoints(3)).nodeId(0).jobId("udplonely")
            .connectTimeout(Duration.ofMillis(500)).build();
        final Transport lonely = start(config, new Recorder());
        final TransportException ex = assertThrows(TransportException.class, lonely::awaitConnected);
        assertTrue(ex.getMessage().contains("node(s) [1, 2] did not connect"), ex.getMessage());
        assertTrue(ex.getMessage().contains(config.endpoints().get(2).toString()), ex.getMessage());
    }

    private Transport start(final TransportConfig config, final MessageHandler handler)
    {
        final Transport transport = Transport.start(config, handler);
        transports.add(transport);
        return transport;
    }
}
