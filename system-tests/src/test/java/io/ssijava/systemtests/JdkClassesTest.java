package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.SsiJava;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The programs in package {@code jdkshared} (ordinary Java programs whose threads share JDK
 * collections, java.util.concurrent objects and immutable JDK values, and check the results
 * themselves) under plain java and on 2 and 3 nodes.
 *
 * <p>On a cluster the output must be plain java's, byte for byte, and stderr must show (through
 * {@code jdkshared.Where}) that some thread ran in another process than main, so that a passing
 * test did share the JDK objects between nodes. {@code -Dssi.jdkshared.repeats=N} sets how many
 * times each runs per cluster size (default 1).
 */
@ExtendWith(ProcessCleanupExtension.class)
class JdkClassesTest {

    static final List<String> PROGRAMS = List.of(
            "Collections",
            "SyncCollections",
            "ConcurrentMaps",
            "Atomics",
            "Locks",
            "Coordination",
            "Phases",
            "BlockingQueues",
            "QueueContracts",
            "Executors",
            "ForkJoin",
            "Values");

    static final String REMOTE_NOTE = "ran in another process";

    private static final Map<String, ProcessRunner.Result> PLAIN = new ConcurrentHashMap<>();

    static int repeats() {
        return Integer.getInteger("ssi.jdkshared.repeats", 1);
    }

    static Stream<String> programs() {
        return PROGRAMS.stream();
    }

    /** Every program that shares JDK objects between nodes (ForkJoin does not: a fork/join pool stays on its node). */
    static final List<String> CLUSTER_PROGRAMS = List.of(
            "Collections",
            "SyncCollections",
            "ConcurrentMaps",
            "Atomics",
            "Locks",
            "Coordination",
            "Phases",
            "BlockingQueues",
            "QueueContracts",
            "Executors",
            "Values");

    static Stream<Arguments> programsOnClusters() {
        List<Arguments> out = new ArrayList<>();
        for (String program : CLUSTER_PROGRAMS) {
            for (int nodes = 2; nodes <= 3; nodes++) {
                for (int run = 1; run <= repeats(); run++) {
                    out.add(Arguments.of(program, nodes, run));
                }
            }
        }
        return out.stream();
    }

