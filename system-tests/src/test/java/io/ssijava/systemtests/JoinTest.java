package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.RunningProcess;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes started by hand (UDP, {@code peers=}) join a job only if they hold its secret: with the same secret file a
 * 2-node job gives plain java's output; with another, neither node admits the other and each says so; a secret file
 * others may read is refused before anything starts. Tasks of srun take their places from the environment.
 */
@ExtendWith(ProcessCleanupExtension.class)
class JoinTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String[] ARGS = {"2", "2000000"};

    @TempDir
    Path tmp;

    private static List<String> node(int id, String peers, Path secret) {
        List<String> cmd = new ArrayList<>(SsiJava.agentCommand("nodes=2,node=" + id + ",peers=" + peers
                + ",connect-timeout=5s", Cluster.samplesClasses().toString(), "samples.Pi", ARGS));
        cmd.add(1, "-Dssi.secret.file=" + secret);
        return cmd;
    }

    private Path secret(String name, String text, String permissions) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    /** Two loopback endpoints free a moment ago, as peers= takes them. */
    private static String[] freePorts() throws IOException {
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new String[] {"127.0.0.1:" + a.getLocalPort(), "127.0.0.1:" + b.getLocalPort()};
        }
    }

    /** Runs {@code ip} with the given arguments; @return whether it succeeded. */
    private static boolean ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        try {
            return ProcessRunner.of(cmd).timeout(Duration.ofSeconds(20)).run().exitCode() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Two hosts: two network namespaces joined by a veth pair, 10.213.0.1 and 10.213.0.2, each with its own
     * loopback; deleted on close. Needs root and {@code ip netns} (the test is skipped where the machine has
     * neither).
     */
    private static final class TwoHosts implements AutoCloseable {
        final String a = "ssi-" + ProcessHandle.current().pid() + "-a";
        final String b = "ssi-" + ProcessHandle.current().pid() + "-b";

        TwoHosts() {
            org.junit.jupiter.api.Assumptions.assumeTrue(ip("netns", "add", a),
                    "no network namespaces here (needs root and ip netns)");
            try {
                assertTrue(ip("netns", "add", b));
                // made inside the namespaces: the names cannot clash with the machine's
                assertTrue(ip("link", "add", "ssiva", "netns", a, "type", "veth", "peer", "name", "ssivb", "netns", b));
                assertTrue(ip("-n", a, "addr", "add", "10.213.0.1/24", "dev", "ssiva"));
                assertTrue(ip("-n", b, "addr", "add", "10.213.0.2/24", "dev", "ssivb"));
                for (String[] up : List.of(new String[] {a, "ssiva"}, new String[] {b, "ssivb"},
                        new String[] {a, "lo"}, new String[] {b, "lo"})) {
                    assertTrue(ip("-n", up[0], "link", "set", up[1], "up"));
                }
            } catch (RuntimeException | AssertionError e) {
                close();
                throw e;
            }
        }

        /** @return the command, run on a host */
        List<String> on(String ns, List<String> command) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(command);
            return cmd;
        }

        /** @return the ssi-java command, run on a host, with the jars the reactor built */
        ProcessRunner ssiJava(String ns, String... args) {
            return ProcessRunner.of(on(ns, Cluster.script(List.of(args)).command())).env("SSI_JAVA_NO_BUILD", "1")
                    .env("JAVA_HOME", System.getProperty("java.home")).timeout(LIMIT);
        }

        @Override
        public void close() {
            ip("netns", "delete", b);
            ip("netns", "delete", a);
        }
    }

    /** Node 1 runs on the second host, node 0 on the first; they talk over UDP between the two addresses. */
    @Test
    @Timeout(180)
    void nodesOnTwoHostsRunAJobOverUdp() throws Exception {
        try (TwoHosts hosts = new TwoHosts()) {
            String want = Cluster.plain(Cluster.samplesClasses(), "samples.Pi", ARGS).stdout();
            Path good = secret("good", "the-jobs-secret-0123456789", "rw-------");
            String peers = "10.213.0.1:47000;10.213.0.2:47000";
            List<String> zero = hosts.on(hosts.a, node(0, peers, good));
            try (RunningProcess worker = ProcessRunner.of(hosts.on(hosts.b, node(1, peers, good))).timeout(LIMIT)
                    .start()) {
                ProcessRunner.Result r = ProcessRunner.of(zero).timeout(LIMIT).run();
                assertEquals(0, r.exitCode(), () -> Cluster.explain(zero, r));
                assertEquals(want, r.stdout(), () -> Cluster.explain(zero, r));
                ProcessRunner.Result w = worker.await();
                assertEquals(0, w.exitCode(), w::describe);
            }
        }
    }

    /**
     * {@code ssi-java --hosts}: node 0, on the first host, starts node 1 on the second over ssh (a stand-in for ssh
     * that runs the command in the second namespace), hands it the secret on its stdin, and the job runs over UDP.
     */
    @Test
    @Timeout(180)
    void nodeZeroStartsTheOtherHostsNodeOverSsh() throws Exception {
        try (TwoHosts hosts = new TwoHosts()) {
            String want = Cluster.plain(Cluster.samplesClasses(), "samples.Pi", ARGS).stdout();
            Path ssh = tmp.resolve("fake-ssh");
            Files.writeString(ssh, "#!/bin/sh\n"
                    + "# ssh HOST COMMAND, for the two namespaces: runs COMMAND on the host\n"
                    + "case \"$1\" in 10.213.0.2) ns=" + hosts.b + " ;; *) echo \"no host $1\" >&2; exit 255 ;; esac\n"
                    + "shift\n"
                    + "exec ip netns exec \"$ns\" sh -c \"$*\"\n");
            Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
            ProcessRunner zero = hosts.ssiJava(hosts.a, "--hosts", "10.213.0.1,10.213.0.2", "-cp",
                    Cluster.samplesClasses().toString(), "samples.Pi", ARGS[0], ARGS[1]).env("SSI_JAVA_SSH",
                    ssh.toString());
            ProcessRunner.Result r = zero.run();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(zero.command(), r));
            assertEquals(want, r.stdout(), () -> Cluster.explain(zero.command(), r));
            assertTrue(!r.stderr().contains("no job secret"), () -> Cluster.explain(zero.command(), r));
        }
    }

    /**
     * A job that waits for its nodes ({@code --join-port}) on the first host; {@code ssi-java node --join} on the
     * second: a node with another secret is refused (both sides say so) and the job goes on waiting; one with the
     * job's secret joins, and the job gives plain java's output, what its threads print on the second host
     * included (it goes through node 0, in order).
     */
    @Test
    @Timeout(180)
    void aNodeJoinsAWaitingJobFromAnotherHostOnlyWithItsSecret() throws Exception {
        try (TwoHosts hosts = new TwoHosts()) {
            String[] heralds = {"3", "8", "200000"};
            String want = Cluster.plain(Cluster.litmusClasses(), "recovery.Heralds", heralds).stdout();
            Path good = secret("good", "the-jobs-secret-0123456789", "rw-------");
            Path other = secret("other", "another-secret-0123456789", "rw-------");
            ProcessRunner zero = hosts.ssiJava(hosts.a, "--nodes", "2", "--join-port", "47999", "--secret-file",
                    good.toString(), "--stats", "-cp", Cluster.litmusClasses().toString(), "recovery.Heralds",
                    heralds[0], heralds[1], heralds[2]);
            try (RunningProcess job = zero.start()) {
                job.awaitStderr("waits for 1 more node", LIMIT);
                ProcessRunner.Result refused = hosts.ssiJava(hosts.b, "node", "--join", "10.213.0.1:47999",
                        "--secret-file", other.toString()).run();
                assertEquals(1, refused.exitCode(), refused::describe);
                assertTrue(refused.stderr().contains("refused this node: wrong secret"), refused::describe);
                job.awaitStderr("refused a node from 10.213.0.2: it did not prove the job's secret", LIMIT);

                ProcessRunner.Result joined = hosts.ssiJava(hosts.b, "node", "--join", "10.213.0.1:47999",
                        "--secret-file", good.toString()).run();
                assertEquals(0, joined.exitCode(), joined::describe);
                assertTrue(joined.stderr().contains("starting node 1 of job"), joined::describe);
                assertEquals("", joined.stdout(), joined::describe);
                ProcessRunner.Result r = job.await();
                assertEquals(0, r.exitCode(), () -> Cluster.explain(zero.command(), r));
                assertEquals(want, r.stdout(), () -> Cluster.explain(zero.command(), r));
                assertTrue(Cluster.threadsRun(r.stderr()).get(1) >= 1, () -> "no thread ran on node 1\n"
                        + Cluster.explain(zero.command(), r));
            }
        }
    }

    /**
     * Once a waiting job has its nodes and runs, its join port stays open and refuses, with why, a node that comes
     * to join (one more, or one that was lost and fenced), whatever its secret; the job is unaffected.
     */
    @Test
    @Timeout(180)
    void aNodeThatComesToJoinARunningJobIsRefusedWithWhy() throws Exception {
        try (TwoHosts hosts = new TwoHosts()) {
            Path go = tmp.resolve("go");
            String[] args = {"2", go.toString()};
            Path good = secret("good", "the-jobs-secret-0123456789", "rw-------");
            Path other = secret("other", "another-secret-0123456789", "rw-------");
            ProcessRunner zero = hosts.ssiJava(hosts.a, "--nodes", "2", "--join-port", "47998", "--secret-file",
                    good.toString(), "-cp", Cluster.litmusClasses().toString(), "control.Steerable", args[0], args[1]);
            try (RunningProcess job = zero.start()) {
                job.awaitStderr("waits for 1 more node", LIMIT);
                RunningProcess one = hosts.ssiJava(hosts.b, "node", "--join", "10.213.0.1:47998", "--secret-file",
                        good.toString()).start();
                one.awaitStderr("starting node 1 of job", LIMIT);
                job.awaitStderr("node 1 joined", LIMIT);

                ProcessRunner.Result late = hosts.ssiJava(hosts.b, "node", "--join", "10.213.0.1:47998",
                        "--secret-file", good.toString()).run();
                assertEquals(1, late.exitCode(), late::describe);
                assertTrue(late.stderr().matches("(?s).*refused this node: job \\S+ is running with all its 2 nodes; "
                        + "it takes no other node while it runs.*"), late::describe);
                job.awaitStderr("refused a node from 10.213.0.2: the job is running with all its nodes", LIMIT);
                ProcessRunner.Result intruder = hosts.ssiJava(hosts.b, "node", "--join", "10.213.0.1:47998",
                        "--secret-file", other.toString()).run();
                assertTrue(intruder.stderr().contains("refused this node: wrong secret"), intruder::describe);

                Files.createFile(go);
                ProcessRunner.Result r = job.await();
                String want = Cluster.plain(Cluster.litmusClasses(), "control.Steerable", args).stdout();
                assertEquals(0, r.exitCode(), () -> Cluster.explain(zero.command(), r));
                assertEquals(want, r.stdout(), () -> Cluster.explain(zero.command(), r));
                assertEquals(0, one.await().exitCode());
            }
        }
    }

    /**
     * A node that comes to join a running job that takes checkpoints is taken in: the job takes a checkpoint and is
     * restored from it on one node more, the node that was there joining it again by itself; the job then ends
     * with plain java's output.
     */
    @Test
    @Timeout(240)
    void aNodeJoinsARunningJobWhichGoesOnWithIt() throws Exception {
        try (TwoHosts hosts = new TwoHosts()) {
            Path go = tmp.resolve("go");
            String[] args = {"3", go.toString()};
            Path good = secret("good", "the-jobs-secret-0123456789", "rw-------");
            ProcessRunner zero = hosts.ssiJava(hosts.a, "--nodes", "2", "--join-port", "47997", "--secret-file",
                    good.toString(), "--checkpoint-every", "500ms", "--checkpoint-dir", tmp.resolve("ck").toString(),
                    "-cp", Cluster.litmusClasses().toString(), "control.Steerable", args[0], args[1])
                    .timeout(Duration.ofSeconds(200));
            try (RunningProcess job = zero.start()) {
                job.awaitStderr("waits for 1 more node", LIMIT);
                RunningProcess one = joiner(hosts, "47997", good).start();
                job.awaitStderr("checkpoint 1 committed", LIMIT);
                try (RunningProcess two = joiner(hosts, "47997", good).start()) {
                    two.awaitStderr("takes this node in: it restarts from checkpoint", LIMIT);
                    one.awaitStderr("the job stopped to be restored with another node; joining it again", LIMIT);
                    String restored = job.awaitStderr("on 3 nodes in", LIMIT);
                    assertTrue(restored.matches("(?s).*a node from 10\\.213\\.0\\.2 joins the job: it restarts from "
                            + "checkpoint \\d+ on 3 nodes.*restored checkpoint \\d+ \\(taken on 2 nodes, level 1\\) on 3 "
                            + "nodes in.*"), restored);
                    Files.createFile(go);
                    ProcessRunner.Result r = job.await();
                    String want = Cluster.plain(Cluster.litmusClasses(), "control.Steerable", args).stdout();
                    assertEquals(0, r.exitCode(), () -> Cluster.explain(zero.command(), r));
                    assertEquals(want, r.stdout(), () -> Cluster.explain(zero.command(), r));
                    for (RunningProcess node : List.of(one, two)) {
                        ProcessRunner.Result n = node.await();
                        assertEquals(0, n.exitCode(), n::describe);
                    }
                }
            }
        }
    }

    /**
     * A node of a job that waits at a join port is killed: the job is restored from its checkpoint and waits at the
     * port again; the node that is left joins it again by itself, and a new node started by hand takes the lost
     * one's place. The job ends with plain java's output.
     */
    @Test
    @Timeout(240)
    void aLostNodeIsReplacedByANodeThatJoins() throws Exception {
        try (TwoHosts hosts = new TwoHosts()) {
            Path go = tmp.resolve("go");
            String[] args = {"3", go.toString()};
            Path good = secret("good", "the-jobs-secret-0123456789", "rw-------");
            Path ck = tmp.resolve("ck");
            ProcessRunner zero = hosts.ssiJava(hosts.a, "--nodes", "3", "--join-port", "47996", "--secret-file",
                    good.toString(), "--checkpoint-every", "500ms", "--checkpoint-dir", ck.toString(), "--jvm-opt",
                    "-Dssi.failure-timeout=1000", "-cp", Cluster.litmusClasses().toString(), "control.Steerable",
                    args[0], args[1]).timeout(Duration.ofSeconds(200));
            try (RunningProcess job = zero.start()) {
                job.awaitStderr("waits for 2 more nodes", LIMIT);
                RunningProcess one = joiner(hosts, "47996", good).start();
                one.awaitStderr("joined job", LIMIT);
                try (RunningProcess two = joiner(hosts, "47996", good).start()) {
                    job.awaitStderr("checkpoint 1 committed", LIMIT);
                    String marker = "checkpoint-dir=" + ck;
                    List<ProcessHandle> node2 = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                            .map(c -> c.contains(marker) && c.contains(",node=2")).orElse(false)).toList();
                    assertEquals(1, node2.size(), node2::toString);
                    node2.get(0).destroyForcibly();
                    job.awaitStderr("recovering the job from its newest checkpoint", LIMIT);
                    // the restored job waits at the port again: its node 0 says so a second time
                    for (long end = System.nanoTime() + LIMIT.toNanos(); job.stderr().split("waits for 2 more nodes",
                            -1).length < 3 && System.nanoTime() < end; ) {
                        Cluster.sleep(20);
                    }
                    try (RunningProcess three = joiner(hosts, "47996", good).start()) {
                        String restored = job.awaitStderr("on 3 nodes in", LIMIT);
                        assertTrue(restored.contains("ssi-java: node 2 was lost"), restored);
                        Files.createFile(go);
                        ProcessRunner.Result r = job.await();
                        String want = Cluster.plain(Cluster.litmusClasses(), "control.Steerable", args).stdout();
                        assertEquals(0, r.exitCode(), () -> Cluster.explain(zero.command(), r));
                        assertEquals(want, r.stdout(), () -> Cluster.explain(zero.command(), r));
                        ProcessRunner.Result left = one.await();
                        assertEquals(0, left.exitCode(), left::describe);
                        assertTrue(left.stderr().contains("joining it again"), left::describe);
                        ProcessRunner.Result replacing = three.await();
                        assertEquals(0, replacing.exitCode(), replacing::describe);
                        assertNotEquals(0, two.await().exitCode(), "its node was killed");
                    }
                }
            }
        }
    }

    private static ProcessRunner joiner(TwoHosts hosts, String port, Path secret) {
        return hosts.ssiJava(hosts.b, "node", "--join", "10.213.0.1:" + port, "--secret-file", secret.toString())
                .timeout(Duration.ofSeconds(200));
    }

    /** A base port whose next port is free too (for two tasks on one host), as srun's tasks would use them. */
    private static int freePortPair() throws IOException {
        for (int tries = 0; tries < 50; tries++) {
            try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                int base = a.getLocalPort();
                if (base < 65_535) {
                    try (DatagramSocket b = new DatagramSocket(base + 1, InetAddress.getLoopbackAddress())) {
                        return base;
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
        }
        throw new IOException("no two free consecutive UDP ports on loopback");
    }

    /**
     * Two tasks of an srun step on one host: each takes its node number, the node count, the peers and the job
     * from the environment srun gives ({@code slurm=BASEPORT}), and the secret from {@code SSI_JAVA_SECRET}.
     */
    @Test
    @Timeout(180)
    void tasksOfAnSrunStepFindEachOtherThroughTheEnvironment() throws Exception {
        String want = Cluster.plain(Cluster.samplesClasses(), "samples.Pi", ARGS).stdout();
        int base = freePortPair();
        ProcessRunner[] tasks = new ProcessRunner[2];
        for (int rank = 0; rank < 2; rank++) {
            tasks[rank] = ProcessRunner.of(SsiJava.agentCommand("slurm=" + base + ",connect-timeout=10s",
                    Cluster.samplesClasses().toString(), "samples.Pi", ARGS)).timeout(LIMIT)
                    .env("SLURM_NTASKS", "2").env("SLURM_PROCID", Integer.toString(rank))
                    .env("SLURM_STEP_NODELIST", "127.0.0.1").env("SLURM_STEP_TASKS_PER_NODE", "2")
                    .env("SLURM_JOB_ID", "77").env("SLURM_STEP_ID", "0")
                    .env("SSI_JAVA_SECRET", "00112233445566778899aabbccddeeff");
        }
        try (RunningProcess one = tasks[1].start()) {
            ProcessRunner.Result zero = tasks[0].run();
            assertEquals(0, zero.exitCode(), () -> Cluster.explain(tasks[0].command(), zero));
            assertEquals(want, zero.stdout(), () -> Cluster.explain(tasks[0].command(), zero));
            assertTrue(!zero.stderr().contains("no job secret"), zero::describe);
            ProcessRunner.Result r1 = one.await();
            assertEquals(0, r1.exitCode(), r1::describe);
        }
    }

    @Test
    @Timeout(180)
    void nodesStartedByHandJoinOnlyWithTheJobsSecret() throws Exception {
        String want = Cluster.plain(Cluster.samplesClasses(), "samples.Pi", ARGS).stdout();
        Path good = secret("good", "the-jobs-secret-0123456789", "rw-------");
        Path other = secret("other", "another-secret-0123456789", "rw-------");

        String[] ports = freePorts();
        String peers = ports[0] + ";" + ports[1];
        try (RunningProcess one = ProcessRunner.of(node(1, peers, good)).timeout(LIMIT).start()) {
            List<String> zeroCmd = node(0, peers, good);
            ProcessRunner.Result zero = ProcessRunner.of(zeroCmd).timeout(LIMIT).run();
            assertEquals(0, zero.exitCode(), () -> Cluster.explain(zeroCmd, zero));
            assertEquals(want, zero.stdout(), () -> Cluster.explain(zeroCmd, zero));
            ProcessRunner.Result r1 = one.await();
            assertEquals(0, r1.exitCode(), r1::describe);
        }

        ports = freePorts();
        String peers2 = ports[0] + ";" + ports[1];
        try (RunningProcess one = ProcessRunner.of(node(1, peers2, other)).timeout(LIMIT).start()) {
            List<String> zeroCmd = node(0, peers2, good);
            ProcessRunner.Result zero = ProcessRunner.of(zeroCmd).timeout(LIMIT).run();
            assertNotEquals(0, zero.exitCode(), () -> Cluster.explain(zeroCmd, zero));
            assertEquals("", zero.stdout(), "the program must not start without its other node");
            assertTrue(zero.stderr().contains("node 1 at /" + ports[1] + ": it did not prove the job's secret"),
                    () -> Cluster.explain(zeroCmd, zero));
            ProcessRunner.Result r1 = one.await();
            assertNotEquals(0, r1.exitCode(), r1::describe);
            assertTrue(r1.stderr().contains("node 0 at /" + ports[0] + ": it did not prove the job's secret"),
                    r1::describe);
        }

        Path loose = secret("loose", "the-jobs-secret-0123456789", "rw-r--r--");
        List<String> looseCmd = node(0, peers, loose);
        ProcessRunner.Result refused = ProcessRunner.of(looseCmd).timeout(LIMIT).run();
        assertNotEquals(0, refused.exitCode(), () -> Cluster.explain(looseCmd, refused));
        assertTrue(refused.stderr().contains("the secret file " + loose + " may be read by others than its owner "
                + "(chmod 600 it)"), () -> Cluster.explain(looseCmd, refused));
    }
}
