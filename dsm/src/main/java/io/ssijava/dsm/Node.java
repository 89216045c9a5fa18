package io.ssijava.dsm;

import io.ssijava.transport.MessageHandler;
import io.ssijava.transport.Transport;
import io.ssijava.transport.TransportConfig;
import io.ssijava.transport.TransportException;
import io.ssijava.transport.TransportStats;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One node of a job: the transport, request/response messaging, and the dispatch of protocol messages to the
 * object space and the locks. Messages that must not block are handled on the transport's receiver thread; the
 * rest on a small pool of protocol workers.
 * <p>
 * Wire layout of every message: type (1 byte), correlation id (8 bytes), body. A reply is type {@link
 * MessageTypes#REPLY} with the request's correlation id, a status byte, and the body or an error text.
 */
public final class Node implements Net, MessageHandler, AutoCloseable
{
    /** Bytes before the body of every message. */
    static final int HEADER = 9;
    private static final byte OK = 0;
    private static final byte ERROR = 1;
    /** How long a request waits for its reply before the job is considered broken. */
    private static final long CALL_TIMEOUT_MS = Long.getLong("ssi.callTimeoutMs", 120_000L);

    /** Handler of an extension message type; runs on a protocol worker thread and may block. */
    public interface Handler
    {
        void onMessage(int from, long correlationId, WireIn body) throws Exception;
    }

    /** Told when a node is lost. */
    public interface FailureListener
    {
        void onNodeFailed(int node, String reason);
    }

    private final int self;
    private final int nodeCount;
    private final AtomicLong correlations = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Byte, Handler> extensions = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final Stats stats = new Stats();
    private final ObjectSpace space;
    private final Locks locks;
    private volatile Transport transport;
    private volatile FailureListener failureListener;
    private volatile boolean closing;
    /** Message types of which a malformed message was reported (each is reported once). */
    private final java.util.Set<Byte> malformedReported = ConcurrentHashMap.newKeySet();
    /** The node closes because its JVM halts in a moment (see closeToHalt). */
    private volatile boolean halting;
    /** Per lost node: counted down once the failure listener has run (see awaitFailureHandled). */
    private final Map<Integer, CountDownLatch> failuresHandled = new ConcurrentHashMap<>();
    /** How long a thread waits for the failure listener before it reports a lost node itself. */
    private static final long FAILURE_HANDLING_WAIT_MS = 10_000;

    private static final class Pending
    {
        final int node;
        final CompletableFuture<WireIn> future = new CompletableFuture<>();

        Pending(final int node)
        {
            this.node = node;
        }
    }

    /**
     * Creates a node; {@link #start} connects it.
     *
     * @param self      this node's id.
     * @param nodeCount cluster size.
     * @param classes   resolver of the job's classes.
     */
    public Node(final int self, final int nodeCount, final JobClasses classes)
    {
        this.self = self;
        this.nodeCount = nodeCount;
        final AtomicInteger n = new AtomicInteger();
        final ThreadFactory tf = r ->
        {
            final Thread t = new io.ssijava.rt.NodeLocalThread(r, "ssi-protocol-" + self + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = Executors.newCachedThreadPool(tf);
        space = new ObjectSpace(this, classes, stats);
        locks = new Locks(space, workers);
        space.locks = locks;
    }

    private volatile boolean connected;

    /** @return whether every peer is connected ({@link #start} returned). */
    public boolean isConnected()
    {
        return connected;
    }

    /** Starts the transport and waits until every peer is connected. */
    public void start(final TransportConfig config)
    {
        transport = Transport.start(config, this);
        transport.awaitConnected();
        connected = true;
        final Thread flusher = new Thread(this::flushLoop, "ssi-flusher-" + self);
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Bounds how long unsynchronized writes stay invisible to other nodes (a spinning reader must get there). */
    private void flushLoop()
    {
        final long periodMs = Long.getLong("ssi.flushPeriodMs", 3L);
        while (!closing)
        {
            try
            {
                Thread.sleep(periodMs);
                space.flushBackground();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final RuntimeException ex)
            {
                if (!closing)
                {
                    System.err.println("ssi-java: node " + self + ": background release failed: " + ex);
                }
            }
        }
    }

    public void failureListener(final FailureListener listener)
    {
        this.failureListener = listener;
    }

    /** Registers the handler of an extension message type (>= {@link MessageTypes#FIRST_EXTENSION}). */
    public void register(final byte type, final Handler handler)
    {
        extensions.put(type, handler);
    }

    public Stats stats()
    {
        return stats;
    }

    /**
     * Sets what is told, on the faulting thread, the home node of every object this node fetched from another node.
     *
     * @param observer receives the home node's id; must be quick and must not block.
     */
    public void faultObserver(final java.util.function.IntConsumer observer)
    {
        space.faultObserver = observer;
    }

    ObjectSpace space()
    {
        return space;
    }

    Locks locks()
    {
        return locks;
    }

    public java.util.concurrent.Executor workers()
    {
        return workers;
    }

    // ---------------------------------------------------------------- Net

    @Override
    public int self()
    {
        return self;
    }

    @Override
    public int nodeCount()
    {
        return nodeCount;
    }

    @Override
    public WireOut message(final byte type)
    {
        final WireOut out = new WireOut();
        out.putByte(type).putLong(0L);
        return out;
    }

    @Override
    public void send(final int node, final WireOut message)
    {
        if (node == self)
        {
            final byte[] bytes = message.toBytes();
            workers.execute(() -> dispatch(self, new UnsafeBuffer(bytes), 0, bytes.length));
            return;
        }
        final Transport t = transport;
        if (t == null)
        {
            throw new SsiException("node " + self + " is not connected");
        }
        try
        {
            t.send(node, message.buffer(), 0, message.length());
        }
        catch (final TransportException ex)
        {
            if (halting)
            {
                awaitHalt();
            }
            if (t.isFailed(node))
            {
                awaitFailureHandled(node); // the transport's own check refused it: no second check per message
            }
            throw ex;
        }
        stats.messagesSent.incrementAndGet();
        stats.bytesSent.addAndGet(message.length());
    }

    @Override
    public WireIn call(final int node, final WireOut request)
    {
        return await(begin(node, request), node);
    }

    @Override
    public WireIn[] callAll(final int[] nodes, final WireOut[] requests)
    {
        final Pending[] ps = new Pending[nodes.length];
        for (int i = 0; i < nodes.length; i++)
        {
            ps[i] = begin(nodes[i], requests[i]);
        }
        final WireIn[] out = new WireIn[nodes.length];
        for (int i = 0; i < nodes.length; i++)
        {
            out[i] = await(ps[i], nodes[i]);
        }
        return out;
    }

    private Pending begin(final int node, final WireOut request)
    {
        final long id = correlations.incrementAndGet();
        request.buffer().putLong(1, id, java.nio.ByteOrder.LITTLE_ENDIAN);
        final Pending p = new Pending(node);
        pending.put(id, p);
        if (transport != null && transport.isFailed(node))
        {
            pending.remove(id);
            awaitFailureHandled(node);
            throw new SsiException("node " + node + " has failed");
        }
        send(node, request);
        return p;
    }

    private WireIn await(final Pending p, final int node)
    {
        // A protocol step cannot be abandoned half way (the other node acts on it anyway): an interrupt waits
        // for the answer and stays pending for the application code that follows.
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALL_TIMEOUT_MS);
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    return p.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        catch (final ExecutionException ex)
        {
            throw failed(ex, node);
        }
        catch (final TimeoutException ex)
        {
            throw new SsiException("node " + node + " did not answer within " + CALL_TIMEOUT_MS + " ms");
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends a request and waits for its reply however long it takes: the other node may wait on the program's behalf
     * (a blocking queue's take), so there is no call timeout; a node that fails ends the wait as for {@link #call}.
     * The first interrupt runs {@code onInterrupt} (which asks the other node to give up) and the wait goes on for
     * the answer; the interrupt status is set again once it comes.
     */
    public WireIn callWaiting(final int node, final WireOut request, final Runnable onInterrupt)
    {
        final Pending p = begin(node, request);
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    return p.future.get();
                }
                catch (final InterruptedException ex)
                {
                    if (!interrupted)
                    {
                        interrupted = true;
                        onInterrupt.run();
                    }
                }
            }
        }
        catch (final ExecutionException ex)
        {
            throw failed(ex, node);
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SsiException failed(final ExecutionException ex, final int node)
    {
        final Throwable cause = ex.getCause();
        if (cause instanceof SsiException)
        {
            return new SsiException(cause.getMessage(), cause);
        }
        return new SsiException("request to node " + node + " failed: " + cause, cause);
    }

    @Override
    public WireOut reply()
    {
        final WireOut out = new WireOut();
        out.putByte(MessageTypes.REPLY).putLong(0L).putByte(OK);
        return out;
    }

    @Override
    public void sendReply(final int node, final long correlationId, final WireOut body)
    {
        body.buffer().putLong(1, correlationId, java.nio.ByteOrder.LITTLE_ENDIAN);
        send(node, body);
    }

    @Override
    public void sendError(final int node, final long correlationId, final String message)
    {
        final WireOut out = new WireOut();
        out.putByte(MessageTypes.REPLY).putLong(correlationId).putByte(ERROR).putString(message);
        send(node, out);
    }

    // ---------------------------------------------------------------- receive

    @Override
    public void onMessage(final int fromNode, final DirectBuffer buffer, final int offset, final int length)
    {
        dispatch(fromNode, buffer, offset, length);
    }

    @Override
    public void onNodeFailed(final int node, final String reason)
    {
        final FailureListener l = failureListener;
        if (l != null && !closing)
        {
            // the listener first: where it stops the job, threads waiting on that node are not woken to report
            // the failure once more each, in stack traces, before the job's own message and exit
            workers.execute(() ->
            {
                try
                {
                    l.onNodeFailed(node, reason);
                }
                finally
                {
                    failureHandled(node).countDown();
                    failCallsTo(node, reason);
                }
            });
            return;
        }
        failureHandled(node).countDown();
        failCallsTo(node, reason);
    }

    private CountDownLatch failureHandled(final int node)
    {
        return failuresHandled.computeIfAbsent(node, n -> new CountDownLatch(1));
    }

    /**
     * A thread about to reach a node that the transport has seen fail waits, for a while, until the failure
     * listener has run: where it stops the job, the thread must not report the failure first, in a stack trace of
     * the program's.
     */
    private void awaitFailureHandled(final int node)
    {
        if (failureListener == null || closing)
        {
            return;
        }
        boolean interrupted = false;
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FAILURE_HANDLING_WAIT_MS);
            while (true)
            {
                try
                {
                    failureHandled(node).await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    return;
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void failCallsTo(final int node, final String reason)
    {
        for (final Pending p : pending.values())
        {
            if (p.node == node)
            {
                p.future.completeExceptionally(new SsiException("node " + node + " failed: " + reason));
            }
        }
    }

    private void dispatch(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER)
        {
            return;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        final byte type = bytes[0];
        final long corr = buffer.getLong(offset + 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        final WireIn body = new WireIn(bytes, HEADER, length - HEADER);
        try
        {
            switch (type)
            {
                case MessageTypes.REPLY:
                    onReply(corr, body);
                    return;
                case MessageTypes.INVALIDATE:
                    space.invalidate(from, corr, body);
                    return;
                case MessageTypes.LOCK_REQUEST:
                    locks.onRequest(from, body.getLong());
                    return;
                case MessageTypes.LOCK_REVOKE:
                    final long gid = body.getLong();
                    locks.onRevoke(gid, body.getCount(nodeCount - 1)); // the node to hand the lock to
                    return;
                case MessageTypes.LOCK_GRANT:
                    locks.onGrant(body);
                    return;
                case MessageTypes.LOCK_PROBE:
                    locks.onProbe(from, body.getLong());
                    return;
                case MessageTypes.WAKE:
                    locks.onWake(from, corr, body.getLong());
                    return;
                case MessageTypes.FETCH:
                    if (!space.hasPendingWrites())
                    {
                        space.serveFetch(from, corr, body);
                        return;
                    }
                    // this node's unreleased writes may not be in what it asks for: then no flush is waited for
                    final int start = body.position();
                    if (space.serveFetchAtOnce(from, corr, body))
                    {
                        return;
                    }
                    body.rewind(start);
                    break;
                default:
                    break;
            }
        }
        catch (final RuntimeException | LinkageError | AssertionError | StackOverflowError ex)
        {
            // this is the transport's receiver thread: whatever a message does, it must go on receiving
            failRequest(from, corr, type, ex);
            return;
        }
        workers.execute(() -> handleBlocking(from, type, corr, body));
    }

    private void handleBlocking(final int from, final byte type, final long corr, final WireIn body)
    {
        try
        {
            switch (type)
            {
                case MessageTypes.FETCH:
                    space.flushBackground();
                    space.serveFetch(from, corr, body);
                    return;
                case MessageTypes.DIFF:
                    space.applyDiffs(from, corr, body);
                    return;
                default:
                    final Handler h = extensions.get(type);
                    if (h == null)
                    {
                        throw new WireException("unknown message type " + type);
                    }
                    h.onMessage(from, corr, body);
            }
        }
        catch (final Exception | LinkageError | AssertionError | StackOverflowError ex)
        {
            failRequest(from, corr, type, ex);
        }
    }

    /**
     * A message that failed here: a request is answered with the error (the asking node reports it); a one-way
     * message, or one that could not be decoded or broke its handler, is also reported here, once per message type,
     * and counted.
     */
    private void failRequest(final int from, final long corr, final byte type, final Throwable ex)
    {
        // a request's failure goes back to the asking node, which reports it; a one-way message's stays here
        final boolean oneWay = corr == 0 || type == MessageTypes.REPLY;
        if (oneWay || isMalformed(ex))
        {
            malformed(from, type, ex);
        }
        if (!oneWay)
        {
            try
            {
                sendError(from, corr, ex.getMessage() == null ? ex.toString() : ex.getMessage());
            }
            catch (final RuntimeException unsent)
            {
                // the asking node is gone (or this one is closing): nobody is left to tell
                if (!closing && (transport == null || !transport.isFailed(from)))
                {
                    System.err.println("ssi-java: node " + self + ": could not answer node " + from + ": " + unsent);
                }
            }
        }
    }

    /**
     * @return whether a handler's failure says the message was malformed: the codec refused it, or decoding it
     * broke (an index, a cast, a size, an error), as opposed to a request the protocol refuses (SsiException,
     * IllegalArgumentException and the like), which the asking node reports.
     */
    static boolean isMalformed(final Throwable ex)
    {
        return ex instanceof WireException || ex instanceof Error || ex instanceof IndexOutOfBoundsException ||
            ex instanceof java.nio.BufferUnderflowException || ex instanceof NegativeArraySizeException ||
            ex instanceof ClassCastException || ex instanceof ArrayStoreException ||
            ex instanceof NullPointerException || ex instanceof ArithmeticException;
    }

    private void malformed(final int from, final byte type, final Throwable ex)
    {
        stats.malformedMessages.incrementAndGet();
        if (!closing && malformedReported.add(type))
        {
            System.err.println("ssi-java: node " + self + ": dropped a message of type " + type + " from node " +
                from + " that it could not handle: " + ex + "; others of that type are only counted " +
                "(messages_malformed_total in ssi-java metrics)");
        }
    }

    private void onReply(final long corr, final WireIn body)
    {
        final Pending p = pending.remove(corr);
        if (p == null)
        {
            return;
        }
        if (body.getByte() == OK)
        {
            p.future.complete(body);
        }
        else
        {
            p.future.completeExceptionally(new SsiException(body.getString()));
        }
    }

    /** @return transport counters, or null before start. */
    public TransportStats transportStats()
    {
        final Transport t = transport;
        return t == null ? null : t.stats();
    }

    public boolean isClosing()
    {
        return closing;
    }

    /**
     * The job is ending: the other nodes are told to stop, so from now on their going away is no failure and
     * background work (balancing, releases) that still reaches for them stays quiet. Over shared memory a node
     * that exits is seen gone at once.
     */
    public void beginClosing()
    {
        closing = true;
    }

    /**
     * Closes the node of a JVM that halts right after: a thread that reaches for another node from now on (one of
     * the program's, which the halt stops wherever it is) waits for the halt instead of failing, in a stack trace
     * of the program's, on the closed transport.
     */
    public void closeToHalt()
    {
        halting = true;
        close();
    }

    /** Never returns: the JVM halts meanwhile. */
    private static void awaitHalt()
    {
        while (true)
        {
            LockSupport.park();
            Thread.interrupted(); // an interrupt changes nothing: the JVM is halting
        }
    }

    @Override
    public void close()
    {
        closing = true;
        final Transport t = transport;
        if (t != null)
        {
            t.close();
        }
        workers.shutdownNow();
    }
}
