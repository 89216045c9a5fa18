package io.ssijava.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spawns real JVMs. Node 0 is either a child JVM running {@link SpawnTestMain} under the
 * {@link FakeAgent} (end-to-end: command line reproduction, kill -9 of node 0), or this test
 * JVM itself (spawner lifecycle: close, unexpected exits).
 */
@Timeout(90)
class NodeSpawnerTest {

    private static final Duration START = Duration.ofSeconds(45);

    @TempDir
    Path tmp;

    private List<String> node0Command(Path agentJar, int nodes, List<String> extraFlags, List<String> tail) {
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.java(), "-Dssi.test.flag=hello world",
                "-Dssi.test.dir=" + tmp, "-Dssi.test.nodes=" + nodes));
        cmd.addAll(extraFlags);
        cmd.add("-javaagent:" + agentJar + "=nodes=" + nodes + ",job=jobx");
        cmd.addAll(tail);
        return cmd;
    }

    private static List<Long> pids(String pidsLine) {
        return Arrays.stream(pidsLine.substring("PIDS ".length()).trim().split(" "))
                .map(Long::parseLong).collect(Collectors.toList());
    }

    @Test
    void shouldStartWorkersWithTheSameJvmFlagsMainClassAndArguments() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        Path emptyCp = Files.createDirectory(tmp.resolve("cp"));
        List<String> cmd = node0Command(agent, 3, List.of(),
                List.of("-cp", emptyCp.toString(), SpawnTestMain.class.getName(), "exit", "a b", "", "c"));
        try (ChildJvm node0 = ChildJvm.start(cmd, Map.of("JAVA_TOOL_OPTIONS", "-Dssi.test.tool=1"))) {
            List<Long> workers = pids(node0.awaitLine("PIDS", START));
            workers.forEach(node0::track);
            assertEquals(0, node0.awaitExit(START), node0.stderr());
            assertTrue(ChildJvm.awaitGone(workers, Duration.ofSeconds(10)), "workers outlived node 0");

            String out = node0.stdout();
            assertTrue(out.contains("MAIN args=[exit, a b, , c]"), out);
            for (int id = 1; id <= 2; id++) {
                String prefix = "WORKER node=" + id + " ";
                String line = Arrays.stream(out.split("\n")).filter(l -> l.startsWith(prefix))
                        .findFirst().orElseThrow(() -> new AssertionError(prefix + " missing in\n" + out));
                assertTrue(line.contains("opts=nodes=3,node=" + id + ","), line);
                assertTrue(line.contains("watching=true"), line);
                assertTrue(line.contains("mode=CLASS target=" + SpawnTestMain.class.getName()
                        + " args=[exit, a b, , c]"), line);
                assertTrue(line.contains("flag=hello world"), line);
                assertTrue(line.contains("job=jobx"), line);
                assertTrue(line.contains("peers=127.0.0.1:20000;127.0.0.1:20001;127.0.0.1:20002"), line);
                // Its content is already among the JVM flags; the variable itself is not passed on.
                assertTrue(line.contains("toolopts=null"), line);
            }
            assertFalse(out.contains("UNEXPECTED"), out);
        }
    }

    @Test
    void shouldReproduceJarMode() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        Path app = TestJars.mainOnlyJar(tmp, SpawnTestMain.class.getName());
        List<String> cmd = node0Command(agent, 2, List.of(), List.of("-jar", app.toString(), "exit", "p q"));
        try (ChildJvm node0 = ChildJvm.start(cmd, Map.of())) {
            pids(node0.awaitLine("PIDS", START)).forEach(node0::track);
            assertEquals(0, node0.awaitExit(START), node0.stderr());
            String worker = node0.awaitLine("WORKER node=1", Duration.ofSeconds(1));
            assertTrue(worker.contains("mode=JAR target=" + app + " args=[exit, p q]"), worker);
        }
    }

    @Test
    void shouldHaltWorkersWhenNode0IsKilledWithSigkill() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        List<String> cmd = node0Command(agent, 3, List.of(),
                List.of("-cp", tmp.toString(), SpawnTestMain.class.getName(), "hang"));
        try (ChildJvm node0 = ChildJvm.start(cmd, Map.of())) {
            List<Long> workers = pids(node0.awaitLine("PIDS", START));
            workers.forEach(node0::track);
            assertTrue(workers.stream().allMatch(ChildJvm::alive));

            node0.process().destroyForcibly();
            assertTrue(ChildJvm.awaitGone(workers, Duration.ofSeconds(10)), "workers outlived a killed node 0");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!node0.stderr().contains("node 2: lost its parent") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(node0.stderr().contains("ssi-java: node 1: lost its parent node, exiting"), node0.stderr());
            assertTrue(node0.stderr().contains("ssi-java: node 2: lost its parent node, exiting"), node0.stderr());
        }
    }

    @Test
    void shouldReportAWorkerThatExitsDuringStartUp() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        List<String> cmd = node0Command(agent, 3, List.of("-Dssi.test.exitNode=2"),
                List.of("-cp", tmp.toString(), SpawnTestMain.class.getName(), "unexpected"));
        try (ChildJvm node0 = ChildJvm.start(cmd, Map.of())) {
            List<Long> workers = pids(node0.awaitLine("PIDS", START));
            workers.forEach(node0::track);
            assertEquals(0, node0.awaitExit(START), node0.stderr());
            assertTrue(node0.stdout().contains("UNEXPECTED node 2 pid " + workers.get(1) + " status 7"),
                    node0.stdout());
            assertFalse(node0.stdout().contains("UNEXPECTED node 1"), node0.stdout());
            assertTrue(ChildJvm.awaitGone(workers, Duration.ofSeconds(10)));
        }
    }

    /** Node 0 is this test JVM: exercises the spawner's own lifecycle. */
    @Test
    void shouldTerminateWorkersOnCloseWithoutReportingThem() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        NodeOptions node0 = NodeOptions.parse("nodes=3,job=inproc").withPeers(loopbackPeers(3));
        List<String> reported = new ArrayList<>();
        NodeSpawner spawner = NodeSpawner.spawn(node0, agent, quietSelf());
        try {
            spawner.onUnexpectedExit((id, status) -> reported.add(id + ":" + status));
            awaitReady(2);
            assertEquals(2, spawner.workers().size());
            assertTrue(spawner.workers().stream().allMatch(ProcessHandle::isAlive));
            assertEquals(spawner.workers().get(1), spawner.worker(2).orElseThrow());
            assertTrue(spawner.worker(3).isEmpty());
            assertFalse(spawner.awaitExit(Duration.ofMillis(50)));

            spawner.close();
            assertTrue(spawner.workers().stream().noneMatch(ProcessHandle::isAlive));
            assertTrue(spawner.awaitExit(Duration.ofSeconds(1)));
        } finally {
            spawner.close();
        }
        Thread.sleep(200);
        assertEquals(List.of(), reported);
    }

    @Test
    void shouldReportUnexpectedExitsToLateListenersToo() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        NodeOptions node0 = NodeOptions.parse("nodes=3,job=inproc").withPeers(loopbackPeers(3));
        try (NodeSpawner spawner = NodeSpawner.spawn(node0, agent, quietSelf())) {
            awaitReady(2);
            ProcessHandle two = spawner.worker(2).orElseThrow();
            two.destroyForcibly();
            two.onExit().get(10, TimeUnit.SECONDS);

            BlockingQueue<String> reported = new ArrayBlockingQueue<>(10);
            spawner.onUnexpectedExit((id, status) -> reported.add(id + ":" + status));
            assertEquals("2:137", reported.poll(10, TimeUnit.SECONDS));

            spawner.expectExits();
            ProcessHandle one = spawner.worker(1).orElseThrow();
            one.destroyForcibly();
            one.onExit().get(10, TimeUnit.SECONDS);
            assertEquals(null, reported.poll(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void shouldRefuseToSpawnWithoutPeersOrFromAWorker() {
        Path agent = tmp.resolve("ssi-agent.jar");
        assertThrows(IllegalArgumentException.class,
                () -> NodeSpawner.spawn(NodeOptions.parse("nodes=2"), agent, quietSelf()));
        assertThrows(IllegalArgumentException.class,
                () -> NodeSpawner.spawn(NodeOptions.parse("nodes=2,node=1").withPeers(loopbackPeers(2)), agent,
                        quietSelf()));
    }

    @Test
    void shouldFailCleanlyWhenJavaCannotBeStarted() {
        JvmCommandLine bogus = new JvmCommandLine(tmp.resolve("no-such-java").toString(), List.of(), "",
                JvmCommandLine.Mode.CLASS, "Main", List.of(), true);
        NodeOptions node0 = NodeOptions.parse("nodes=2").withPeers(loopbackPeers(2));
        IOException e = assertThrows(IOException.class,
                () -> NodeSpawner.spawn(node0, tmp.resolve("ssi-agent.jar"), bogus));
        assertTrue(e.getMessage().startsWith("cannot start node 1"), e.getMessage());
    }

    @Test
    void shouldBuildWorkerCommandWithNodeIdAndPeers() {
        JvmCommandLine self = new JvmCommandLine("java", List.of("-Xmx1g", "-javaagent:/a/ssi-agent.jar=nodes=2,stats"),
                "app.jar", JvmCommandLine.Mode.CLASS, "Main", List.of("x"), true);
        NodeOptions node0 = NodeOptions.parse("nodes=2,stats,job=j").withPeers(loopbackPeers(2));
        assertEquals(List.of("java", "-Xmx1g",
                        "-javaagent:/a/ssi-agent.jar=nodes=2,node=1,peers=127.0.0.1:30000;127.0.0.1:30001,job=j,stats",
                        "-cp", "app.jar", "Main", "x"),
                NodeSpawner.workerCommand(self, node0, Path.of("/a/ssi-agent.jar"), 1));
    }

    @Test
    void shouldHaltWhenTheParentOnThisHostDies() throws Exception {
        // bash starts the worker as node 0 would, naming itself the parent, and is then killed.
        // The worker's stdin stays open (this JVM holds the pipe): it must look at its parent.
        String worker = String.join(" ", NodeSpawner.quote(ChildJvm.java()), "-cp",
                NodeSpawner.quote(System.getProperty("java.class.path")), WatchParentMain.class.getName());
        List<String> cmd = List.of("bash", "-c", NodeSpawner.ENV_PARENT_PID + "=$$ " + NodeSpawner.ENV_NODE_ID
                + "=7 " + worker + " & echo worker=$!; wait");
        try (ChildJvm parent = ChildJvm.start(cmd, Map.of())) {
            long workerPid = Long.parseLong(parent.awaitLine("worker=", START).substring("worker=".length()));
            parent.track(workerPid);
            // between its looks the watcher sleeps: no thread blocked in a read holds up the JVM's exit
            parent.awaitLine("watcher=sleeping", START);
            parent.process().destroyForcibly();
            parent.process().waitFor();
            assertTrue(ChildJvm.awaitGone(List.of(workerPid), Duration.ofSeconds(10)), "the worker outlived bash");
            assertTrue(parent.stderr().contains("ssi-java: node 7: lost its parent node, exiting"), parent.stderr());
            assertFalse(parent.stdout().contains("still alive"));
        }
    }

    @Test
    void shouldHaltWhenStdinFromTheParentClosesOnAWorkerStartedOverSsh() throws Exception {
        List<String> cmd = List.of(ChildJvm.java(), "-cp", System.getProperty("java.class.path"),
                WatchParentMain.class.getName());
        Map<String, String> env = Map.of(NodeSpawner.ENV_PARENT_PID, Long.toString(ProcessHandle.current().pid()),
                NodeSpawner.ENV_NODE_ID, "5", NodeSpawner.ENV_REMOTE, "1");
        try (ChildJvm child = ChildJvm.start(cmd, env)) {
            child.awaitLine("watcher=reading", START);
            child.process().getOutputStream().close();
            assertEquals(NodeSpawner.LOST_PARENT_STATUS, child.awaitExit(Duration.ofSeconds(10)));
            assertTrue(child.stderr().contains("ssi-java: node 5: lost its parent node, exiting"), child.stderr());
            assertFalse(child.stdout().contains("still alive"));
        }
    }

    @Test
    void shouldNotWatchStdinOfANodeStartedByHand() throws Exception {
        List<String> cmd = List.of(ChildJvm.java(), "-cp", System.getProperty("java.class.path"),
                WatchParentMain.class.getName());
        try (ChildJvm child = ChildJvm.start(cmd, Map.of())) {
            child.process().getOutputStream().close();
            assertEquals(0, child.awaitExit(START));
            assertTrue(child.stdout().contains("watching=false"), child.stdout());
        }
    }

    @Test
    void shouldNotWatchWhenTheMarkerWasInheritedFromAnotherAncestor() throws Exception {
        // Our own parent is alive but is not the child's parent: the child was not spawned by it.
        long notTheParent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        List<String> cmd = List.of(ChildJvm.java(), "-cp", System.getProperty("java.class.path"),
                WatchParentMain.class.getName());
        try (ChildJvm child = ChildJvm.start(cmd, Map.of(NodeSpawner.ENV_PARENT_PID, Long.toString(notTheParent)))) {
            child.process().getOutputStream().close();
            assertEquals(0, child.awaitExit(START));
            assertTrue(child.stdout().contains("watching=false"), child.stdout());
        }
    }

    /** This JVM as node 0, but running the fake agent's quiet worker mode (no main class runs). */
    private JvmCommandLine quietSelf() {
        return new JvmCommandLine(ChildJvm.java(), List.of("-Dssi.test.quiet=true", "-Dssi.test.dir=" + tmp),
                tmp.toString(), JvmCommandLine.Mode.CLASS, SpawnTestMain.class.getName(), List.of(), true);
    }

    private void awaitReady(int workers) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        for (int id = 1; id <= workers; id++) {
            while (!Files.exists(tmp.resolve("ready-" + id))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("worker " + id + " never got ready");
                }
                Thread.sleep(20);
            }
        }
    }

    private static List<InetSocketAddress> loopbackPeers(int n) {
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            peers.add(new InetSocketAddress("127.0.0.1", 30000 + i));
        }
        return peers;
    }
}
