package io.ssijava.transport;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job with a secret: its nodes hear only senders that proved they hold it. */
class SecretTransportTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger JOBS = new AtomicInteger();
    private static final byte[] SECRET = "0123456789abcdef-the-jobs-secret".getBytes(StandardCharsets.US_ASCII);

    private final List<Transport> transports = new ArrayList<>();
    private final List<Recorder> recorders = new ArrayList<>();

    @AfterEach
    void closeAll()
    {
        transports.forEach(Transport::close);
    }

    private Transport start(final String job, final int node, final int nodes, final byte[] secret,
        final Duration connectTimeout)
    {
        final Recorder recorder = new Recorder();
        recorders.add(recorder);
        final Transport t = Transport.start(TransportConfig.builder().mode(TransportConfig.Mode.IPC).nodeCount(nodes)
            .nodeId(node).jobId(job).secret(secret).connectTimeout(connectTimeout).build(), recorder);
        transports.add(t);
        return t;
    }

    private static UnsafeBuffer text(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(20)
    void nodesThatHoldTheSecretTalkAsWithout() throws Exception
    {
        final String job = "secret" + JOBS.incrementAndGet();
        for (int n = 0; n < 3; n++)
        {
            start(job, n, 3, SECRET, WAIT);
        }
        transports.forEach(Transport::awaitConnected);
        final UnsafeBuffer msg = text("from 2");
        transports.get(2).send(0, msg, 0, msg.capacity());
        final Recorder.Message got = recorders.get(0).take(WAIT);
        assertEquals(2, got.from());
        assertArrayEquals(msg.byteArray(), got.payload());
        for (final Transport t : transports)
        {
            assertEquals(0, t.stats().messagesUnproven(), "node " + t.nodeId());
            assertEquals(0, t.stats().messagesDropped(), "node " + t.nodeId());
        }
    }

    @Test
    @Timeout(20)
    void aNodeWithAnotherSecretIsNeverHeard()
    {
        final String job = "secret" + JOBS.incrementAndGet();
        final byte[] other = Arrays.copyOf(SECRET, SECRET.length);
        other[0] ^= 1;
        final Transport zero = start(job, 0, 2, SECRET, Duration.ofSeconds(2));
        final Transport one = start(job, 1, 2, other, Duration.ofSeconds(2));
        final TransportException e = assertThrows(TransportException.class, zero::awaitConnected);
        assertTrue(e.getMessage().contains("node 1: it did not prove the job's secret"), e.getMessage());
        assertThrows(TransportException.class, one::awaitConnected);
        assertTrue(zero.stats().messagesUnproven() > 0, zero.stats().toString());
        assertTrue(recorders.get(0).messages.isEmpty() && recorders.get(1).messages.isEmpty());
    }

    @Test
    @Timeout(20)
    void messagesOfAnIntruderThatLookRightAreDroppedAndCounted() throws Exception
    {
        final String job = "secret" + JOBS.incrementAndGet();
        start(job, 0, 2, SECRET, WAIT);
        final Transport target = start(job, 1, 2, SECRET, WAIT);
        transports.forEach(Transport::awaitConnected);
        try (Aeron intruder = Aeron.connect(new Aeron.Context().aeronDirectoryName(target.aeronDirectory())))
        {
            final Publication publication = intruder.addExclusivePublication(
                CommonContext.IPC_CHANNEL, TransportConfig.IPC_STREAM_ID_BASE + target.nodeId());
            // a data message that claims to be node 0's, a heartbeat, and a greeting with a made-up tag
            final UnsafeBuffer data = new UnsafeBuffer(new byte[WireFormat.HEADER_LENGTH + 5]);
            data.putBytes(0, WireFormat.header(WireFormat.TYPE_DATA, 0), 0, WireFormat.HEADER_LENGTH);
            data.putBytes(WireFormat.HEADER_LENGTH, "forge".getBytes(StandardCharsets.US_ASCII));
            final UnsafeBuffer hello = new UnsafeBuffer(new byte[WireFormat.HEADER_LENGTH + Greeting.TAG_LENGTH]);
            hello.putBytes(0, WireFormat.header(WireFormat.TYPE_HELLO, 0), 0, WireFormat.HEADER_LENGTH);
            for (final UnsafeBuffer b : List.of(data, WireFormat.header(WireFormat.TYPE_HEARTBEAT, 0), hello, data))
            {
                while (publication.offer(b, 0, b.capacity()) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (target.stats().messagesUnproven() < 4 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
        }
        assertEquals(4, target.stats().messagesUnproven(), target.stats().toString());
        assertTrue(recorders.get(1).messages.isEmpty(), "nothing of the intruder's is delivered");
        final UnsafeBuffer ok = text("still fine");
        transports.get(0).send(1, ok, 0, ok.capacity());
        assertArrayEquals(ok.byteArray(), recorders.get(1).take(WAIT).payload());
    }

    /**
     * A node of an earlier run of the job (the same secret, the job id of the run that stopped: it was fenced then)
     * greets with a tag that is right for its own job: it is refused, said to be of that job, and never heard.
     */
    @Test
    @Timeout(20)
    void aNodeOfAnEarlierRunIsRefusedAndNamedAsSuch() throws Exception
    {
        final String job = "secret" + JOBS.incrementAndGet();
        start(job + "-run2", 0, 2, SECRET, WAIT);
        final Transport target = start(job + "-run2", 1, 2, SECRET, WAIT);
        transports.forEach(Transport::awaitConnected);
        try (Aeron stale = Aeron.connect(new Aeron.Context().aeronDirectoryName(target.aeronDirectory())))
        {
            final Publication publication = stale.addExclusivePublication(
                CommonContext.IPC_CHANNEL, TransportConfig.IPC_STREAM_ID_BASE + target.nodeId());
            final byte[] payload = new Greeting(SECRET, job + "-run1").payload(0, 1, publication.sessionId());
            final UnsafeBuffer hello = new UnsafeBuffer(new byte[WireFormat.HEADER_LENGTH + payload.length]);
            hello.putBytes(0, WireFormat.header(WireFormat.TYPE_HELLO, 0), 0, WireFormat.HEADER_LENGTH);
            hello.putBytes(WireFormat.HEADER_LENGTH, payload);
            final UnsafeBuffer data = new UnsafeBuffer(new byte[WireFormat.HEADER_LENGTH + 5]);
            data.putBytes(0, WireFormat.header(WireFormat.TYPE_DATA, 0), 0, WireFormat.HEADER_LENGTH);
            data.putBytes(WireFormat.HEADER_LENGTH, "stale".getBytes(StandardCharsets.US_ASCII));
            for (final UnsafeBuffer b : List.of(hello, data))
            {
                while (publication.offer(b, 0, b.capacity()) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (target.stats().messagesUnproven() < 2 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
        }
        assertEquals(2, target.stats().messagesUnproven(), target.stats().toString());
        assertTrue(recorders.get(1).messages.isEmpty(), "nothing of the stale node's is delivered");
        final ReceiverAgent receiver = target.receiver();
        assertEquals(1, receiver.refusedGreetings(0));
        assertEquals("it is a node of job " + job + "-run1, not of this job " + job + "-run2 (of an earlier run of "
            + "the job, fenced when that run stopped, or of another job)", receiver.refusal(0));
        final UnsafeBuffer ok = text("still fine");
        transports.get(0).send(1, ok, 0, ok.capacity());
        assertArrayEquals(ok.byteArray(), recorders.get(1).take(WAIT).payload());
    }

    @Test
    void aSecretShorterThan16BytesIsRefused()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransportConfig
            .builder().mode(TransportConfig.Mode.IPC).nodeCount(2).nodeId(0).secret(new byte[15]).build());
        assertTrue(e.getMessage().contains("the secret must be at least 16 bytes, not 15"), e.getMessage());
    }
}
