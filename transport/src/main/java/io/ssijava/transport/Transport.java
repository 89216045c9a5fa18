package io.ssijava.transport;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static io.ssijava.transport.WireFormat.HEADER_LENGTH;

/**
 * Messaging between the nodes of one ssi-java job, over Aeron.
 * <p>
 * Each node runs one {@code Transport}: it {@link #send sends} byte messages to any peer from any thread, and one
 * receiver thread ({@code ssi-receiver-<node>}) hands incoming messages to the {@link MessageHandler}. Delivery is
 * reliable and, between one sending thread and one receiving node, in order. The transport also watches its peers:
 * it sends each a heartbeat every {@link TransportConfig#heartbeatInterval()} and reports a peer that stays silent
 * for {@link TransportConfig#failureTimeout()}, or whose connection goes away, through
 * {@link MessageHandler#onNodeFailed}.
 * <p>
 * In {@link TransportConfig.Mode#UDP UDP} mode every node starts its own embedded media driver (one thread); in
 * {@link TransportConfig.Mode#IPC IPC} mode all nodes of a JVM share one driver, which lets protocol tests run a
 * whole cluster in one JVM; in {@link TransportConfig.Mode#HOST HOST} mode the nodes are separate JVMs on one host,
 * which share node 0's driver and talk over shared memory as in IPC mode.
 * <p>
 * A job with a {@link TransportConfig#secret() secret} admits only senders that prove it: the first message on
 * each publication is a greeting ({@link Greeting}), and the receiver drops and counts
 * ({@link TransportStats#messagesUnproven()}) whatever comes on a session that has not proved it.
 * <p>
 * <b>JVM flags:</b> Aeron's Agrona library uses {@code jdk.internal.misc.Unsafe}, so the JVM must be started with
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}. The ssi-java agent arranges this for nodes it
 * launches; this module's tests get it from the root pom's {@code ssi.test.jvmArgs}.
 */
public final class Transport implements AutoCloseable
{
    static final System.Logger LOG = System.getLogger("io.ssijava.transport");

