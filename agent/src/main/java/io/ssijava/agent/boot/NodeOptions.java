package io.ssijava.agent.boot;

import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.levels.Schedule;

import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of one node, parsed from the agent's option string
 * ({@code -javaagent:ssi-agent.jar=<options>}).
 *
 * <p>Format: comma-separated {@code key=value} items, no spaces:
 * <pre>
 *   nodes=N                  cluster size, 1..64 (default 1)
 *   node=I                   this node's id, 0..N-1; absent: this JVM is node 0 and,
 *                            when N &gt; 1, spawns nodes 1..N-1 itself
 *   peers=h:p;h:p;...        endpoint of every node in id order (exactly N entries);
 *                            absent: node 0 picks free loopback ports
 *   job=ID                   job id, [A-Za-z0-9_-]{1,64}; default: derived from peers when
 *                            given (so nodes started by hand agree), else 8 random hex chars
 *   stats                    flag: print per-node statistics on stderr at exit
 *   verbose                  flag: log what the runtime does on stderr
 *   placement=spread         placement policy: spread (new threads round robin over the nodes),
 *                            local (on the node that starts them), least-loaded (on the node running
 *                            the fewest threads) or follow-data (spread, then each thread moves to
 *                            the node that homes the objects it faults most)
 *   balance                  flag: move running threads from busy nodes to idle ones
 *   connect-timeout=20s      how long nodes wait for each other (ms, s or m suffix)
 *   transport=ipc            how nodes talk: ipc (every node on this host, over shared memory
 *                            through node 0's media driver) or udp (also across hosts); default:
 *                            ipc when node 0 starts the other nodes itself, udp when peers are given
 *   checkpoint-every=MILLIS  period of the automatic checkpoints in milliseconds; 0 or absent: none
 *                            (a user may still ask for one)
 *   checkpoint-dir=PATH      the level-1 root: node k keeps its checkpoints in PATH/node-k
 *                            (default: ssi-java-checkpoints in java.io.tmpdir)
 *   stable-dir=PATH          the stable directory (level N); absent: no stable level
 *   mirror-every=M           every M-th checkpoint is mirrored on the neighbour (default 4)
 *   stable-every=N           every M*N-th checkpoint goes to stable-dir (default 4; needs stable-dir)
 *   scheme=B                 the checkpoint scheme, A or B (default B)
 *   hosts=h0;h1;...          node k on host k: node 0 where it is started, the others over ssh
 *                            ($SSI_JAVA_SSH, default ssh -o BatchMode=yes), in node 0's directory (a
 *                            file system all hosts share); the k-th node on a host on port 47000+k
 *   slurm[=BASEPORT]         a task of srun: nodes, node, peers and job from its environment, the k-th
 *                            task on a host on port BASEPORT+k (default 47000); see SlurmEnvironment
 * </pre>
 * Paths are made absolute (against this JVM's working directory) and cannot hold ','.
 * Flags may also be written {@code stats=true} / {@code stats=false}. Unknown keys,
 * repeated keys and malformed values are rejected with an {@link IllegalArgumentException}
 * whose message names the offending item and lists the valid keys.
 *
 * <p>{@link #toAgentArgs()} gives the canonical string back, and
 * {@code parse(o.toAgentArgs()).equals(o)} holds for every instance. The canonical string
 * always carries the job id, so a worker spawned from it joins the same job as node 0.
 *
 * @param nodes          cluster size (1..{@value #MAX_NODES})
 * @param node           this node's id when given explicitly; empty on the node that was
 *                       started by the user (node 0, the spawner when {@code nodes > 1})
 * @param peers          endpoint of each node in id order; empty when not (yet) known
 * @param jobId          the job id shared by all nodes of one run
 * @param stats          whether to print per-node statistics at exit
 * @param verbose        whether to log runtime activity on stderr
 * @param placement      the thread placement policy
 * @param connectTimeout how long nodes wait for each other at start-up
 * @param balance        whether running threads move from busy nodes to idle ones
 * @param transport      how nodes talk to each other
 * @param checkpoint     the job's checkpoint configuration, the same on every node
 * @param restore        {@code JOB:N}: the job (its number in hex) and checkpoint (0: the newest) this job restores;
 *                       empty for a job that starts afresh
 */
public record NodeOptions(
        int nodes,
        OptionalInt node,
        List<InetSocketAddress> peers,
        String jobId,
        boolean stats,
        boolean verbose,
        Placement placement,
        Duration connectTimeout,
        boolean balance,
        TransportKind transport,
        CheckpointConfig checkpoint,
        String restore) {

    /** The largest supported cluster. */
    public static final int MAX_NODES = 64;

    /** The port of the first node on each host of {@code hosts=}. */
    public static final int HOSTS_BASE_PORT = 47_000;

    /** The option that takes nodes, node, peers and job from a Slurm task's environment. */
    public static final String SLURM = "slurm";

    /** The connect timeout used when the option string has none. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);

    /** Every key the option string accepts, in canonical order. */
    public static final List<String> KEYS = List.of(
            "nodes", "node", "peers", "job", "stats", "verbose", "placement", "connect-timeout", "balance",
            "transport", "checkpoint-every", "checkpoint-dir", "stable-dir", "mirror-every", "stable-every", "scheme",
            "restore");

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");
    private static final Pattern MILLIS = Pattern.compile("\\d{1,19}");
    private static final Pattern RESTORE = Pattern.compile("([0-9a-f]{1,16}):(\\d{1,18})");

    /** Thread placement policies. */
    public enum Placement {
        /** Spread new threads round-robin over all nodes. */
        SPREAD,
        /** Start new threads on the node that starts them. */
        LOCAL,
        /** Start new threads on the node running the fewest threads. */
        LEAST_LOADED,
        /** Spread new threads, then move each to the node that homes the objects it faults most. */
        FOLLOW_DATA;

        /** The name used in the option string. */
        public String optionValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How nodes talk to each other. */
    public enum TransportKind {
        /** Not chosen: {@link #IPC} on a node 0 that starts the others itself, else {@link #UDP}. */
        AUTO,
        /** Aeron IPC through node 0's media driver: every node runs on this host. */
        IPC,
        /** Aeron UDP between the peers' endpoints: nodes may run on different hosts. */
        UDP;

        /** The name used in the option string. */
        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Validates the components; every instance is a consistent set of options.
     *
     * @throws IllegalArgumentException when a component is out of range or inconsistent
     */
    public NodeOptions {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(restore, "restore");
        if (!restore.isEmpty() && !RESTORE.matcher(restore).matches()) {
            throw bad("restore=" + restore, "expected JOB:N, the job's number in hex and a checkpoint (0: newest)");
        }
        peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
        if (nodes < 1 || nodes > MAX_NODES) {
            throw bad("nodes=" + nodes, "the cluster size must be between 1 and " + MAX_NODES);
        }
        if (node.isPresent() && (node.getAsInt() < 0 || node.getAsInt() >= nodes)) {
            throw bad("node=" + node.getAsInt(), "the node id must be between 0 and nodes-1 (" + (nodes - 1) + ")");
        }
        if (!peers.isEmpty() && peers.size() != nodes) {
            throw bad("peers", "expected one endpoint per node (" + nodes + "), got " + peers.size());
        }
        if (!JOB_ID.matcher(jobId).matches()) {
            throw bad("job=" + jobId, "a job id is 1 to 64 characters from [A-Za-z0-9_-]");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw bad("connect-timeout=" + connectTimeout, "the timeout must be positive");
        }
        // what toAgentArgs writes must parse back: no ',' in paths, no stable period without a stable level
        if (!checkpoint.localRoot().equals(CheckpointConfig.DEFAULT_LOCAL_ROOT)) {
            checkPath("checkpoint-dir", checkpoint.localRoot());
        }
        if (checkpoint.stableDir() != null) {
            checkPath("stable-dir", checkpoint.stableDir());
        } else if (checkpoint.schedule().n() != Schedule.DEFAULT.n()) {
            throw bad("stable-every=" + checkpoint.schedule().n(), "stable-every needs stable-dir");
        }
    }

    /**
     * The options of a single-node job with a fresh random job id.
     *
     * @return default options
     */
    public static NodeOptions defaults() {
        return new NodeOptions(1, OptionalInt.empty(), List.of(), randomJobId(), false, false,
                Placement.SPREAD, DEFAULT_CONNECT_TIMEOUT, false, TransportKind.AUTO, CheckpointConfig.DEFAULT, "");
    }

    /**
     * Parses an agent option string.
     *
     * @param agentArgs the string after {@code =} in {@code -javaagent:jar=...}; {@code null}
     *                  or blank means all defaults
     * @return the parsed options; without {@code job=} the job id is {@link #jobIdFor} the
     *         peers, or random when there are no peers either
     * @throws IllegalArgumentException naming the bad item and listing the valid keys
     */
    public static NodeOptions parse(String agentArgs) {
        return parse(agentArgs, System::getenv);
    }

    /**
     * Parses an option string, where {@code slurm[=BASEPORT]} stands for the {@code nodes}, {@code node},
     * {@code peers} and {@code job} that the environment of a task started by srun gives (see
     * {@link SlurmEnvironment}).
     *
     * @param agentArgs the option string
     * @param env       the environment
     * @return the parsed options
     * @throws IllegalArgumentException naming the bad item
     */
    static NodeOptions parse(String agentArgs, java.util.function.Function<String, String> env) {
        String text = agentArgs == null ? "" : agentArgs.strip();
        String slurm = null;
        List<String> rest = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            if (item.equals(SLURM) || item.startsWith(SLURM + "=")) {
                if (slurm != null) {
                    throw bad(item, "'" + SLURM + "' is given more than once");
                }
                slurm = item;
            } else {
                rest.add(item);
            }
        }
        if (slurm == null) {
            return parseItems(withHostsExpanded(text));
        }
        for (String item : rest) {
            String key = item.indexOf('=') < 0 ? item : item.substring(0, item.indexOf('='));
            if (List.of("nodes", "node", "peers", "job").contains(key)) {
                throw bad(item, "with slurm, nodes, node, peers and job come from the environment srun gives");
            }
        }
        int base = slurm.equals(SLURM) ? SlurmEnvironment.DEFAULT_BASE_PORT
                : parseInt(slurm, slurm.substring(SLURM.length() + 1), 1, 65_535);
        SlurmEnvironment.Derived d;
        try {
            d = SlurmEnvironment.from(env, base);
        } catch (IllegalArgumentException e) {
            throw bad(slurm, e.getMessage());
        }
        rest.add("nodes=" + d.nodes());
        rest.add("node=" + d.node());
        rest.add("peers=" + String.join(";", d.peers()));
        rest.add("job=" + d.job());
        return parseItems(String.join(",", rest));
    }

    /**
     * {@code hosts=h0;h1;...}: node k runs on host k (node 0 where it is started, the others started over ssh, see
     * {@link NodeSpawner}); it stands for {@code nodes} and {@code peers}, the k-th node on a host listening on
     * port {@value #HOSTS_BASE_PORT}+k.
     */
    private static String withHostsExpanded(String text) {
        List<String> rest = new ArrayList<>();
        String hosts = null;
        for (String item : text.split(",", -1)) {
            if (item.startsWith("hosts=")) {
                hosts = item;
            } else {
                rest.add(item);
            }
        }
        if (hosts == null) {
            return text;
        }
        for (String item : rest) {
            String key = item.indexOf('=') < 0 ? item : item.substring(0, item.indexOf('='));
            if (List.of("nodes", "node", "peers").contains(key)) {
                throw bad(item, "with hosts, the nodes and their endpoints come from the hosts");
            }
        }
        String[] names = hosts.substring("hosts=".length()).split(";", -1);
        if (names.length < 1 || names.length > MAX_NODES) {
            throw bad(hosts, "give 1 to " + MAX_NODES + " hosts");
        }
        java.util.Map<String, Integer> onHost = new java.util.HashMap<>();
        List<String> peers = new ArrayList<>();
        for (String h : names) {
            if (h.isBlank() || h.contains(":") && !h.startsWith("[")) {
                throw bad(hosts, "'" + h + "' is not a host name or address (write IPv6 addresses as [addr])");
            }
            peers.add(h + ":" + (HOSTS_BASE_PORT + onHost.merge(h, 1, Integer::sum) - 1));
        }
        rest.add("nodes=" + names.length);
        rest.add("peers=" + String.join(";", peers));
        return String.join(",", rest);
    }

    private static NodeOptions parseItems(String text) {
        int nodes = 1;
        OptionalInt node = OptionalInt.empty();
        List<InetSocketAddress> peers = List.of();
        String job = null;
        boolean stats = false;
        boolean verbose = false;
        Placement placement = Placement.SPREAD;
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        boolean balance = false;
        TransportKind transport = TransportKind.AUTO;
        long checkpointEvery = CheckpointConfig.DEFAULT.everyMillis();
        Path checkpointDir = CheckpointConfig.DEFAULT.localRoot();
        Path stableDir = null;
        Schedule.Scheme scheme = Schedule.DEFAULT.scheme();
        int mirrorEvery = Schedule.DEFAULT.m();
        int stableEvery = Schedule.DEFAULT.n();
        String restore = "";

        Set<String> seen = new HashSet<>();
        for (String item : text.split(",", -1)) {
            // Tolerate empty items ("a,,b", trailing comma): scripts that glue options together produce them.
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? null : item.substring(eq + 1);
            if (!KEYS.contains(key)) {
                throw bad(item, "unknown key '" + key + "'");
            }
            if (!seen.add(key)) {
                throw bad(item, "'" + key + "' is given more than once");
            }
            switch (key) {
                case "nodes" -> nodes = parseInt(item, value, 1, MAX_NODES);
                case "node" -> node = OptionalInt.of(parseInt(item, value, 0, MAX_NODES - 1));
                case "peers" -> peers = parsePeers(item, value);
                case "job" -> job = requireValue(item, value);
                case "stats" -> stats = parseFlag(item, value);
                case "verbose" -> verbose = parseFlag(item, value);
                case "placement" -> placement = parsePlacement(item, value);
                case "connect-timeout" -> connectTimeout = parseDuration(item, value);
                case "balance" -> balance = parseFlag(item, value);
                case "transport" -> transport = parseTransport(item, value);
                case "checkpoint-every" -> checkpointEvery = parseMillis(item, value);
                case "checkpoint-dir" -> checkpointDir = parsePath(item, value);
                case "stable-dir" -> stableDir = parsePath(item, value);
                case "mirror-every" -> mirrorEvery = parseInt(item, value, 1, Integer.MAX_VALUE);
                case "stable-every" -> stableEvery = parseInt(item, value, 1, Integer.MAX_VALUE);
                case "scheme" -> scheme = parseScheme(item, value);
                case "restore" -> restore = requireValue(item, value);
                default -> throw new AssertionError(key);
            }
        }
        if (job == null) {
            job = peers.isEmpty() ? randomJobId() : jobIdFor(peers);
        }
        if (seen.contains("stable-every") && stableDir == null) {
            throw bad("stable-every=" + stableEvery, "stable-every needs stable-dir");
        }
        Schedule schedule;
        try {
            schedule = new Schedule(scheme, mirrorEvery, stableEvery);
        } catch (IllegalArgumentException e) {
            throw bad("mirror-every=" + mirrorEvery + ",stable-every=" + stableEvery, e.getMessage());
        }
        CheckpointConfig checkpoint = new CheckpointConfig(checkpointEvery, checkpointDir, stableDir, schedule,
                CheckpointConfig.DEFAULT.pauseTimeoutMillis());
        return new NodeOptions(nodes, node, peers, job, stats, verbose, placement, connectTimeout, balance,
                transport, checkpoint, restore);
    }

    /**
     * The canonical option string: {@code nodes} and {@code job} always, the rest only when
     * set or different from the default, in the order of {@link #KEYS}.
     *
     * @return a string that {@link #parse(String)} turns back into an equal instance
     */
    public String toAgentArgs() {
        List<String> items = new ArrayList<>();
        items.add("nodes=" + nodes);
        node.ifPresent(id -> items.add("node=" + id));
        if (!peers.isEmpty()) {
            List<String> endpoints = new ArrayList<>();
            for (InetSocketAddress peer : peers) {
                endpoints.add(formatEndpoint(peer));
            }
            items.add("peers=" + String.join(";", endpoints));
        }
        items.add("job=" + jobId);
        if (stats) {
            items.add("stats");
        }
        if (verbose) {
            items.add("verbose");
        }
        if (placement != Placement.SPREAD) {
            items.add("placement=" + placement.optionValue());
        }
        if (!connectTimeout.equals(DEFAULT_CONNECT_TIMEOUT)) {
            items.add("connect-timeout=" + formatDuration(connectTimeout));
        }
        if (balance) {
            items.add("balance");
        }
        if (transport != TransportKind.AUTO) {
            items.add("transport=" + transport.optionValue());
        }
        // the workers are spawned from this string: they must get node 0's checkpoint configuration
        CheckpointConfig d = CheckpointConfig.DEFAULT;
        if (checkpoint.everyMillis() != d.everyMillis()) {
            items.add("checkpoint-every=" + checkpoint.everyMillis());
        }
        if (!checkpoint.localRoot().equals(d.localRoot())) {
            items.add("checkpoint-dir=" + checkpoint.localRoot());
        }
        if (checkpoint.stableDir() != null) {
            items.add("stable-dir=" + checkpoint.stableDir());
        }
        Schedule schedule = checkpoint.schedule();
        if (schedule.m() != d.schedule().m()) {
            items.add("mirror-every=" + schedule.m());
        }
        if (schedule.n() != d.schedule().n()) {
            items.add("stable-every=" + schedule.n());
        }
        if (schedule.scheme() != d.schedule().scheme()) {
            items.add("scheme=" + schedule.scheme().name());
        }
        if (!restore.isEmpty()) {
            items.add("restore=" + restore);
        }
        return String.join(",", items);
    }

    /**
     * The job whose checkpoint this job restores.
     *
     * @return its number; meaningful only when {@link #restore} is not empty
     */
    public long restoreJob() {
        return Long.parseUnsignedLong(restore.substring(0, restore.indexOf(':')), 16);
    }

    /**
     * The checkpoint this job restores.
     *
     * @return its number, 0 for the newest that can be restored; meaningful only when {@link #restore} is not empty
     */
    public long restoreCheckpoint() {
        return Long.parseLong(restore.substring(restore.indexOf(':') + 1));
    }

    /**
     * This node's id: the explicit {@code node=} value, else 0 (the JVM the user started).
     *
     * @return the node id
     */
    public int nodeId() {
        return node.orElse(0);
    }

    /**
     * Whether this JVM must start the other nodes itself: no {@code node=} was given and the
     * cluster has more than one node.
     *
     * @return true on the spawning node 0
     */
    public boolean mustSpawnWorkers() {
        return node.isEmpty() && nodes > 1;
    }

    /**
     * Whether this JVM is a worker (a node other than 0); its premain never returns.
     *
     * @return true when {@code node=} is present and not 0
     */
    public boolean isWorker() {
        return nodeId() != 0;
    }

    /**
     * A copy with an explicit node id.
     *
     * @param nodeId the id, 0..nodes-1
     * @return the copy
     * @throws IllegalArgumentException when the id is out of range
     */
    public NodeOptions withNode(int nodeId) {
        return new NodeOptions(nodes, OptionalInt.of(nodeId), peers, jobId, stats, verbose, placement,
                connectTimeout, balance, transport, checkpoint, restore);
    }

    /**
     * A copy with the endpoints of all nodes.
     *
     * @param newPeers one endpoint per node, in id order
     * @return the copy
     * @throws IllegalArgumentException when the list does not have one entry per node
     */
    public NodeOptions withPeers(List<InetSocketAddress> newPeers) {
        return new NodeOptions(nodes, node, newPeers, jobId, stats, verbose, placement, connectTimeout, balance,
                transport, checkpoint, restore);
    }

    /**
     * The transport this node uses: the one given, else IPC on a node 0 that starts the other nodes itself on
     * this machine, and UDP where the peers were given by hand or some run on other hosts ({@code hosts=}).
     *
     * @return {@link TransportKind#IPC} or {@link TransportKind#UDP}
     */
    public TransportKind effectiveTransport() {
        if (transport != TransportKind.AUTO) {
            return transport;
        }
        return mustSpawnWorkers() && peers.stream().allMatch(NodeSpawner::isLocal) ? TransportKind.IPC
                : TransportKind.UDP;
    }

    /**
     * A copy with the transport fixed, as node 0 hands it to the nodes it starts.
     *
     * @param kind the transport
     * @return the copy
     */
    public NodeOptions withTransport(TransportKind kind) {
        return new NodeOptions(nodes, node, peers, jobId, stats, verbose, placement, connectTimeout, balance, kind,
                checkpoint, restore);
    }

    /**
     * A fresh random job id of 8 lowercase hex characters.
     *
     * @return the id
     */
    public static String randomJobId() {
        return String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
    }

    /**
     * The job id used when the option string gives peers but no {@code job=}: derived from
     * the peers, so nodes started by hand with the same peer list agree on it without
     * coordination (two jobs cannot share endpoints anyway).
     *
     * @param peers the endpoints
     * @return 8 lowercase hex characters
     */
    public static String jobIdFor(List<InetSocketAddress> peers) {
        List<String> endpoints = new ArrayList<>();
        peers.forEach(p -> endpoints.add(formatEndpoint(p)));
        // String.hashCode is specified, so every JVM computes the same value.
        return String.format(Locale.ROOT, "%08x", String.join(";", endpoints).hashCode());
    }

    /**
     * Formats an endpoint the way {@code peers=} expects it: {@code host:port}, with IPv6
     * literals in brackets. Uses the host string as given, so no reverse DNS lookup happens.
     *
     * @param endpoint the endpoint
     * @return {@code host:port}
     */
    public static String formatEndpoint(InetSocketAddress endpoint) {
        String host = endpoint.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return host + ":" + endpoint.getPort();
    }

    private static String requireValue(String item, String value) {
        if (value == null || value.isEmpty()) {
            throw bad(item, "a value is required");
        }
        return value;
    }

    private static int parseInt(String item, String value, int min, int max) {
        requireValue(item, value);
        if (!INTEGER.matcher(value).matches()) {
            throw bad(item, "'" + value + "' is not an integer");
        }
        int n = Integer.parseInt(value);
        if (n < min || n > max) {
            throw bad(item, "must be between " + min + " and " + max);
        }
        return n;
    }

    private static boolean parseFlag(String item, String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw bad(item, "a flag takes no value (or true/false)");
    }

    private static Placement parsePlacement(String item, String value) {
        requireValue(item, value);
        for (Placement p : Placement.values()) {
            if (p.optionValue().equals(value)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        for (Placement p : Placement.values()) {
            names.add(p.optionValue());
        }
        throw bad(item, "unknown placement; valid: " + String.join(", ", names));
    }

    private static TransportKind parseTransport(String item, String value) {
        requireValue(item, value);
        for (TransportKind k : TransportKind.values()) {
            if (k != TransportKind.AUTO && k.optionValue().equals(value)) {
                return k;
            }
        }
        throw bad(item, "unknown transport; valid: ipc, udp");
    }

    private static long parseMillis(String item, String value) {
        requireValue(item, value);
        try {
            if (MILLIS.matcher(value).matches()) {
                return Long.parseLong(value);
            }
        } catch (NumberFormatException beyondLong) {
            // reported below
        }
        throw bad(item, "'" + value + "' is not a whole number of milliseconds");
    }

    private static Path parsePath(String item, String value) {
        requireValue(item, value);
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw bad(item, "not a path: " + e.getMessage());
        }
    }

    private static Schedule.Scheme parseScheme(String item, String value) {
        requireValue(item, value);
        try {
            return Schedule.Scheme.named(value);
        } catch (IllegalArgumentException e) {
            throw bad(item, e.getMessage());
        }
    }

    private static void checkPath(String key, Path path) {
        if (path.toString().indexOf(',') >= 0) {
            throw bad(key + "=" + path, "the path holds ',', which separates agent options");
        }
    }

    private static Duration parseDuration(String item, String value) {
        requireValue(item, value);
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw bad(item, "'" + value + "' is not a duration; write e.g. 500ms, 20s or 2m");
        }
        long amount = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (d.isZero()) {
            throw bad(item, "the timeout must be positive");
        }
        return d;
    }

    private static String formatDuration(Duration d) {
        long millis = d.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    private static List<InetSocketAddress> parsePeers(String item, String value) {
        requireValue(item, value);
        List<InetSocketAddress> result = new ArrayList<>();
        for (String endpoint : value.split(";", -1)) {
            result.add(parseEndpoint(item, endpoint));
        }
        return result;
    }

    private static InetSocketAddress parseEndpoint(String item, String endpoint) {
        String host;
        String port;
        if (endpoint.startsWith("[")) {
            // IPv6 literal: [::1]:4000 (the brackets keep the port separator unambiguous).
            int close = endpoint.indexOf("]:");
            if (close < 0) {
                throw bad(item, "'" + endpoint + "' is not [ipv6]:port");
            }
            host = endpoint.substring(1, close);
            port = endpoint.substring(close + 2);
        } else {
            int colon = endpoint.lastIndexOf(':');
            if (colon < 0 || endpoint.indexOf(':') != colon) {
                throw bad(item, "'" + endpoint + "' is not host:port (write IPv6 addresses as [addr]:port)");
            }
            host = endpoint.substring(0, colon);
            port = endpoint.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw bad(item, "'" + endpoint + "' has no host");
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw bad(item, "'" + endpoint + "' has no valid port (1..65535)");
        }
        // Resolve now: an unknown host is better reported at start-up than as a connect timeout.
        InetSocketAddress address = new InetSocketAddress(host, Integer.parseInt(port));
        if (address.isUnresolved()) {
            throw bad(item, "cannot resolve host '" + host + "'");
        }
        return address;
    }

    private static IllegalArgumentException bad(String item, String why) {
        return new IllegalArgumentException("bad ssi-agent option '" + item + "': " + why
                + " (valid keys: " + String.join(", ", KEYS) + ", hosts, " + SLURM + ")");
    }
}