    /** @return the directory that holds the compiled {@code jdkshared} programs (this module's test classes) */
    static Path classes() {
        try {
            return Path.of(jdkshared.Where.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String main(String program) {
        return "jdkshared." + program;
    }

    /** The first plain-java run of a program in this test run, which the cluster runs are compared with. */
    static ProcessRunner.Result plain(String program) {
        return PLAIN.computeIfAbsent(program, k -> Cluster.plain(classes(), main(program)));
    }

    static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\\R"));
    }

    // ------------------------------------------------------------------------------ plain java

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    @Timeout(60)
    void shouldPassUnderPlainJava(String program) {
        ProcessRunner.Result r = plain(program);
        r.assertSuccess();
        List<String> out = lines(r.stdout());
        assertEquals("OK", out.isEmpty() ? "" : out.get(out.size() - 1), r::describe);
        assertFalse(r.stderr().contains(REMOTE_NOTE), r::describe);
    }

    /** The cluster runs compare with one plain run, so plain java must print the same every time. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    @Timeout(60)
    void shouldPrintTheSameOnEveryPlainJavaRun(String program) {
        ProcessRunner.Result first = plain(program);
        first.assertSuccess();
        ProcessRunner.Result again = Cluster.plain(classes(), main(program));
        again.assertSuccess();
        assertEquals(first.stdout(), again.stdout(), () -> "second plain java run printed something else\n"
                + again.describe());
    }

    // ------------------------------------------------------------------------------ clusters

    @ParameterizedTest(name = "{0} on {1} nodes, run {2}")
    @MethodSource("programsOnClusters")
    @Timeout(120)
    void shouldPrintWhatPlainJavaPrintsOnCluster(String program, int nodes, int run) {
        ProcessRunner.Result base = plain(program);
        base.assertSuccess();
        List<String> cmd = Cluster.agentCommand(nodes, classes(), main(program));
        ProcessRunner.Result r = Cluster.run(cmd);
        List<String> out = lines(r.stdout());
        String last = out.isEmpty() ? "(no output)" : out.get(out.size() - 1);
        String verdict = r.timedOut() ? "timed out after " + r.took().toMillis() + " ms (thread dumps below)"
                : out.stream().filter(l -> l.startsWith("FAIL")).findFirst().orElse("last line: " + last);
        assertTrue(!r.timedOut() && r.exitCode() == 0 && "OK".equals(last),
                () -> program + " failed on " + nodes + " nodes (exit " + r.exitCode() + ", " + verdict + ")\n"
                        + Cluster.explain(cmd, r));
        assertEquals(base.stdout(), r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains(REMOTE_NOTE), () -> "no thread of the program ran in another process than main"
                + " (no '" + REMOTE_NOTE + "' on stderr), so no JDK object was shared between nodes\n"
                + Cluster.explain(cmd, r));
    }

    @ParameterizedTest(name = "on {0} nodes")
    @ValueSource(ints = {2})
    @Timeout(120)
    void shouldRefuseToShareAJdkObjectItCannotKeepConsistent(int nodes) {
        ProcessRunner.Result base = Cluster.plain(classes(), "jdkshared.Unshareable");
        base.assertSuccess();
        assertEquals(List.of("registry size 1", "done"), lines(base.stdout()), base::describe);
        List<String> cmd = Cluster.agentCommand(nodes, classes(), "jdkshared.Unshareable");
        ProcessRunner.Result r = Cluster.run(cmd);
        assertFalse(r.timedOut(), () -> Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("cannot share an instance of java.util.IdentityHashMap"),
                () -> "no error naming the class\n" + Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("registry"), () -> "no field path in the error\n" + Cluster.explain(cmd, r));
        assertFalse(r.stdout().contains("registry size"), () -> "the map was read anyway\n" + Cluster.explain(cmd, r));
        assertTrue(r.stdout().contains("done"), () -> Cluster.explain(cmd, r));
    }

    /**
     * Threads on another node than a blocking queue's home call its put and take there, one round trip each: the
     * stats must count them, or the queue's lock, nodes and count travel between the nodes instead.
     */
    @Test
    @Timeout(120)
    void blockingQueueCallsFromOtherNodesRunAtTheQueuesHome() {
        StatsRun run = onTwoNodesWithStats("BlockingQueues");
        // 2 x 300 items put and taken by threads of which about half run on node 1
        long seen = callsRunAtHome(run.result());
        assertTrue(seen >= 300, () -> "only " + seen + " queue calls ran at the queues' home\n" + run.explain());
    }

    /**
     * A transfer queue's puts, takes and transfers made by threads on another node than its home run there, where a
     * transfer meets the take that ends it.
     */
    @Test
    @Timeout(120)
    void transferQueueCallsFromOtherNodesRunAtItsHome() {
        StatsRun run = onTwoNodesWithStats("BlockingQueues", "transfer");
        String err = run.result().stderr();
        assertTrue(Pattern.compile("(LinkedTransferQueue (producer|consumer) \\d|transfer taker|transferer) "
                + REMOTE_NOTE).matcher(err).find(),
                () -> "no user of the transfer queue ran on node 1\n" + run.explain());
        // 300 items put and taken, 60 transferred and taken, by threads of which about half run on node 1
        long seen = callsRunAtHome(run.result());
        assertTrue(seen >= 100, () -> "only " + seen + " calls ran at home\n" + run.explain());
    }

    /** A deque's calls at either end made by threads on another node than its home run there. */
    @Test
    @Timeout(120)
    void dequeCallsAtEitherEndFromOtherNodesRunAtItsHome() {
        StatsRun run = onTwoNodesWithStats("BlockingQueues", "deque");
        String err = run.result().stderr();
        assertTrue(Pattern.compile("deque (producer|consumer) \\d " + REMOTE_NOTE).matcher(err).find(),
                () -> "no deque producer or consumer ran on node 1\n" + run.explain());
        // a producer puts 150 items at one end, a consumer takes about as many from one end
        long seen = callsRunAtHome(run.result());
        assertTrue(seen >= 100, () -> "only " + seen + " calls ran at home\n" + run.explain());
    }

    /**
     * A delay queue's offers, takes and polls made by threads on another node than its home run there, where a take
     * waits for the head's delay to pass.
     */
    @Test
    @Timeout(120)
    void delayQueueCallsFromOtherNodesRunAtItsHome() {
        StatsRun run = onTwoNodesWithStats("BlockingQueues", "delay");
        String err = run.result().stderr();
        assertTrue(Pattern.compile("delay (producer|consumer) \\d " + REMOTE_NOTE).matcher(err).find(),
                () -> "no delay queue producer or consumer ran on node 1\n" + run.explain());
        // 100 items offered and taken, by threads of which about half run on node 1
        long seen = callsRunAtHome(run.result());
        assertTrue(seen >= 40, () -> "only " + seen + " calls ran at home\n" + run.explain());
    }

    /**
     * A latch's countDown and await, and a barrier's arrivals and waits for the trip, made by threads on another node
     * than the object's home, run there, one round trip each (the barrier's action still runs on the thread that
     * trips it). Coordination also interrupts a waiter and resets the barrier.
     */
    @Test
    @Timeout(120)
    void latchAndBarrierCallsFromOtherNodesRunAtTheirHome() {
        StatsRun run = onTwoNodesWithStats("Coordination");
        String err = run.result().stderr();
        assertTrue(Pattern.compile("barrier party \\d " + REMOTE_NOTE).matcher(err).find()
                && Pattern.compile("latch worker \\d " + REMOTE_NOTE).matcher(err).find(),
                () -> "no latch worker or no barrier party ran on node 1\n" + run.explain());
        // of 3 latch workers and 3 barrier parties (10 awaits each), at least one of each runs on node 1
        long seen = callsRunAtHome(run.result());
        assertTrue(seen >= 12, () -> "only " + seen + " calls ran at home\n" + run.explain());
    }

    /**
     * A semaphore's acquires and releases made by threads on another node than its home run there, one round trip
     * each, and still guard the program's plain fields (Locks counts under a semaphore used as a mutex and checks a
     * pool's permits).
     */
    @Test
    @Timeout(120)
    void semaphoreCallsFromOtherNodesRunAtItsHome() {
        StatsRun run = onTwoNodesWithStats("Locks");
        String err = run.result().stderr();
        assertTrue(Pattern.compile("(mutex|pool) user \\d " + REMOTE_NOTE).matcher(err).find(),
                () -> "no semaphore user ran on node 1\n" + run.explain());
        // a mutex user acquires and releases 100 times; a pool user makes 45 acquires and as many releases
        long seen = callsRunAtHome(run.result());
        assertTrue(seen >= 90, () -> "only " + seen + " calls ran at home\n" + run.explain());
    }

    /**
     * A phaser's arrivals and waits for the advance made by parties on another node than its home run there, one
     * round trip each; a subclass's arrivals stay where they are made, so that its onAdvance runs on the thread that
     * advances the phase (Phases checks that and prints it), while its waits run at the home too.
     */
    @Test
    @Timeout(120)
    void phaserCallsFromOtherNodesRunAtItsHome() {
        StatsRun run = onTwoNodesWithStats("Phases");
        Matcher remote = Pattern.compile("party \\d " + REMOTE_NOTE).matcher(run.result().stderr());
        int remoteParties = 0;
        while (remote.find()) {
            remoteParties++;
        }
        assertTrue(remoteParties > 0, () -> "no party ran on node 1\n" + run.explain());
        // a party on node 1 makes 20 arrivals and 20 waits on the plain phaser, then deregisters; it waits 20 times
        // on the subclass, through arriveAndAwaitAdvance and awaitAdvanceInterruptibly in turn (its arrivals run
        // where they are made)
        long seen = callsRunAtHome(run.result());
        long expected = 61L * remoteParties;
        assertTrue(seen >= expected, () -> "only " + seen + " calls ran at home, expected " + expected + "\n"
                + run.explain());
    }

    /** A run of a program on 2 nodes with --stats: its command and what it gave. */
    private record StatsRun(List<String> cmd, ProcessRunner.Result result) {
        String explain() {
            return Cluster.explain(cmd, result);
        }
    }

    /** Runs a program on 2 nodes with --stats, and checks that it ended well with plain java's output. */
    private static StatsRun onTwoNodesWithStats(String program, String... args) {
        ProcessRunner.Result base = args.length == 0 ? plain(program) : Cluster.plain(classes(), main(program), args);
        List<String> cmd = SsiJava.agentCommand("nodes=2,stats", classes().toString(), main(program), args);
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertEquals(base.stdout(), r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        return new StatsRun(cmd, r);
    }

    /** @return the calls every node ran at an object's home on another node, from the job's --stats lines. */
    private static long callsRunAtHome(ProcessRunner.Result r) {
        Matcher m = Pattern.compile("calls run at home (\\d+)").matcher(r.stderr());
        long calls = 0;
        while (m.find()) {
            calls += Long.parseLong(m.group(1));
        }
        return calls;
    }
}