    private static final int RECEIVER_SPINS = 100;
    private static final int RECEIVER_YIELDS = 100;
    private static final long NOT_CONNECTED_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long BACK_PRESSURE_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);

    private final TransportConfig config;
    private final int nodeId;
    private final int nodeCount;
    private final long connectTimeoutNs;
    private final Drivers.Handle driver;
    private final Aeron aeron;
    private final Outbound[] outbound;
    private final Object[] chunkLocks;
    private final UnsafeBuffer dataHeader;
    private final ReceiverAgent receiver;
    private final AgentRunner receiverRunner;
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private volatile boolean closed;

    private Transport(final TransportConfig config, final MessageHandler handler, final Drivers.Handle driver)
    {
        this.config = config;
        this.nodeId = config.nodeId();
        this.nodeCount = config.nodeCount();
        this.connectTimeoutNs = config.connectTimeout().toNanos();
        this.driver = driver;
        this.dataHeader = WireFormat.header(WireFormat.TYPE_DATA, nodeId);
        this.outbound = new Outbound[nodeCount];
        this.chunkLocks = new Object[nodeCount];

        Aeron client = null;
        try
        {
            final Aeron.Context context = new Aeron.Context().aeronDirectoryName(driver.directory());
            if (config.mode() == TransportConfig.Mode.HOST && nodeId != 0)
            {
                // node 0 may still be starting its driver: wait for it as long as for a peer
                context.driverTimeoutMs(Math.max(context.driverTimeoutMs(), config.connectTimeout().toMillis()));
            }
            client = Aeron.connect(context
                .threadFactory(Drivers.daemonThreads("ssi-aeron-client-" + nodeId))
                .errorHandler(this::onAeronError));
            final byte[] secret = config.secret();
            final Greeting greeting = secret == null ? null : new Greeting(secret, config.jobId());
            for (int node = 0; node < nodeCount; node++)
            {
                if (node != nodeId)
                {
                    final int streamId = streamIdOf(node);
                    final boolean udp = config.mode() == TransportConfig.Mode.UDP;
                    final Publication p = udp ? client.addPublication(publicationChannel(node), streamId) :
                        client.addExclusivePublication(CommonContext.IPC_CHANNEL, streamId);
                    outbound[node] = new Outbound(p, !udp, greeting == null ? null :
                        hello(greeting.payload(nodeId, node, p.sessionId())));
                    chunkLocks[node] = new Object();
                }
            }
            receiver = new ReceiverAgent(config, handler, outbound,
                secret == null ? null : new Greeting(secret, config.jobId()));
            receiver.subscription(addSubscription(client, receiver));
            receiverRunner = new AgentRunner(
                // Spin briefly (polling is cheap, no syscalls), yield, then park: nodes share a small machine.
                new BackoffIdleStrategy(RECEIVER_SPINS, RECEIVER_YIELDS, Drivers.MIN_PARK_NS,
                    Math.max(Drivers.MIN_PARK_NS, config.receiverMaxPark().toNanos())),
                (throwable) -> LOG.log(System.Logger.Level.ERROR, "node " + nodeId + ": receiver error", throwable),
                null,
                receiver);
            AgentRunner.startOnThread(receiverRunner, Drivers.daemonThreads(receiver.roleName()));
            aeron = client;
        }
        catch (final RuntimeException | Error ex)
        {
            CloseHelper.quietClose(client);
            throw ex;
        }
    }

    /** @return the greeting message: a HELLO header, then the greeting's payload. */
    private UnsafeBuffer hello(final byte[] payload)
    {
        final UnsafeBuffer hello = new UnsafeBuffer(new byte[HEADER_LENGTH + payload.length]);
        hello.putBytes(0, WireFormat.header(WireFormat.TYPE_HELLO, nodeId), 0, HEADER_LENGTH);
        hello.putBytes(HEADER_LENGTH, payload);
        return hello;
    }

    /**
     * Start this node's transport: launch (or share, in IPC mode) the media driver, subscribe, publish to every peer
     * and start the receiver thread. Returns without waiting for peers; call {@link #awaitConnected()} for that.
     *
     * @param config  this node's configuration.
     * @param handler receives messages and peer failures on the receiver thread.
     * @return the running transport.
     * @throws TransportException if the UDP port or Aeron directory is in use, or the driver cannot start.
     */
    public static Transport start(final TransportConfig config, final MessageHandler handler)
    {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        final Drivers.Handle driver = Drivers.acquire(config);
        try
        {
            return new Transport(config, handler, driver);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            if (ex instanceof TransportException)
            {
                throw ex;
            }
            throw new TransportException("node " + config.nodeId() + ": could not start the transport: " + ex, ex);
        }
        catch (final Error ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * This node's id.
     *
     * @return the node id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * Number of nodes in the job, this one included.
     *
     * @return the node count.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * The configuration this transport was started with.
     *
     * @return the configuration.
     */
    public TransportConfig config()
    {
        return config;
    }

    /**
     * Send a message to a peer. Thread-safe; may be called from any thread, including the receiver thread inside a
     * {@link MessageHandler} callback. Returns once the message is in Aeron's log buffer (the buffer may then be
     * reused), spinning and then parking briefly while the peer is back-pressured. Messages larger than one Aeron
     * message ({@code termBufferLength / 8}) are split into chunks and reassembled before delivery.
     *
     * @param toNode id of the peer, not this node.
     * @param buffer holds the payload.
     * @param offset where the payload starts.
     * @param length payload length, at most {@link TransportConfig#maxMessageLength()}.
     * @throws IllegalArgumentException if {@code toNode} is out of range or this node, or the range is out of bounds.
     * @throws TransportException       if the message is too large, the transport is closed, the peer has been
     *                                  declared failed, or it stays unconnected for longer than the connect timeout.
     */
    public void send(final int toNode, final DirectBuffer buffer, final int offset, final int length)
    {
        if (toNode < 0 || toNode >= nodeCount || toNode == nodeId)
        {
            throw new IllegalArgumentException("node " + nodeId + " cannot send to node " + toNode +
                " (peers are 0.." + (nodeCount - 1) + " except " + nodeId + ")");
        }
        if (offset < 0 || length < 0 || (long)offset + length > buffer.capacity())
        {
            throw new IllegalArgumentException("offset " + offset + " and length " + length +
                " are out of bounds of a buffer of capacity " + buffer.capacity());
        }
        if (length > config.maxMessageLength())
        {
            throw new TransportException("message of " + length + " bytes to node " + toNode +
                " exceeds the maximum of " + config.maxMessageLength() +
                " bytes (TransportConfig.maxMessageLength)");
        }
        checkUsable(toNode);
        final Outbound publication = outbound[toNode];
        final int maxDataPayload = publication.maxMessageLength() - HEADER_LENGTH;
        if (length <= maxDataPayload)
        {
            offer(toNode, publication, dataHeader, buffer, offset, length);
        }
        else
        {
            sendChunked(toNode, publication, maxDataPayload, buffer, offset, length);
        }
        messagesSent.increment();
        bytesSent.add(length);
    }

    /**
     * Aeron caps one message at {@code termLength / 8} (and 16 MiB), so larger payloads go as several Aeron
     * messages. The lock keeps pieces of different large messages to one peer from interleaving; small messages
     * from other threads may still slip between pieces, which the receiver tolerates.
     */
    private void sendChunked(
        final int toNode,
        final Outbound publication,
        final int maxDataPayload,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final UnsafeBuffer firstHeader = new UnsafeBuffer(new byte[HEADER_LENGTH + Integer.BYTES]);
        firstHeader.putBytes(0, WireFormat.header(WireFormat.TYPE_FIRST_CHUNK, nodeId), 0, HEADER_LENGTH);
        firstHeader.putInt(HEADER_LENGTH, length, WireFormat.ORDER);
        final UnsafeBuffer chunkHeader = WireFormat.header(WireFormat.TYPE_CHUNK, nodeId);
        synchronized (chunkLocks[toNode])
        {
            int sent = Math.min(length, maxDataPayload - Integer.BYTES);
            offer(toNode, publication, firstHeader, buffer, offset, sent);
            while (sent < length)
            {
                final int piece = Math.min(length - sent, maxDataPayload);
                offer(toNode, publication, chunkHeader, buffer, offset + sent, piece);
                sent += piece;
            }
        }
    }

    private void offer(
        final int toNode,
        final Outbound publication,
        final DirectBuffer header,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        long notConnectedSinceNs = 0;
        boolean notConnected = false;
        int attempts = 0;
        while (true)
        {
            final long result = publication.offer(header, buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            checkUsable(toNode);
            if (result == Publication.NOT_CONNECTED)
            {
                final long nowNs = System.nanoTime();
                if (!notConnected)
                {
                    notConnected = true;
                    notConnectedSinceNs = nowNs;
                }
                else if (nowNs - notConnectedSinceNs > connectTimeoutNs)
                {
                    throw new TransportException("node " + nodeId + ": node " + toNode +
                        " has not been connected for " + TimeUnit.NANOSECONDS.toMillis(nowNs - notConnectedSinceNs) +
                        " ms (connect timeout " +
                        config.connectTimeout().toMillis() + " ms)" + describeEndpoint(toNode));
                }
                LockSupport.parkNanos(NOT_CONNECTED_PARK_NS);
            }
            else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                attempts = backOff(attempts);
            }
            else
            {
                throw new TransportException("node " + nodeId + ": cannot send to node " + toNode + ": " +
                    Publication.errorString(result));
            }
        }
    }

    private static int backOff(final int attempts)
    {
        if (attempts < 20)
        {
            Thread.onSpinWait();
        }
        else if (attempts < 40)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(BACK_PRESSURE_MAX_PARK_NS);
        }
        return attempts + 1;
    }

    private void checkUsable(final int toNode)
    {
        if (closed)
        {
            throw new TransportException("node " + nodeId + ": transport is closed");
        }
        final String failure = receiver.failure(toNode);
        if (failure != null)
        {
            throw new TransportException("node " + nodeId + ": node " + toNode + " has failed: " + failure);
        }
    }

    /**
     * Block until every peer is connected both ways: this node's publication to it is connected and a message or
     * heartbeat from it has arrived.
     *
     * @throws TransportException naming the nodes that did not connect within the connect timeout, or a node that
     *                            was declared failed meanwhile, or if the transport is closed.
     */
    public void awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + connectTimeoutNs;
        while (true)
        {
            boolean all = true;
            for (int node = 0; node < nodeCount; node++)
            {
                if (node != nodeId)
                {
                    checkUsable(node);
                    all &= outbound[node].isConnected() && receiver.hasHeardFrom(node);
                }
            }
            if (all)
            {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new TransportException(describeUnconnected());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private String describeUnconnected()
    {
        final List<Integer> nodes = new ArrayList<>();
        final StringBuilder details = new StringBuilder();
        for (int node = 0; node < nodeCount; node++)
        {
            if (node == nodeId)
            {
                continue;
            }
            final boolean connected = outbound[node].isConnected();
            final boolean heard = receiver.hasHeardFrom(node);
            if (!connected || !heard)
            {
                nodes.add(node);
                details.append("; node ").append(node).append(describeEndpoint(node)).append(": ")
                    .append(connected ? "" : "not subscribed to our messages")
                    .append(!connected && !heard ? ", " : "")
                    .append(heard ? "" : receiver.refusedGreetings(node) > 0 ? receiver.refusal(node) +
                        " (greetings refused: " + receiver.refusedGreetings(node) + ")" : "nothing heard from it");
            }
        }
        return "node " + nodeId + ": node(s) " + nodes + " did not connect within " +
            config.connectTimeout().toMillis() + " ms" + details +
            " (are they started, with the same job and endpoints, and reachable?)";
    }

    private String describeEndpoint(final int node)
    {
        return config.mode() == TransportConfig.Mode.UDP ? " at " + config.endpoints().get(node) : "";
    }

    /** This node's receiver; for tests. */
    ReceiverAgent receiver()
    {
        return receiver;
    }

    /** The Aeron directory of this node's driver (shared by all IPC nodes of the JVM); for tests and diagnostics. */
    String aeronDirectory()
    {
        return driver.directory();
    }

    /**
     * Whether a peer has been declared failed.
     *
     * @param node peer id.
     * @return true once {@link MessageHandler#onNodeFailed} has been (or is being) called for it.
     */
    public boolean isFailed(final int node)
    {
        return receiver.failure(node) != null;
    }

    /**
     * A snapshot of the message counters.
     *
     * @return the current counters.
     */
    public TransportStats stats()
    {
        return new TransportStats(
            messagesSent.sum(),
            bytesSent.sum(),
            receiver.messagesReceived.sum(),
            receiver.bytesReceived.sum(),
            receiver.messagesDropped.sum(),
            receiver.handlerErrors.sum(),
            receiver.messagesUnproven.sum());
    }

    /**
     * Stop the receiver thread, close the Aeron client and the driver (in IPC mode: release it, the last node
     * stops it) and delete the Aeron directory. Idempotent. Sends blocked in other threads fail with
     * {@link TransportException}. Called from a {@link MessageHandler} callback, the shutdown completes on another
     * thread after the callback returns.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        if (Thread.currentThread() == receiverRunner.thread())
        {
            // AgentRunner.close() joins the receiver thread, which cannot join itself.
            Drivers.daemonThreads("ssi-transport-close-" + nodeId).newThread(this::shutdown).start();
        }
        else
        {
            shutdown();
        }
    }

    private void shutdown()
    {
        CloseHelper.closeAll(receiverRunner, aeron, driver);
    }

    /**
     * Find {@code n} distinct free UDP ports on 127.0.0.1. All sockets stay bound until every port is chosen, so the
     * ports differ; they are free again on return, so another process could still take one before it is used.
     *
     * @param n number of endpoints.
     * @return {@code n} loopback endpoints.
     * @throws TransportException if the ports cannot be probed.
     */
    public static List<InetSocketAddress> pickFreeLoopbackEndpoints(final int n)
    {
        // Below the kernel's ephemeral range: a port from that range, free now, can be taken by any socket bound to
        // port 0 (the media drivers' own senders among them) before the node that was given it binds it.
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        final int high = ephemeralLow();
        final int low = Math.max(1024, high - 16384);
        final java.util.Random random = new java.util.Random();
        final List<DatagramSocket> sockets = new ArrayList<>(n);
        try
        {
            final List<InetSocketAddress> endpoints = new ArrayList<>(n);
            for (int attempt = 0; endpoints.size() < n && attempt < 1000; attempt++)
            {
                final int port = low + random.nextInt(high - low);
                try
                {
                    final DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, port));
                    sockets.add(socket);
                    endpoints.add(new InetSocketAddress(loopback, port));
                }
                catch (final IOException inUse)
                {
                    // try another
                }
            }
            if (endpoints.size() < n)
            {
                throw new TransportException("could not find " + n + " free UDP ports on " + loopback + " in " + low +
                    ".." + high);
            }
            return endpoints;
        }
        finally
        {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /** First port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range), else 32768. */
    private static int ephemeralLow()
    {
        try
        {
            final String range = java.nio.file.Files.readString(java.nio.file.Path.of(
                "/proc/sys/net/ipv4/ip_local_port_range")).trim();
            final int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 2048 ? low : 32768;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 32768;
        }
    }

    private Subscription addSubscription(final Aeron client, final ReceiverAgent agent)
    {
        final String channel = config.mode() == TransportConfig.Mode.UDP ?
            new ChannelUriStringBuilder().media(CommonContext.UDP_MEDIA).endpoint(endpointString(nodeId)).build() :
            CommonContext.IPC_CHANNEL;
        try
        {
            return client.addSubscription(channel, streamIdOf(nodeId), (image) -> {}, agent::onUnavailableImage);
        }
        catch (final AeronException ex)
        {
            if (config.mode() == TransportConfig.Mode.UDP && isAddressInUse(ex))
            {
                final InetSocketAddress endpoint = config.endpoints().get(nodeId);
                throw new TransportException("UDP port " + endpoint.getPort() + " on " +
                    endpoint.getAddress().getHostAddress() + " is already in use by another process; choose other " +
                    "ports with --base-port or let ssi-java pick free ones", ex);
            }
            throw ex;
        }
    }

    private static boolean isAddressInUse(final Throwable ex)
    {
        for (Throwable t = ex; t != null; t = t.getCause())
        {
            if (t instanceof java.net.BindException ||
                (t.getMessage() != null && t.getMessage().contains("Address already in use")))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * UDP: node ids double as session ids (inside the driver's reserved range), so two senders can never pick the
     * same random session id and be merged into one image by a receiver.
     */
    private String publicationChannel(final int toNode)
    {
        return new ChannelUriStringBuilder().media(CommonContext.UDP_MEDIA).endpoint(endpointString(toNode))
            .sessionId(nodeId).build();
    }

    private int streamIdOf(final int node)
    {
        return config.mode() == TransportConfig.Mode.UDP ?
            TransportConfig.UDP_STREAM_ID : TransportConfig.IPC_STREAM_ID_BASE + node;
    }

    private String endpointString(final int node)
    {
        final InetSocketAddress address = config.endpoints().get(node);
        final String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private void onAeronError(final Throwable throwable)
    {
        if (!closed)
        {
            LOG.log(System.Logger.Level.WARNING, "node " + nodeId + ": Aeron client error", throwable);
        }
    }
}
