package io.ssijava.transport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Immutable configuration of one node's {@link Transport}.
 * <p>
 * Built with {@link #builder()}; {@link Builder#build()} concludes the configuration the way Aeron's
 * {@code Context.conclude()} does: it validates every value, fills in defaults and fails fast with an
 * {@link IllegalArgumentException} that names the offending option, so that a bad configuration never reaches
 * the media driver.
 *
 * <pre>{@code
 * TransportConfig config = TransportConfig.builder()
 *     .nodeId(0)
 *     .endpoints(List.of(new InetSocketAddress("127.0.0.1", 40100), new InetSocketAddress("127.0.0.1", 40101)))
 *     .mode(TransportConfig.Mode.UDP)
 *     .jobId("wordcount")
 *     .build();
 * }</pre>
 */
public final class TransportConfig
{
    /**
     * How nodes reach each other.
     */
    public enum Mode
    {
        /**
         * One JVM per node: each node runs its own embedded media driver, subscribes on its own endpoint and
         * publishes to each peer's endpoint.
         */
        UDP,
        /**
         * Several nodes inside one JVM (protocol tests): one shared embedded media driver, channel
         * {@code aeron:ipc}, node {@code k} subscribes to stream {@code k + }{@link #IPC_STREAM_ID_BASE}.
         */
        IPC,
        /**
         * One JVM per node, every node on this host: node 0 launches the job's media driver, the other nodes'
         * clients attach to it, and messages go over {@code aeron:ipc} as in {@link #IPC} (shared memory, no
         * sockets and no driver thread on the path). A round trip costs about a third of UDP's on loopback.
         */
        HOST
    }

    /** Default transport mode. */
    public static final Mode MODE_DEFAULT = Mode.UDP;
    /** Default interval between heartbeats sent to each peer. */
    public static final Duration HEARTBEAT_INTERVAL_DEFAULT = Duration.ofMillis(100);
    /** Default time without hearing from a peer after which it is declared failed. */
    public static final Duration FAILURE_TIMEOUT_DEFAULT = Duration.ofSeconds(3);
    /** Default time {@link Transport#awaitConnected()} and {@link Transport#send} wait for a peer to connect. */
    public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(20);
    /** Default job id, used in Aeron directory names. */
    public static final String JOB_ID_DEFAULT = "ssi";
    /**
     * Default Aeron term buffer length (UDP and IPC). Small so that startup is fast and a node's log buffers stay
     * cheap; Aeron limits one Aeron message to {@code termLength / 8}, larger payloads are chunked by the transport.
     */
    public static final int TERM_BUFFER_LENGTH_DEFAULT = 16 * 1024 * 1024;
    /** Default largest payload {@link Transport#send} accepts. */
    public static final int MAX_MESSAGE_LENGTH_DEFAULT = 64 * 1024 * 1024;
    /** Default longest park of the receiver thread when idle (it spins, then yields, then parks up to this). */
    public static final Duration RECEIVER_MAX_PARK_DEFAULT = Duration.ofNanos(200_000);
    /** Default longest park of the media driver thread when idle. */
    public static final Duration DRIVER_MAX_PARK_DEFAULT = Duration.ofMillis(1);
    /** IPC mode: node {@code k} subscribes to stream id {@code k + IPC_STREAM_ID_BASE}. */
    public static final int IPC_STREAM_ID_BASE = 1000;
    /** UDP mode stream id (every node has its own endpoint, so one stream id suffices). */
    public static final int UDP_STREAM_ID = 1001;
    /**
     * Largest supported node count. Node ids double as Aeron session ids, which must stay inside the driver's
     * reserved session-id range (default -1..1000) so they never clash with ids the driver assigns itself.
     */
    public static final int MAX_NODES = 512;

    private static final Pattern JOB_ID_PATTERN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MIN_TERM_LENGTH = 64 * 1024;
    private static final int MAX_TERM_LENGTH = 1024 * 1024 * 1024;

    private final int nodeId;
    private final int nodeCount;
    private final List<InetSocketAddress> endpoints;
    private final Mode mode;
    private final Path aeronDirectoryBase;
    private final Duration heartbeatInterval;
    private final Duration failureTimeout;
    private final Duration connectTimeout;
    private final String jobId;
    private final int termBufferLength;
    private final int maxMessageLength;
    private final Duration receiverMaxPark;
    private final Duration driverMaxPark;
    private final byte[] secret;

    private TransportConfig(final Builder b, final int nodeCount)
    {
        this.secret = b.secret == null ? null : b.secret.clone();
        this.nodeId = b.nodeId;
        this.nodeCount = nodeCount;
        this.endpoints = b.endpoints == null ? List.of() : List.copyOf(b.endpoints);
        this.mode = b.mode;
        this.aeronDirectoryBase = b.aeronDirectoryBase;
        this.heartbeatInterval = b.heartbeatInterval;
        this.failureTimeout = b.failureTimeout;
        this.connectTimeout = b.connectTimeout;
        this.jobId = b.jobId;
        this.termBufferLength = b.termBufferLength;
        this.maxMessageLength = b.maxMessageLength;
        this.receiverMaxPark = b.receiverMaxPark;
        this.driverMaxPark = b.driverMaxPark;
    }

    /**
     * Start building a configuration with every option at its default.
     *
     * @return a new builder.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * A builder pre-filled with this configuration's values, e.g. to derive the configuration of another node.
     *
     * @return a new builder holding this configuration's values.
     */
    public Builder toBuilder()
    {
        final Builder b = new Builder()
            .nodeId(nodeId)
            .mode(mode)
            .aeronDirectoryBase(aeronDirectoryBase)
            .heartbeatInterval(heartbeatInterval)
            .failureTimeout(failureTimeout)
            .connectTimeout(connectTimeout)
            .jobId(jobId)
            .termBufferLength(termBufferLength)
            .maxMessageLength(maxMessageLength)
            .receiverMaxPark(receiverMaxPark)
            .driverMaxPark(driverMaxPark)
            .secret(secret);
        return endpoints.isEmpty() ? b.nodeCount(nodeCount) : b.endpoints(endpoints);
    }

    /**
     * This node's id, in {@code [0, nodeCount)}.
     *
     * @return this node's id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * Number of nodes in the job.
     *
     * @return the number of nodes.
     */
    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * Endpoint of each node, indexed by node id; empty in IPC mode when only a node count was given.
     *
     * @return an unmodifiable list of endpoints.
     */
    public List<InetSocketAddress> endpoints()
    {
        return endpoints;
    }

    /**
     * Transport mode.
     *
     * @return UDP or IPC.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * Directory under which the Aeron directory is created, or {@code null} for a fresh unique directory under
     * {@code /dev/shm} (or {@code java.io.tmpdir} where there is none) that is deleted on close.
     *
     * @return the base directory or {@code null}.
     */
    public Path aeronDirectoryBase()
    {
        return aeronDirectoryBase;
    }

    /**
     * Interval between heartbeats to each peer.
     *
     * @return the heartbeat interval.
     */
    public Duration heartbeatInterval()
    {
        return heartbeatInterval;
    }

    /**
     * Time without hearing from a peer after which it is declared failed.
     *
     * @return the failure timeout.
     */
    public Duration failureTimeout()
    {
        return failureTimeout;
    }

    /**
     * Longest wait for a peer to connect.
     *
     * @return the connect timeout.
     */
    public Duration connectTimeout()
    {
        return connectTimeout;
    }

    /**
     * Job id, used in Aeron directory names so that concurrent jobs never share a directory.
     *
     * @return the job id.
     */
    public String jobId()
    {
        return jobId;
    }

    /**
     * The job's secret, if it has one.
     *
     * @return a copy of the secret, or null.
     */
    public byte[] secret()
    {
        return secret == null ? null : secret.clone();
    }

    /**
     * Aeron term buffer length used for UDP and IPC publications.
     *
     * @return the term length in bytes.
     */
    public int termBufferLength()
    {
        return termBufferLength;
    }

    /**
     * Largest payload {@link Transport#send} accepts.
     *
     * @return the maximum message length in bytes.
     */
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    /**
     * Longest park of the idle receiver thread.
     *
     * @return the receiver's maximum park period.
     */
    public Duration receiverMaxPark()
    {
        return receiverMaxPark;
    }

    /**
     * Longest park of the idle media driver thread.
     *
     * @return the driver's maximum park period.
     */
    public Duration driverMaxPark()
    {
        return driverMaxPark;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "TransportConfig{nodeId=" + nodeId + ", nodeCount=" + nodeCount + ", mode=" + mode +
            ", endpoints=" + endpoints + ", aeronDirectoryBase=" + aeronDirectoryBase +
            ", heartbeatInterval=" + heartbeatInterval + ", failureTimeout=" + failureTimeout +
            ", connectTimeout=" + connectTimeout + ", jobId=" + jobId + ", termBufferLength=" + termBufferLength +
            ", maxMessageLength=" + maxMessageLength + ", receiverMaxPark=" + receiverMaxPark +
            ", driverMaxPark=" + driverMaxPark + '}';
    }

    /**
     * Fluent, mutable builder of {@link TransportConfig}; not thread-safe.
     */
    public static final class Builder
    {
        private int nodeId = -1;
        private int nodeCount = -1;
        private List<InetSocketAddress> endpoints;
        private Mode mode = MODE_DEFAULT;
        private Path aeronDirectoryBase;
        private Duration heartbeatInterval = HEARTBEAT_INTERVAL_DEFAULT;
        private Duration failureTimeout = FAILURE_TIMEOUT_DEFAULT;
        private Duration connectTimeout = CONNECT_TIMEOUT_DEFAULT;
        private String jobId = JOB_ID_DEFAULT;
        private int termBufferLength = TERM_BUFFER_LENGTH_DEFAULT;
        private int maxMessageLength = MAX_MESSAGE_LENGTH_DEFAULT;
        private Duration receiverMaxPark = RECEIVER_MAX_PARK_DEFAULT;
        private Duration driverMaxPark = DRIVER_MAX_PARK_DEFAULT;
        private byte[] secret;

        private Builder()
        {
        }

        /**
         * The job's secret, at least 16 bytes; default none. With one, every node proves it holds it on each of its
         * publications before anything else goes there, and takes messages only from senders that proved it (see
         * {@link Transport}); nodes of one job must agree on it.
         *
         * @param secret the secret (copied), or null for a job whose nodes trust whoever reaches them.
         * @return this for a fluent API.
         */
        public Builder secret(final byte[] secret)
        {
            this.secret = secret == null ? null : secret.clone();
            return this;
        }

        /**
         * This node's id (required), in {@code [0, nodeCount)}.
         *
         * @param nodeId this node's id.
         * @return this for a fluent API.
         */
        public Builder nodeId(final int nodeId)
        {
            this.nodeId = nodeId;
            return this;
        }

        /**
         * Number of nodes; required in IPC and HOST mode unless {@link #endpoints(List)} is given, must match the number of
         * endpoints when both are given.
         *
         * @param nodeCount number of nodes.
         * @return this for a fluent API.
         */
        public Builder nodeCount(final int nodeCount)
        {
            this.nodeCount = nodeCount;
            return this;
        }

        /**
         * Endpoint of every node indexed by node id (required in UDP mode).
         *
         * @param endpoints one resolved address per node.
         * @return this for a fluent API.
         */
        public Builder endpoints(final List<InetSocketAddress> endpoints)
        {
            this.endpoints = endpoints == null ? null : new ArrayList<>(endpoints);
            return this;
        }

        /**
         * Transport mode, default {@link #MODE_DEFAULT}.
         *
         * @param mode UDP or IPC.
         * @return this for a fluent API.
         */
        public Builder mode(final Mode mode)
        {
            this.mode = mode;
            return this;
        }

        /**
         * Base directory for the Aeron directory; {@code null} (the default) picks a fresh unique one.
         *
         * @param aeronDirectoryBase base directory or {@code null}.
         * @return this for a fluent API.
         */
        public Builder aeronDirectoryBase(final Path aeronDirectoryBase)
        {
            this.aeronDirectoryBase = aeronDirectoryBase;
            return this;
        }

        /**
         * Heartbeat interval, default {@link #HEARTBEAT_INTERVAL_DEFAULT}.
         *
         * @param heartbeatInterval interval between heartbeats.
         * @return this for a fluent API.
         */
        public Builder heartbeatInterval(final Duration heartbeatInterval)
        {
            this.heartbeatInterval = heartbeatInterval;
            return this;
        }

        /**
         * Failure timeout, default {@link #FAILURE_TIMEOUT_DEFAULT}; must be at least twice the heartbeat interval.
         *
         * @param failureTimeout time without news after which a peer is declared failed.
         * @return this for a fluent API.
         */
        public Builder failureTimeout(final Duration failureTimeout)
        {
            this.failureTimeout = failureTimeout;
            return this;
        }

        /**
         * Connect timeout, default {@link #CONNECT_TIMEOUT_DEFAULT}.
         *
         * @param connectTimeout longest wait for a peer to connect.
         * @return this for a fluent API.
         */
        public Builder connectTimeout(final Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Job id, default {@link #JOB_ID_DEFAULT}; 1-64 characters from {@code [A-Za-z0-9_.-]}.
         *
         * @param jobId job id used in directory names.
         * @return this for a fluent API.
         */
        public Builder jobId(final String jobId)
        {
            this.jobId = jobId;
            return this;
        }

        /**
         * Aeron term buffer length, default {@link #TERM_BUFFER_LENGTH_DEFAULT}; a power of two from 64 KiB to 1 GiB.
         *
         * @param termBufferLength term length in bytes.
         * @return this for a fluent API.
         */
        public Builder termBufferLength(final int termBufferLength)
        {
            this.termBufferLength = termBufferLength;
            return this;
        }

        /**
         * Largest payload accepted by {@link Transport#send}, default {@link #MAX_MESSAGE_LENGTH_DEFAULT}.
         *
         * @param maxMessageLength maximum payload length in bytes.
         * @return this for a fluent API.
         */
        public Builder maxMessageLength(final int maxMessageLength)
        {
            this.maxMessageLength = maxMessageLength;
            return this;
        }

        /**
         * Longest park of the idle receiver thread, default {@link #RECEIVER_MAX_PARK_DEFAULT}. Lower means lower
         * latency after idle periods and more CPU burnt while idle.
         *
         * @param receiverMaxPark maximum park period.
         * @return this for a fluent API.
         */
        public Builder receiverMaxPark(final Duration receiverMaxPark)
        {
            this.receiverMaxPark = receiverMaxPark;
            return this;
        }

        /**
         * Longest park of the idle media driver thread, default {@link #DRIVER_MAX_PARK_DEFAULT}. In UDP mode every
         * packet passes through the driver thread, so this bounds the extra latency after an idle period.
         *
         * @param driverMaxPark maximum park period.
         * @return this for a fluent API.
         */
        public Builder driverMaxPark(final Duration driverMaxPark)
        {
            this.driverMaxPark = driverMaxPark;
            return this;
        }

        /**
         * Conclude: validate all options, resolve the node count and build the immutable configuration.
         *
         * @return the configuration.
         * @throws IllegalArgumentException naming the first invalid option.
         */
        public TransportConfig build()
        {
            require(mode != null, "mode must not be null");
            final int count = concludeNodeCount();
            require(nodeId >= 0 && nodeId < count, "nodeId " + nodeId + " is not in [0, " + count + ")");
            requirePositive(heartbeatInterval, "heartbeatInterval");
            requirePositive(failureTimeout, "failureTimeout");
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(receiverMaxPark, "receiverMaxPark");
            requirePositive(driverMaxPark, "driverMaxPark");
            // A peer must get a couple of chances to be heard before it is declared dead.
            require(failureTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
                "failureTimeout " + failureTimeout + " must be at least twice heartbeatInterval " + heartbeatInterval);
            require(secret == null || secret.length >= 16, "the secret must be at least 16 bytes, not " +
                (secret == null ? 0 : secret.length));
            require(jobId != null && JOB_ID_PATTERN.matcher(jobId).matches(),
                "jobId '" + jobId + "' must be 1-64 characters from [A-Za-z0-9_.-]");
            require(termBufferLength >= MIN_TERM_LENGTH && termBufferLength <= MAX_TERM_LENGTH &&
                Integer.bitCount(termBufferLength) == 1,
                "termBufferLength " + termBufferLength + " must be a power of two from 64 KiB to 1 GiB");
            require(maxMessageLength > 0, "maxMessageLength must be positive: " + maxMessageLength);
            return new TransportConfig(this, count);
        }

        private int concludeNodeCount()
        {
            if (endpoints != null)
            {
                require(!endpoints.isEmpty(), "endpoints must not be empty");
                final Set<InetSocketAddress> seen = new HashSet<>();
                for (int i = 0; i < endpoints.size(); i++)
                {
                    final InetSocketAddress address = endpoints.get(i);
                    require(address != null, "endpoint of node " + i + " is null");
                    require(!address.isUnresolved(), "endpoint of node " + i + " is unresolved: " + address);
                    require(address.getPort() > 0, "endpoint of node " + i + " needs a port: " + address);
                    require(seen.add(address), "endpoint of node " + i + " duplicates another node's: " + address);
                }
                require(nodeCount < 0 || nodeCount == endpoints.size(),
                    "nodeCount " + nodeCount + " does not match the " + endpoints.size() + " endpoints");
            }
            else
            {
                require(mode != Mode.UDP, "endpoints are required in UDP mode");
                require(nodeCount > 0, "nodeCount (or endpoints) is required");
            }
            final int count = endpoints != null ? endpoints.size() : nodeCount;
            require(count <= MAX_NODES, "at most " + MAX_NODES + " nodes are supported, got " + count);
            return count;
        }

        private static void requirePositive(final Duration d, final String name)
        {
            Objects.requireNonNull(d, name);
            require(!d.isNegative() && !d.isZero(), name + " must be positive: " + d);
        }

        private static void require(final boolean condition, final String message)
        {
            if (!condition)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
