package io.ssijava.agent.boot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in for the real ssi agent's premain, packed into a fake {@code ssi-agent.jar} by
 * {@link TestJars}: node 0 spawns the workers with {@link NodeSpawner}; a worker reports what
 * it was started with, watches its parent and then blocks forever, as real workers do.
 *
 * <p>Test knobs (system properties, so they reach workers as JVM flags): {@code ssi.test.dir}
 * (where workers drop {@code ready-I} files), {@code ssi.test.exitNode} (that worker exits with
 * status 7 right after starting), {@code ssi.test.quiet} (workers print nothing: used when the
 * test JVM itself is node 0, whose stdout belongs to the test framework).
 */
public final class FakeAgent {

    /** Node 0's spawner, for {@link SpawnTestMain}. */
    static volatile NodeSpawner spawner;
    /** Counts down when a worker exits unexpectedly. */
    static final CountDownLatch UNEXPECTED = new CountDownLatch(1);

    private FakeAgent() {
    }

    /**
     * The agent entry point.
     *
     * @param args the option string
     * @throws Exception on failure (fails JVM start-up, which is what a real agent does too)
     */
    public static void premain(String args) throws Exception {
        NodeOptions options = NodeOptions.parse(args);
        if (options.mustSpawnWorkers()) {
            List<InetSocketAddress> peers = new ArrayList<>();
            for (int i = 0; i < options.nodes(); i++) {
                peers.add(new InetSocketAddress("127.0.0.1", 20000 + i));
            }
            NodeSpawner s = NodeSpawner.spawn(options.withPeers(peers), ownJar());
            s.onUnexpectedExit((id, status) -> {
                long pid = s.worker(id).map(ProcessHandle::pid).orElse(-1L);
                System.out.println("UNEXPECTED node " + id + " pid " + pid + " status " + status);
                UNEXPECTED.countDown();
            });
            spawner = s;
        } else if (options.isWorker()) {
            runWorker(options, args);
        }
    }

    private static void runWorker(NodeOptions options, String args) throws IOException, InterruptedException {
        boolean watching = NodeSpawner.watchParent();
        if (!Boolean.getBoolean("ssi.test.quiet")) {
            JvmCommandLine self = JvmCommandLine.current();
            System.out.println("WORKER node=" + options.nodeId() + " watching=" + watching + " opts=" + args
                    + " mode=" + self.mode() + " target=" + self.target() + " args=" + self.programArgs()
                    + " flag=" + System.getProperty("ssi.test.flag")
                    + " toolopts=" + System.getenv("JAVA_TOOL_OPTIONS"));
            System.out.flush();
        }
        String dir = System.getProperty("ssi.test.dir");
        if (dir != null) {
            Files.writeString(Path.of(dir, "ready-" + options.nodeId()), "");
        }
        if (Integer.toString(options.nodeId()).equals(System.getProperty("ssi.test.exitNode"))) {
            System.exit(7);
        }
        // A real worker serves the cluster here and never returns to the JVM's main.
        Thread.sleep(Long.MAX_VALUE);
    }

    private static Path ownJar() throws URISyntaxException {
        return Path.of(FakeAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
