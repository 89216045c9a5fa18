package io.ssijava.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HOST mode: node 0 owns the job's media driver, the other nodes attach to it. The nodes run in one JVM here, each
 * with its own Aeron client as a separate JVM would have; the system tests run them as separate processes.
 */
class HostTransportTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path base;

    private final List<Transport> transports = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        // workers first, as a job ends: node 0's driver outlives its clients
        for (int i = transports.size() - 1; i >= 0; i--)
        {
            transports.get(i).close();
        }
    }

    private TransportConfig config(final int node)
    {
        return TransportConfig.builder().mode(TransportConfig.Mode.HOST).nodeCount(2).nodeId(node)
            .jobId("hosttest").aeronDirectoryBase(base).build();
    }

    private static UnsafeBuffer text(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(30)
    void aWorkerStartedBeforeNodeZeroWaitsForItsDriverAndThenTalksOverSharedMemory() throws Exception
    {
        final Recorder r0 = new Recorder();
        final Recorder r1 = new Recorder();
        final CompletableFuture<Transport> worker = CompletableFuture.supplyAsync(() -> Transport.start(config(1), r1));
        // no driver yet: the worker's start blocks instead of failing
        assertThrows(TimeoutException.class, () -> worker.get(500, TimeUnit.MILLISECONDS));
        final Transport node0 = Transport.start(config(0), r0);
        transports.add(node0);
        final Transport node1 = worker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        transports.add(node1);
        assertEquals(node0.aeronDirectory(), node1.aeronDirectory());
        assertTrue(Files.isDirectory(base.resolve("ssi-hosttest-host")));
        node0.awaitConnected();
        node1.awaitConnected();

        final UnsafeBuffer ping = text("ping");
        node1.send(0, ping, 0, ping.capacity());
        final Recorder.Message got = r0.take(1, WAIT).get(0);
        assertEquals(1, got.from());
        assertEquals("ping", new String(got.payload(), StandardCharsets.UTF_8));
        final UnsafeBuffer pong = text("pong");
        node0.send(1, pong, 0, pong.capacity());
        assertEquals("pong", new String(r1.take(1, WAIT).get(0).payload(), StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(30)
    void nodeZeroRemovesTheSharedDirectoryWhenItCloses() throws Exception
    {
        final Transport node0 = Transport.start(config(0), new Recorder());
        final Transport node1 = Transport.start(config(1), new Recorder());
        node0.awaitConnected();
        node1.awaitConnected();
        node1.close();
        assertTrue(Files.isDirectory(base.resolve("ssi-hosttest-host")), "a worker leaves the driver to node 0");
        node0.close();
        assertFalse(Files.exists(base.resolve("ssi-hosttest-host")));
    }

    @Test
    @Timeout(30)
    void aSecondNodeZeroOfTheSameJobIsRefused()
    {
        transports.add(Transport.start(config(0), new Recorder()));
        final TransportException e = assertThrows(TransportException.class,
            () -> Transport.start(config(0), new Recorder()));
        assertTrue(e.getMessage().contains("in use by another running media driver"), e.getMessage());
    }
}
