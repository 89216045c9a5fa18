package io.ssijava.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three nodes in one JVM over one shared IPC media driver. */
class IpcTransportTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger JOBS = new AtomicInteger();

    private final List<Transport> transports = new ArrayList<>();
    private final List<Recorder> recorders = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        transports.forEach(Transport::close);
    }

    private void startCluster(final int nodes, final TransportConfig.Builder template)
    {
        final String job = "ipctest" + JOBS.incrementAndGet();
        for (int node = 0; node < nodes; node++)
        {
            final Recorder recorder = new Recorder();
            recorders.add(recorder);
            transports.add(Transport.start(
                template.mode(TransportConfig.Mode.IPC).nodeCount(nodes).nodeId(node).jobId(job).build(), recorder));
        }
        transports.forEach(Transport::awaitConnected);
    }

    private void startCluster(final int nodes)
    {
        startCluster(nodes, TransportConfig.builder());
    }

    private static UnsafeBuffer text(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(20)
    void shouldDeliverBetweenAllPairs() throws Exception
    {
        startCluster(3);
        for (int from = 0; from < 3; from++)
        {
            for (int to = 0; to < 3; to++)
            {
                if (from != to)
                {
                    final UnsafeBuffer msg = text("hello " + from + "->" + to);
                    transports.get(from).send(to, msg, 0, msg.capacity());
                }
            }
        }
        for (int to = 0; to < 3; to++)
        {
            final Map<Integer, String> got = new HashMap<>();
            for (final Recorder.Message m : recorders.get(to).take(2, WAIT))
            {
                got.put(m.from(), new String(m.payload(), StandardCharsets.UTF_8));
            }
            for (int from = 0; from < 3; from++)
            {
                if (from != to)
                {
                    assertEquals("hello " + from + "->" + to, got.get(from));
                }
            }
        }
        assertEquals(2, transports.get(0).stats().messagesSent());
        assertEquals(2, transports.get(0).stats().messagesReceived());
        assertEquals(0, transports.get(0).stats().messagesDropped());
    }

    @Test
    @Timeout(20)
    void shouldPreserveOrderPerPair() throws Exception
    {
        startCluster(3);
        final int count = 20_000;
        final Thread other = new Thread(() -> sendSequence(transports.get(2), 1, count));
        other.start();
        sendSequence(transports.get(0), 1, count);
        other.join();

        final int[] next = new int[3];
        for (final Recorder.Message m : recorders.get(1).take(2 * count, WAIT))
        {
            final int seq = ByteBuffer.wrap(m.payload()).getInt();
            assertEquals(next[m.from()], seq, "out of order from node " + m.from());
            next[m.from()]++;
        }
        assertEquals(count, next[0]);
        assertEquals(count, next[2]);
    }

    private static void sendSequence(final Transport transport, final int to, final int count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(32));
        for (int i = 0; i < count; i++)
        {
            buffer.putInt(0, i, java.nio.ByteOrder.BIG_ENDIAN);
            transport.send(to, buffer, 0, 32);
        }
    }

    @Test
    @Timeout(20)
    void shouldDeliverLargeMessagesIntact() throws Exception
    {
        startCluster(3);
        final Random random = new Random(42);
        for (final int size : new int[]{ 4 * 1024 * 1024, 16 * 1024 * 1024, 2 * 1024 * 1024 - 8 })
        {
            final byte[] payload = new byte[size];
            random.nextBytes(payload);
            // Send from the middle of a larger buffer to check offsets are honoured.
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[size + 100]);
            buffer.putBytes(50, payload);
            transports.get(0).send(2, buffer, 50, size);
            final Recorder.Message received = recorders.get(2).take(WAIT);
            assertEquals(0, received.from());
            assertEquals(size, received.payload().length);
            assertTrue(Arrays.equals(payload, received.payload()), "payload of " + size + " bytes corrupted");
        }
        assertEquals(3L, transports.get(2).stats().messagesReceived());
        assertEquals(0L, transports.get(2).stats().messagesDropped());
    }

    @Test
    @Timeout(20)
    void shouldRejectMessagesOverTheMaximumLength()
    {
        startCluster(2, TransportConfig.builder().maxMessageLength(1024));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
        final TransportException ex = assertThrows(TransportException.class,
            () -> transports.get(0).send(1, buffer, 0, 1025));
        assertTrue(ex.getMessage().contains("1025") && ex.getMessage().contains("maxMessageLength"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> transports.get(0).send(0, buffer, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> transports.get(0).send(2, buffer, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> transports.get(0).send(1, buffer, 2000, 100));
    }

    @Test
    @Timeout(20)
    void shouldHandleConcurrentSendersFromFourThreads() throws Exception
    {
        startCluster(3);
        final int threads = 4;
        final int perThread = 5_000;
        final CountDownLatch go = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int thread = t;
                futures.add(pool.submit(() ->
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[3 * 1024 * 1024]);
                    go.await();
                    for (int i = 0; i < perThread; i++)
                    {
                        buffer.putInt(0, thread, java.nio.ByteOrder.BIG_ENDIAN);
                        buffer.putInt(4, i, java.nio.ByteOrder.BIG_ENDIAN);
                        // Alternate peers; now and then a message too large for one Aeron message (chunked).
                        final int to = 1 + (i & 1);
                        transports.get(0).send(to, buffer, 0, i % 2500 == 7 ? buffer.capacity() : 8 + (i % 7) * 8);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (final Future<?> f : futures)
            {
                f.get(15, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        for (int to = 1; to <= 2; to++)
        {
            final int[] next = new int[threads];
            Arrays.fill(next, to == 1 ? 0 : 1);
            for (final Recorder.Message m : recorders.get(to).take(threads * perThread / 2, WAIT))
            {
                final ByteBuffer b = ByteBuffer.wrap(m.payload());
                final int thread = b.getInt();
                final int seq = b.getInt();
                assertEquals(next[thread], seq, "order from thread " + thread + " to node " + to);
                next[thread] += 2;
            }
        }
        assertEquals(threads * perThread, transports.get(0).stats().messagesSent());
    }

    @Test
    @Timeout(20)
    void shouldDropAndCountMalformedMessages() throws Exception
    {
        startCluster(2);
        final Transport target = transports.get(1);
        try (Aeron intruder = Aeron.connect(new Aeron.Context().aeronDirectoryName(target.aeronDirectory())))
        {
            final Publication publication = intruder.addExclusivePublication(
                CommonContext.IPC_CHANNEL, TransportConfig.IPC_STREAM_ID_BASE + target.nodeId());
            final UnsafeBuffer junk = new UnsafeBuffer(new byte[16]);
            junk.putStringWithoutLengthAscii(0, "not an ssi msg!!");
            final UnsafeBuffer badFrom = WireFormat.header(WireFormat.TYPE_DATA, 9);
            final UnsafeBuffer badType = WireFormat.header((byte)99, 0);
            final UnsafeBuffer tooShort = new UnsafeBuffer(new byte[3]);
            for (final UnsafeBuffer b : List.of(junk, badFrom, badType, tooShort))
            {
                while (publication.offer(b, 0, b.capacity()) < 0)
                {
                    Thread.sleep(1);
                }
            }
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (target.stats().messagesDropped() < 4 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
        }
        assertEquals(4, target.stats().messagesDropped());
        assertTrue(recorders.get(1).messages.isEmpty());
        // The node still works afterwards.
        final UnsafeBuffer ok = text("still fine");
        transports.get(0).send(1, ok, 0, ok.capacity());
        assertArrayEquals("still fine".getBytes(StandardCharsets.UTF_8), recorders.get(1).take(WAIT).payload());
    }

    @Test
    @Timeout(20)
    void shouldDeclareNodeFailedWhenItStopsHeartbeating() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final String job = "ipcsilent" + JOBS.incrementAndGet();
        final TransportConfig.Builder base = TransportConfig.builder().mode(TransportConfig.Mode.IPC).nodeCount(2)
            .jobId(job).heartbeatInterval(Duration.ofMillis(50)).failureTimeout(Duration.ofMillis(600));
        final Recorder survivor = new Recorder();
        transports.add(Transport.start(base.nodeId(0).build(), survivor));
        // Node 1's handler blocks its receiver thread, which also stops its heartbeats: a hung node.
        transports.add(Transport.start(base.nodeId(1).build(), (from, buffer, offset, length) ->
        {
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }));
        transports.forEach(Transport::awaitConnected);
        final UnsafeBuffer msg = text("block");
        final long sentNs = System.nanoTime();
        transports.get(0).send(1, msg, 0, msg.capacity());
        try
        {
            survivor.awaitFailure(1, Duration.ofSeconds(5));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(survivor.failedAtNs.get(1) - sentNs);
            assertTrue(tookMs < 2_000, "detected after " + tookMs + " ms");
            assertTrue(survivor.failures.get(1).contains("no message or heartbeat"), survivor.failures.get(1));
            assertTrue(transports.get(0).isFailed(1));
            assertThrows(TransportException.class, () -> transports.get(0).send(1, msg, 0, msg.capacity()));
        }
        finally
        {
            release.countDown();
        }
    }

    @Test
    @Timeout(20)
    void shouldReportClosedNodeToSurvivorsOnce() throws Exception
    {
        startCluster(3);
        final long closedNs = System.nanoTime();
        transports.get(2).close();
        for (int survivor = 0; survivor < 2; survivor++)
        {
            final Recorder recorder = recorders.get(survivor);
            recorder.awaitFailure(2, Duration.ofSeconds(5));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(recorder.failedAtNs.get(2) - closedNs);
            assertTrue(tookMs < TransportConfig.FAILURE_TIMEOUT_DEFAULT.toMillis() + 500, "took " + tookMs + " ms");
            assertTrue(recorder.failures.get(2).contains("connection lost"), recorder.failures.get(2));
        }
        // The survivors still talk to each other, and nobody else was declared failed.
        final UnsafeBuffer msg = text("after");
        transports.get(0).send(1, msg, 0, msg.capacity());
        assertArrayEquals("after".getBytes(StandardCharsets.UTF_8), recorders.get(1).take(WAIT).payload());
        assertEquals(1, recorders.get(0).failures.size());
        assertEquals(1, recorders.get(1).failures.size());
        assertTrue(recorders.get(0).failures.values().stream().noneMatch((r) -> r.startsWith("CALLED TWICE")));
    }

    @Test
    @Timeout(20)
    void shouldKeepReceivingWhenHandlerThrows() throws Exception
    {
        final String job = "ipcthrow" + JOBS.incrementAndGet();
        final TransportConfig.Builder base = TransportConfig.builder().mode(TransportConfig.Mode.IPC).nodeCount(2)
            .jobId(job);
        final Recorder recorder = new Recorder();
        transports.add(Transport.start(base.nodeId(0).build(), recorder));
        transports.add(Transport.start(base.nodeId(1).build(), (from, buffer, offset, length) ->
        {
            if (buffer.getByte(offset) == 'x')
            {
                throw new IllegalStateException("test: handler failure (expected)");
            }
            transports.get(1).send(from, buffer, offset, length);
        }));
        transports.forEach(Transport::awaitConnected);
        final UnsafeBuffer bad = text("x");
        final UnsafeBuffer good = text("echo");
        transports.get(0).send(1, bad, 0, 1);
        transports.get(0).send(1, good, 0, good.capacity());
        assertArrayEquals("echo".getBytes(StandardCharsets.UTF_8), recorder.take(WAIT).payload());
        assertEquals(1, transports.get(1).stats().handlerErrors());
    }
}
