package io.ssijava.transport;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import static io.ssijava.transport.WireFormat.HEADER_LENGTH;

/**
 * The one receiver thread's work: polls the subscription, strips and checks headers, reassembles chunked
 * messages, delivers payloads to the {@link MessageHandler}, sends heartbeats and declares silent peers failed.
 * <p>
 * All mutable state except the atomics below is confined to the receiver thread.
 */
final class ReceiverAgent implements Agent, FragmentHandler
{
    /** Bounds one poll so heartbeats and timeouts get their turn even under a flood. */
    static final int FRAGMENT_LIMIT = 64;
    /** Reassembly buffers above this are released after use instead of being kept for the next message. */
    private static final int KEEP_CHUNK_BUFFER_LIMIT = 16 * 1024 * 1024;

    private final int nodeId;
    private final int nodeCount;
    private final MessageHandler handler;
    private final Outbound[] publications;
    private final UnsafeBuffer heartbeat;
    private final long heartbeatIntervalNs;
    private final long failureTimeoutNs;
    private final int maxMessageLength;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private Subscription subscription;

    private final long[] lastHeardNs;
    private final AtomicIntegerArray heard;
    private final AtomicReferenceArray<String> failures;
    /** Images lost, reported by the Aeron client conductor thread, handled on this agent's thread. */
    private final Queue<LostImage> lostImages = new ConcurrentLinkedQueue<>();
    /** Which node each image (session) carries, learnt from message headers. */
    private final Int2IntHashMap sessionToNode = new Int2IntHashMap(-1);
    private int lastSessionId;
    private int lastSessionNode = -1;

    private final UnsafeBuffer[] chunkBuffers;
    private final int[] chunkTotal;
    private final int[] chunkFilled;

    private long nowNs;
    private long nextHeartbeatNs;
    private int heartbeats;

    final LongAdder messagesReceived = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();

    /** With a secret: checks greetings; sessions that proved it, and the node each speaks for. Else null. */
    private final Greeting greeting;
    private final Int2IntHashMap provenSessions = new Int2IntHashMap(-1);
    private final AtomicIntegerArray refusedGreetings;
    /** Per node: why its last greeting was refused (read by the connect-timeout report). */
    private final AtomicReferenceArray<String> refusals;
    /** Per node declared failed: whether it was heard since (reported once). */
    private final boolean[] fencedHeard;
    final LongAdder messagesUnproven = new LongAdder();

    ReceiverAgent(final TransportConfig config, final MessageHandler handler, final Outbound[] publications,
        final Greeting greeting)
    {
        this.greeting = greeting;
        this.refusedGreetings = new AtomicIntegerArray(config.nodeCount());
        this.refusals = new AtomicReferenceArray<>(config.nodeCount());
        this.fencedHeard = new boolean[config.nodeCount()];
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.handler = handler;
        this.publications = publications;
        this.heartbeat = WireFormat.header(WireFormat.TYPE_HEARTBEAT, nodeId);
        this.heartbeatIntervalNs = config.heartbeatInterval().toNanos();
        this.failureTimeoutNs = config.failureTimeout().toNanos();
        this.maxMessageLength = config.maxMessageLength();
        this.lastHeardNs = new long[nodeCount];
        this.heard = new AtomicIntegerArray(nodeCount);
        this.failures = new AtomicReferenceArray<>(nodeCount);
        this.chunkBuffers = new UnsafeBuffer[nodeCount];
        this.chunkTotal = new int[nodeCount];
        this.chunkFilled = new int[nodeCount];
    }

