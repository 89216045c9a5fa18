package io.ssijava.agent.boot;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * Starts worker nodes 1..N-1 as child JVMs of node 0, and makes sure they never outlive it.
 *
 * <p>Each worker runs the same java, JVM flags, class path, main class and arguments as
 * node 0 (see {@link JvmCommandLine}); only the ssi agent flag differs: it carries
 * {@code node=I} and the peers. Workers share node 0's stdout and stderr. {@link #watchParent()}
 * on the worker halts it when node 0 dies, even by {@code kill -9}: it looks at node 0's
 * process, or, on a worker started over ssh, reads its stdin, a pipe that node 0 keeps open
 * and never writes to, until the kernel closes it. A shutdown hook on node 0 also terminates
 * the workers (for the orderly paths: normal exit, Ctrl-C, {@code kill}).
 *
 * <p>Worker environment: {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} and
 * {@code _JAVA_OPTIONS} are removed (their content is already among node 0's JVM flags,
 * which the worker gets again), and {@value #ENV_PARENT_PID} / {@value #ENV_NODE_ID} are set
 * so the worker knows it was spawned.
 */
public final class NodeSpawner implements AutoCloseable {

    /** Environment variable holding node 0's pid, set on spawned workers. */
    public static final String ENV_PARENT_PID = "SSI_JAVA_PARENT_PID";

    /** Set to 1 on a worker started over ssh: node 0's pid names a process of another host. */
    public static final String ENV_REMOTE = "SSI_JAVA_REMOTE";

    /** Environment variable holding the worker's node id, set on spawned workers. */
    public static final String ENV_NODE_ID = "SSI_JAVA_NODE_ID";

    /** Exit status of a worker that halts because node 0 went away. */
    public static final int LOST_PARENT_STATUS = 3;

    /** How long workers get to exit after SIGTERM before they are killed. */
    public static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);

    private static final List<String> INHERITED_JVM_OPTION_VARS =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final AtomicBoolean WATCHING = new AtomicBoolean();

    /** Node id to process, in id order. */
    private final Map<Integer, Process> workers = new LinkedHashMap<>();
    /**
     * The write ends of the workers' stdin pipes. Held on purpose: if they became unreachable
     * a cleaner could close them, and the workers would take that as node 0's death.
     */
    private final List<OutputStream> lifelines = new ArrayList<>();
    private final List<BiConsumer<Integer, Integer>> listeners = new CopyOnWriteArrayList<>();
    /** Unexpected exits seen so far (node id to status), replayed to late listeners. */
    private final Map<Integer, Integer> unexpectedExits = new LinkedHashMap<>();
    /** One thread runs all listeners, so they see exits in order and never run concurrently. */
    private final ExecutorService events;
    private final Thread shutdownHook;
    private volatile boolean exitsExpected;
    private final AtomicBoolean terminated = new AtomicBoolean();

    private NodeSpawner() {
        // Its thread is started now, before the node's runtime is installed: started later by the
        // instrumented JDK, it would be placed like an application thread, maybe on another node.
        ThreadPoolExecutor single = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "ssi-worker-events");
                    t.setDaemon(true);
                    return t;
                });
        single.prestartAllCoreThreads();
        events = single;
        shutdownHook = new Thread(this::terminate, "ssi-worker-cleanup");
    }

    /**
     * Starts nodes 1..N-1 of this job as child JVMs of this one.
     *
     * @param node0    node 0's options; {@code peers} must be filled (one per node)
     * @param agentJar the ssi agent jar (to find its {@code -javaagent:} flag)
     * @return the spawner, owning the started workers
     * @throws IOException              when a worker cannot be started (those already started
     *                                  are terminated again)
     * @throws IllegalArgumentException when the options are not node 0's or lack peers
     * @throws IllegalStateException    when this JVM's command line cannot be worked out
     */
    public static NodeSpawner spawn(NodeOptions node0, Path agentJar) throws IOException {
        return spawn(node0, agentJar, JvmCommandLine.current(), null);
    }

    /**
     * Starts nodes 1..N-1 as {@link #spawn(NodeOptions, Path)} does, handing them the job's secret in
     * {@value JobSecret#ENV} (their environment, which only their owner can read).
     *
     * @param node0    node 0's options; {@code peers} must be filled (one per node)
     * @param agentJar the ssi agent jar
     * @param secret   the job's secret, or null
     * @return the spawner, owning the started workers
     * @throws IOException when a worker cannot be started
     */
    public static NodeSpawner spawn(NodeOptions node0, Path agentJar, byte[] secret) throws IOException {
        return spawn(node0, agentJar, JvmCommandLine.current(), secret);
    }

    /**
     * Starts nodes 1..N-1 with an explicitly given node 0 command line.
     *
     * @param node0    node 0's options; {@code peers} must be filled (one per node)
     * @param agentJar the ssi agent jar
     * @param self     how node 0 was started
     * @return the spawner, owning the started workers
     * @throws IOException when a worker cannot be started
     */
    public static NodeSpawner spawn(NodeOptions node0, Path agentJar, JvmCommandLine self) throws IOException {
        return spawn(node0, agentJar, self, null);
    }

    static NodeSpawner spawn(NodeOptions node0, Path agentJar, JvmCommandLine self, byte[] secret)
            throws IOException {
        if (node0.nodeId() != 0) {
            throw new IllegalArgumentException("only node 0 spawns workers, not node " + node0.nodeId());
        }
        if (node0.peers().size() != node0.nodes()) {
            throw new IllegalArgumentException("peers must be known before spawning workers");
        }
        NodeSpawner spawner = new NodeSpawner();
        Runtime.getRuntime().addShutdownHook(spawner.shutdownHook);
        long myPid = ProcessHandle.current().pid();
        for (int id = 1; id < node0.nodes(); id++) {
            InetSocketAddress peer = node0.peers().get(id);
            boolean remote = !isLocal(peer);
            List<String> command = workerCommand(self, node0, agentJar, id);
            if (remote) {
                command = remoteCommand(peer.getHostString(), command, myPid, id, secret != null);
            }
            if (node0.verbose()) {
                System.err.println("ssi-java: node 0: starting node " + id + ": " + String.join(" ", command));
            }
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Map<String, String> env = pb.environment();
            INHERITED_JVM_OPTION_VARS.forEach(env::remove);
            env.put(ENV_PARENT_PID, Long.toString(myPid));
            env.put(ENV_NODE_ID, Integer.toString(id));
            if (secret != null) {
                env.put(JobSecret.ENV, JobSecret.hex(secret));
            }
            try {
                Process p = pb.start();
                if (remote && secret != null) {
                    // not on the command line: any user of that host could read it there
                    p.getOutputStream().write((JobSecret.hex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
                    p.getOutputStream().flush();
                }
                spawner.add(id, p);
            } catch (IOException e) {
                spawner.close();
                throw new IOException("cannot start node " + id + " (" + command.get(0) + "): " + e.getMessage(), e);
            }
        }
        return spawner;
    }

    /**
     * The command that starts worker {@code nodeId}: node 0's command line with the agent
     * flag carrying {@code node=nodeId} and the peers.
     *
     * @param self     how node 0 was started
     * @param node0    node 0's options (with peers)
     * @param agentJar the ssi agent jar
     * @param nodeId   the worker's id
     * @return the command
     */
    public static List<String> workerCommand(JvmCommandLine self, NodeOptions node0, Path agentJar, int nodeId) {
        return self.withAgent(agentJar, node0.withNode(nodeId).toAgentArgs()).toCommand();
    }

    /**
     * @param peer a node's endpoint
     * @return whether it is on this machine: a loopback or wildcard address, or one of this host's interfaces
     */
    public static boolean isLocal(InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        if (a == null) {
            return false;
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * The command that starts a worker on another host: {@code $SSI_JAVA_SSH} (default
     * {@code ssh -o BatchMode=yes}) to the host, running the worker's command in node 0's working
     * directory (a file system the hosts share holds the class path and the agent), with the
     * environment a local worker gets; the secret, if any, comes on its stdin.
     *
     * @param host          the host
     * @param command       the worker's command, as it would run here
     * @param parentPid     node 0's pid
     * @param nodeId        the worker's id
     * @param secretOnStdin whether node 0 writes the secret to the worker's stdin
     * @return the ssh command
     */
    static List<String> remoteCommand(String host, List<String> command, long parentPid, int nodeId,
                                      boolean secretOnStdin) {
        String ssh = Optional.ofNullable(System.getenv("SSI_JAVA_SSH")).filter(v -> !v.isBlank())
                .orElse("ssh -o BatchMode=yes");
        List<String> out = new ArrayList<>(List.of(ssh.strip().split("\\s+")));
        StringBuilder remote = new StringBuilder("cd ").append(quote(System.getProperty("user.dir")))
                .append(" && exec env ").append(ENV_PARENT_PID).append('=').append(parentPid).append(' ')
                .append(ENV_NODE_ID).append('=').append(nodeId).append(' ').append(ENV_REMOTE).append("=1");
        if (secretOnStdin) {
            remote.append(' ').append(JobSecret.STDIN_ENV).append("=1");
        }
        for (String word : command) {
            remote.append(' ').append(quote(word));
        }
        out.add(host);
        out.add(remote.toString());
        return out;
    }

    /** @return a word quoted for a POSIX shell */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private void add(int id, Process p) {
        synchronized (this) {
            workers.put(id, p);
            lifelines.add(p.getOutputStream());
        }
        p.onExit().thenAcceptAsync(done -> exited(id, done.exitValue()), events);
    }

    /** Runs on the events thread. */
    private void exited(int id, int status) {
        // During shutdown (Ctrl-C reaches every node of the terminal's process group at once)
        // workers dying is the expected outcome, not a failure to report.
        if (exitsExpected || jvmShuttingDown()) {
            return;
        }
        synchronized (this) {
            unexpectedExits.put(id, status);
        }
        for (BiConsumer<Integer, Integer> l : listeners) {
            notify(l, id, status);
        }
    }

    /** The JDK has no query for this; adding a hook is refused once shutdown has begun. */
    private static boolean jvmShuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static void notify(BiConsumer<Integer, Integer> listener, int id, int status) {
        try {
            listener.accept(id, status);
        } catch (RuntimeException e) {
            System.err.println("ssi-java: worker exit listener failed: " + e);
        }
    }

    /**
     * Registers a listener for workers that exit while the job still needs them, i.e. before
     * {@link #expectExits()} or {@link #close()}. It gets the node id and exit status; exits
     * that happened before registration are replayed. Listeners run one at a time on a
     * dedicated daemon thread, so a listener may call {@code System.exit}; the process handle
     * (for the pid) is {@link #worker(int)}.
     *
     * @param listener called with (node id, exit status)
     */
    public void onUnexpectedExit(BiConsumer<Integer, Integer> listener) {
        // Register on the events thread: no exit is missed or reported twice.
        events.execute(() -> {
            listeners.add(listener);
            Map<Integer, Integer> past;
            synchronized (this) {
                past = new LinkedHashMap<>(unexpectedExits);
            }
            past.forEach((id, status) -> notify(listener, id, status));
        });
    }

    /**
     * Declares that workers may exit from now on (the job is ending), so their exits are no
     * longer reported to {@link #onUnexpectedExit} listeners.
     */
    public void expectExits() {
        exitsExpected = true;
    }

    /**
     * The workers, node 1 first.
     *
     * @return handles of all started workers, alive or not
     */
    public synchronized List<ProcessHandle> workers() {
        List<ProcessHandle> handles = new ArrayList<>();
        workers.values().forEach(p -> handles.add(p.toHandle()));
        return handles;
    }

    /**
     * One worker.
     *
     * @param nodeId the node id, 1..N-1
     * @return its process handle, empty when no such worker was started
     */
    public synchronized Optional<ProcessHandle> worker(int nodeId) {
        return Optional.ofNullable(workers.get(nodeId)).map(Process::toHandle);
    }

    /**
     * Waits until every worker has exited.
     *
     * @param timeout how long to wait at most
     * @return true when all exited in time
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Process p : snapshot()) {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Ends the workers now: {@link #expectExits()}, SIGTERM, wait up to
     * {@link #TERMINATE_GRACE}, then SIGKILL. Idempotent; also removes the shutdown hook.
     */
    @Override
    public void close() {
        terminate();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run; nothing to undo.
        }
    }

    /**
     * Hands the end of the workers to the caller: removes the shutdown hook that would kill them as soon as node 0's
     * JVM starts to exit, so that the runtime can first collect their statistics and stop them in order. The caller
     * must then call {@link #close()} from its own shutdown hook.
     */
    public void leaveShutdownToCaller() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private void terminate() {
        expectExits();
        if (!terminated.compareAndSet(false, true)) {
            return;
        }
        List<Process> all = snapshot();
        all.stream().filter(Process::isAlive).forEach(Process::destroy);
        boolean interrupted = false;
        long deadline = System.nanoTime() + TERMINATE_GRACE.toNanos();
        for (Process p : all) {
            try {
                p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        synchronized (this) {
            for (OutputStream lifeline : lifelines) {
                try {
                    lifeline.close();
                } catch (IOException e) {
                    // The worker is gone; nothing left to close.
                }
            }
        }
        events.shutdown();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized List<Process> snapshot() {
        return new ArrayList<>(workers.values());
    }

    /**
     * Whether this JVM was started by a {@link NodeSpawner} (it has {@value #ENV_PARENT_PID}).
     *
     * @return true on spawned workers
     */
    public static boolean isSpawnedWorker() {
        return System.getenv(ENV_PARENT_PID) != null;
    }

    /**
     * On a spawned worker, starts a daemon thread that halts this JVM with status
     * {@value #LOST_PARENT_STATUS} once the process that started it is gone, printing
     * {@code ssi-java: node I: lost its parent node, exiting} on stderr. So a worker never
     * outlives node 0, even when node 0 is killed with SIGKILL and runs no hooks. The thread
     * looks at that process every {@value ProcessWatch#PERIOD_MS} ms ({@link ProcessWatch}); on a
     * worker started over ssh it reads stdin (the pipe from node 0) until EOF instead.
     *
     * <p>Does nothing (returns false) when this JVM was not spawned by node 0: a node started
     * by hand must not consume the terminal's input, nor die on Ctrl-D. Idempotent. Once
     * called on a worker started over ssh, the program must not read {@code System.in} there.
     *
     * @return true when the watch runs (or already ran) on this JVM
     */
    public static boolean watchParent() {
        String parentPid = System.getenv(ENV_PARENT_PID);
        if (parentPid == null) {
            return false;
        }
        long expected;
        try {
            expected = Long.parseLong(parentPid.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        String nodeId = Optional.ofNullable(System.getenv(ENV_NODE_ID)).orElse("?").strip();
        boolean remote = "1".equals(System.getenv(ENV_REMOTE));
        // When node 0 is already gone we still start the watcher: it sees that at once, and
        // there is one code path for the message and status.
        boolean parentAlive = ProcessHandle.of(expected).map(ProcessHandle::isAlive).orElse(false);
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (parentAlive && parent != expected && !remote) {
            // The variable was inherited from some ancestor: we are not its worker.
            return false;
        }
        if (!WATCHING.compareAndSet(false, true)) {
            return true;
        }
        if (!remote) {
            // node 0 (or the JVM that started the nodes) is on this host: look at it, rather than
            // block a thread in a read of the pipe, which would hold up this JVM's exit
            ProcessWatch.start(expected, "ssi-parent-watch", () -> lostParent(nodeId));
            return true;
        }
        // Over ssh the pid names a process of another host: the pipe is all there is.
        // Read fd 0 directly: System.in may be replaced or wrapped by the time we run.
        InputStream stdin = new FileInputStream(FileDescriptor.in);
        Thread watcher = new Thread(() -> watch(stdin, nodeId), "ssi-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        return true;
    }

    private static void watch(InputStream stdin, String nodeId) {
        byte[] buf = new byte[256];
        try {
            while (stdin.read(buf) >= 0) {
                // Node 0 never writes; anything that does arrive is discarded.
            }
        } catch (IOException e) {
            // A broken pipe means the same as EOF: node 0 is gone.
        }
        lostParent(nodeId);
    }

    private static void lostParent(String nodeId) {
        byte[] msg = ("ssi-java: node " + nodeId + ": lost its parent node, exiting" + System.lineSeparator())
                .getBytes(StandardCharsets.UTF_8);
        try {
            // Straight to fd 2: System.err may be wrapped or locked by a thread that is stuck.
            @SuppressWarnings("resource")
            FileOutputStream err = new FileOutputStream(FileDescriptor.err);
            err.write(msg);
            err.flush();
        } catch (IOException e) {
            // Nowhere left to report it; exit anyway.
        }
        Runtime.getRuntime().halt(LOST_PARENT_STATUS);
    }
}