    /** Set once, before the agent's thread starts (which publishes it to that thread). */
    void subscription(final Subscription subscription)
    {
        this.subscription = subscription;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "ssi-receiver-" + nodeId;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        nextHeartbeatNs = System.nanoTime();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        nowNs = System.nanoTime();
        heartbeats = 0;
        final int fragments = subscription.poll(assembler, FRAGMENT_LIMIT);
        // Heartbeats are not work: alone they must not keep resetting the idle backoff to spinning.
        int work = fragments - heartbeats;
        if (!lostImages.isEmpty())
        {
            work += processLostImages();
        }
        if (nowNs - nextHeartbeatNs >= 0)
        {
            nextHeartbeatNs = nowNs + heartbeatIntervalNs;
            sendHeartbeats();
            // Only judge silence once caught up: a backlog may still hold the peer's latest heartbeats.
            if (fragments < FRAGMENT_LIMIT)
            {
                checkTimeouts();
            }
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (!WireFormat.isValid(buffer, offset, length))
        {
            messagesDropped.increment();
            return;
        }
        final int from = WireFormat.fromNode(buffer, offset);
        if (from < 0 || from >= nodeCount || from == nodeId)
        {
            messagesDropped.increment();
            return;
        }
        final byte type = WireFormat.type(buffer, offset);
        if (type == WireFormat.TYPE_HEARTBEAT)
        {
            heartbeats++;
        }
        if (greeting != null && !proven(from, type, buffer, offset, length, header.sessionId()))
        {
            return;
        }
        if (failures.get(from) != null)
        {
            // Fail-stop: once a peer is declared failed the rest of the node has moved on without it: it is fenced
            if (!fencedHeard[from])
            {
                fencedHeard[from] = true;
                report("node " + from + ", lost (" + failures.get(from) + "), is heard again: it stays fenced, " +
                    "its messages are dropped");
            }
            if (type != WireFormat.TYPE_HEARTBEAT)
            {
                messagesDropped.increment();
            }
            return;
        }
        lastHeardNs[from] = nowNs;
        final int sessionId = header.sessionId();
        if (sessionId != lastSessionId || from != lastSessionNode)
        {
            sessionToNode.put(sessionId, from);
            lastSessionId = sessionId;
            lastSessionNode = from;
        }
        if (heard.get(from) == 0)
        {
            heard.set(from, 1);
        }
        final int payloadOffset = offset + HEADER_LENGTH;
        final int payloadLength = length - HEADER_LENGTH;
        switch (type)
        {
            case WireFormat.TYPE_DATA -> deliver(from, buffer, payloadOffset, payloadLength);
            case WireFormat.TYPE_HEARTBEAT ->
            {
                // Liveness only, recorded above.
            }
            case WireFormat.TYPE_FIRST_CHUNK -> startChunks(from, buffer, payloadOffset, payloadLength);
            case WireFormat.TYPE_CHUNK -> appendChunk(from, buffer, payloadOffset, payloadLength);
            default -> messagesDropped.increment();
        }
    }

    /**
     * A job with a secret: a greeting that proves it admits its session; anything else passes only on an admitted
     * session of the node it claims to be from. What does not is dropped and counted.
     *
     * @return whether the fragment goes on to be handled.
     */
    private boolean proven(final int from, final byte type, final DirectBuffer buffer, final int offset,
        final int length, final int session)
    {
        if (type == WireFormat.TYPE_HELLO)
        {
            final String refusal = greeting.refusal(from, nodeId, session, buffer, offset + HEADER_LENGTH,
                length - HEADER_LENGTH);
            if (refusal == null)
            {
                provenSessions.put(session, from);
            }
            else
            {
                refusals.set(from, refusal);
                if (refusedGreetings.getAndIncrement(from) == 0)
                {
                    report("refused a process that claims to be node " + from + ": " + refusal +
                        "; its messages are dropped");
                }
                messagesUnproven.increment();
                messagesDropped.increment();
            }
            return false;
        }
        if (provenSessions.get(session) != from)
        {
            messagesUnproven.increment();
            messagesDropped.increment();
            return false;
        }
        return true;
    }

    /** @return why the last greeting claiming to be from {@code node} was refused, or null if none was. */
    String refusal(final int node)
    {
        return refusals.get(node);
    }

    /** A refusal, once per node and kind, on the node's standard error: an operator must see an intruder. */
    private void report(final String what)
    {
        System.err.println("ssi-java: node " + nodeId + ": " + what);
    }

    /** @return greetings claiming to be from a node that did not prove the job's secret. */
    int refusedGreetings(final int node)
    {
        return refusedGreetings.get(node);
    }

    private void startChunks(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (chunkTotal[from] != 0)
        {
            // The sender gave up on the previous message half way (send threw); it will never complete.
            messagesDropped.increment();
            chunkTotal[from] = 0;
        }
        final int total = length >= Integer.BYTES ? buffer.getInt(offset, WireFormat.ORDER) : -1;
        if (total <= 0 || total > maxMessageLength || length - Integer.BYTES > total)
        {
            messagesDropped.increment();
            return;
        }
        UnsafeBuffer chunks = chunkBuffers[from];
        if (chunks == null || chunks.capacity() < total)
        {
            chunks = new UnsafeBuffer(new byte[total]);
            chunkBuffers[from] = chunks;
        }
        chunkTotal[from] = total;
        chunkFilled[from] = 0;
        appendChunk(from, buffer, offset + Integer.BYTES, length - Integer.BYTES);
    }

    private void appendChunk(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        final int total = chunkTotal[from];
        final int filled = chunkFilled[from];
        if (total == 0 || length > total - filled)
        {
            messagesDropped.increment();
            chunkTotal[from] = 0;
            return;
        }
        final UnsafeBuffer chunks = chunkBuffers[from];
        chunks.putBytes(filled, buffer, offset, length);
        chunkFilled[from] = filled + length;
        if (filled + length == total)
        {
            chunkTotal[from] = 0;
            deliver(from, chunks, 0, total);
            if (chunks.capacity() > KEEP_CHUNK_BUFFER_LIMIT)
            {
                chunkBuffers[from] = null;
            }
        }
    }

    private void deliver(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        messagesReceived.increment();
        bytesReceived.add(length);
        try
        {
            handler.onMessage(from, buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            // A bad handler must not take the node's only receive path down with it.
            handlerErrors.increment();
            Transport.LOG.log(System.Logger.Level.ERROR, "node " + nodeId + ": message handler failed on a " +
                length + "-byte message from node " + from, ex);
        }
    }

    private void sendHeartbeats()
    {
        for (int node = 0; node < nodeCount; node++)
        {
            final Outbound publication = publications[node];
            if (publication != null && failures.get(node) == null)
            {
                // Best effort: if back-pressured, the data in flight already tells the peer we are alive.
                publication.offer(heartbeat);
            }
        }
    }

    private void checkTimeouts()
    {
        for (int node = 0; node < nodeCount; node++)
        {
            if (node != nodeId && heard.get(node) != 0 && failures.get(node) == null &&
                nowNs - lastHeardNs[node] > failureTimeoutNs)
            {
                declareFailed(node, "no message or heartbeat for " +
                    TimeUnit.NANOSECONDS.toMillis(nowNs - lastHeardNs[node]) + " ms (failure timeout " +
                    TimeUnit.NANOSECONDS.toMillis(failureTimeoutNs) + " ms)");
            }
        }
    }

    /** Called on the Aeron client conductor thread; handed over so that all callbacks run on this agent's thread. */
    void onUnavailableImage(final Image image)
    {
        lostImages.add(new LostImage(image.sessionId(), image.sourceIdentity()));
    }

    private int processLostImages()
    {
        int work = 0;
        LostImage lost;
        while ((lost = lostImages.poll()) != null)
        {
            assembler.freeSessionBuffer(lost.sessionId);
            provenSessions.remove(lost.sessionId);
            final int node = sessionToNode.remove(lost.sessionId);
            if (lost.sessionId == lastSessionId)
            {
                lastSessionNode = -1;
            }
            // An image that never carried a valid message is nobody we know; awaitConnected reports those.
            if (node >= 0)
            {
                declareFailed(node, "connection lost: Aeron image from " + lost.sourceIdentity +
                    " became unavailable (peer closed or unreachable)");
                work++;
            }
        }
        return work;
    }

    private record LostImage(int sessionId, String sourceIdentity)
    {
    }

    private void declareFailed(final int node, final String reason)
    {
        if (failures.compareAndSet(node, null, reason))
        {
            chunkBuffers[node] = null;
            chunkTotal[node] = 0;
            try
            {
                handler.onNodeFailed(node, reason);
            }
            catch (final RuntimeException ex)
            {
                handlerErrors.increment();
                Transport.LOG.log(System.Logger.Level.ERROR, "node " + nodeId + ": onNodeFailed(" + node + ") failed",
                    ex);
            }
        }
    }

    boolean hasHeardFrom(final int node)
    {
        return heard.get(node) != 0;
    }

    String failure(final int node)
    {
        return failures.get(node);
    }
}
