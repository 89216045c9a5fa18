package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.ProcessTree;
import io.ssijava.testsupport.RunningProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node of a job that takes checkpoints is killed ({@code kill -9}) while the job runs; the job notices within
 * the heartbeat timeout, is restored from its newest checkpoint at the nearest level that still holds it, and ends
 * with plain java's output, without a person.
 */
@ExtendWith(ProcessCleanupExtension.class)
class RecoveryTest {

    private static final Pattern RESTORED = Pattern.compile("(?m)^ssi-java: restored checkpoint \\d+ \\(taken on "
            + "(\\d+) nodes?, level (\\w+)\\) on (\\d+) nodes? in \\d+ ms, \\d+ ms after the job stopped$");
    private static final Pattern WORKER = Pattern.compile("[=,]node=(\\d+)");
    private static final String[] ARGS = {"4", "300", "150"};

    @TempDir
    Path tmp;

    /**
     * @param victim      the node killed
     * @param gone        node directories deleted with it (its disk, and its neighbour's), comma-separated
     * @param level       the level the lost node's part must come from
     * @param nodesAfter  how many nodes the job goes on with
     */
    @ParameterizedTest(name = "node {0} of 3 killed, directories [{1}] gone: level {2}, {3} nodes after")
    @CsvSource({
            "1, '', 1, 3",
            "0, '', 1, 3",
            "1, 1, M, 2",
            "2, '2,0', N, 2",
    })
    @Timeout(300)
    void aKilledNodeIsRecoveredFromTheNearestLevelThatHoldsItsPart(int victim, String gone, String level,
                                                                     int nodesAfter) throws IOException {
        Path cp = Cluster.samplesClasses();
        String want = Cluster.plain(cp, "samples.NBody", ARGS).stdout();
        Path local = tmp.resolve("local");
        List<String> args = new ArrayList<>(List.of("--nodes", "3", "--checkpoint-every", "300ms", "--checkpoint-dir",
                local.toString(), "--stable-dir", tmp.resolve("stable").toString(), "--mirror-every", "1",
                "--stable-every", "1", "-cp", cp.toString(), "samples.NBody"));
        args.addAll(List.of(ARGS));
        ProcessRunner runner = Cluster.script(args).timeout(Duration.ofSeconds(180));
        try (RunningProcess job = runner.start()) {
            job.awaitStderr("checkpoint 3 committed", Cluster.RUN_TIMEOUT);
            ProcessTree.killAll(List.of(node(local, victim)), Duration.ofSeconds(10));
            if (!gone.isEmpty()) {
                for (String n : gone.split(",")) {
                    Cluster.deleteTree(local.resolve("node-" + n));
                }
            }
            ProcessRunner.Result r = job.await();
            String explain = Cluster.explain(runner.command(), r);
            assertEquals(0, r.exitCode(), explain);
            assertEquals(want, r.stdout(), explain);
            assertTrue(r.stderr().contains("ssi-java: node " + victim + " was lost"), explain);
            Matcher m = RESTORED.matcher(r.stderr());
            assertTrue(m.find(), explain);
            assertEquals("3", m.group(1), explain);
            assertEquals(level, m.group(2), explain);
            assertEquals(nodesAfter, Integer.parseInt(m.group(3)), explain);
        }
    }

    /**
     * A program that prints as it goes: the restored job prints again what came after its checkpoint, and the
     * launcher shows only what the failed job had not shown, so the output is one uninterrupted run's.
     */
    @Test
    @Timeout(300)
    void theOutputGoesOnWithoutRepeatingWhatTheFailedJobShowed() {
        Path cp = Cluster.litmusClasses();
        String[] progress = {"3", "60", "40000000"};
        String want = Cluster.plain(cp, "recovery.Progress", progress).stdout();
        Path local = tmp.resolve("local");
        // a dead node is noticed after 1 s of silence instead of 3
        List<String> args = new ArrayList<>(List.of("--nodes", "3", "--checkpoint-every", "500ms", "--checkpoint-dir",
                local.toString(), "--jvm-opt", "-Dssi.failure-timeout=1000", "-cp", cp.toString(),
                "recovery.Progress"));
        args.addAll(List.of(progress));
        ProcessRunner runner = Cluster.script(args).timeout(Duration.ofSeconds(180));
        try (RunningProcess job = runner.start()) {
            job.awaitStderr("checkpoint 2 committed", Cluster.RUN_TIMEOUT);
            // two lines after the checkpoint (the next one is half a second away), then the failure
            long shown = job.stdout().lines().count();
            long deadline = System.nanoTime() + Cluster.RUN_TIMEOUT.toNanos();
            while (job.stdout().lines().count() < shown + 2 && System.nanoTime() < deadline) {
                Cluster.sleep(5);
            }
            ProcessTree.killAll(List.of(node(local, 2)), Duration.ofSeconds(10));
            ProcessRunner.Result r = job.await();
            String explain = Cluster.explain(runner.command(), r);
            assertEquals(0, r.exitCode(), explain);
            assertTrue(r.stderr().contains("ssi-java: restored checkpoint"), explain);
            assertTrue(r.stderr().contains("(failure timeout 1000 ms)); recovering the job"), explain);
            assertTrue(r.stderr().contains("that the failed job had shown after the checkpoint; they are shown once"),
                    explain);
            assertEquals(want, r.stdout(), explain);
        }
    }

    /**
     * A node killed while a checkpoint is being written (its part was seen there before the commit), and then a
     * node of the restored job killed as it starts: the job goes on from a committed checkpoint each time, never
     * from the one cut short.
     */
    @Test
    @Timeout(300)
    void aNodeKilledDuringACheckpointAndOneKilledDuringTheRecoveryAreSurvived() throws IOException {
        Path cp = Cluster.samplesClasses();
        String want = Cluster.plain(cp, "samples.NBody", ARGS).stdout();
        Path local = tmp.resolve("local");
        List<String> args = new ArrayList<>(List.of("--nodes", "2", "--checkpoint-every", "100ms", "--checkpoint-dir",
                local.toString(), "-cp", cp.toString(), "samples.NBody"));
        args.addAll(List.of(ARGS));
        ProcessRunner runner = Cluster.script(args).timeout(Duration.ofSeconds(180));
        try (RunningProcess job = runner.start()) {
            job.awaitStderr("checkpoint 2 committed", Cluster.RUN_TIMEOUT);
            Path part = awaitUncommittedPart(local.resolve("node-1"), job);
            ProcessTree.killAll(List.of(node(local, 1, false)), Duration.ofSeconds(10));
            job.awaitStderr("recovering the job", Duration.ofSeconds(30));
            ProcessTree.killAll(List.of(awaitNode(local, 1, true, job)), Duration.ofSeconds(10));
            ProcessRunner.Result r = job.await();
            String explain = Cluster.explain(runner.command(), r) + "\nkilled while " + part + " was written";
            assertEquals(0, r.exitCode(), explain);
            assertEquals(want, r.stdout(), explain);
            assertEquals(2, count(r.stderr(), "recovering the job from its newest checkpoint"), explain);
            long uncommitted = Long.parseLong(part.getParent().getFileName().toString().substring("ckpt-".length()));
            Matcher m = Pattern.compile("restored checkpoint (\\d+)").matcher(r.stderr());
            assertTrue(m.find(), explain);
            // the one being written when the node was killed, only if its commit won the race with the kill
            assertTrue(Long.parseLong(m.group(1)) <= uncommitted, explain);
        }
    }

    /**
     * A node stopped (SIGSTOP) while the threads print in turns is declared lost and the job is restored without it;
     * when the stale node comes back (SIGCONT) it is fenced: nothing it prints reaches the job's output, and it exits.
     * The output is plain java's.
     */
    @Test
    @Timeout(300)
    void aStoppedNodeThatComesBackIsFencedAndTheJobGoesOn() throws Exception {
        Path cp = Cluster.litmusClasses();
        String[] heralds = {"3", "30", "10000000"};
        String want = Cluster.plain(cp, "recovery.Heralds", heralds).stdout();
        Path local = tmp.resolve("local");
        List<String> args = new ArrayList<>(List.of("--nodes", "3", "--checkpoint-every", "500ms", "--checkpoint-dir",
                local.toString(), "--jvm-opt", "-Dssi.failure-timeout=1000", "-cp", cp.toString(),
                "recovery.Heralds"));
        args.addAll(List.of(heralds));
        ProcessRunner runner = Cluster.script(args).timeout(Duration.ofSeconds(180));
        try (RunningProcess job = runner.start()) {
            job.awaitStderr("checkpoint 2 committed", Cluster.RUN_TIMEOUT);
            ProcessHandle stale = node(local, 2);
            signal("STOP", stale);
            try {
                job.awaitStderr("ssi-java: restored checkpoint", Cluster.RUN_TIMEOUT);
            } finally {
                signal("CONT", stale);
            }
            ProcessRunner.Result r = job.await();
            String explain = Cluster.explain(runner.command(), r);
            assertTrue(stale.onExit().thenApply(p -> true).completeOnTimeout(false, 20, TimeUnit.SECONDS).get(),
                    "the stale node still runs\n" + explain);
            assertEquals(0, r.exitCode(), explain);
            assertTrue(r.stderr().contains("ssi-java: node 2 was lost"), explain);
            // it leaves, as the node that lost its job it is (its parent node, or node 0's heartbeats)
            assertTrue(r.stderr().contains("ssi-java: node 2: lost"), explain);
            assertEquals(want, r.stdout(), explain);
        }
    }

    private static void signal(String signal, ProcessHandle p) {
        ProcessRunner.Result r = ProcessRunner.of(List.of("kill", "-" + signal, Long.toString(p.pid())))
                .timeout(Duration.ofSeconds(10)).run();
        assertEquals(0, r.exitCode(), r::describe);
    }

    /** Waits until a node's directory holds its part of a checkpoint that is not committed yet. */
    private static Path awaitUncommittedPart(Path nodeDir, RunningProcess job) throws IOException {
        long deadline = System.nanoTime() + Cluster.RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && job.isAlive()) {
            try (Stream<Path> s = Files.walk(nodeDir, 3)) {
                List<Path> parts = s.filter(p -> p.getFileName().toString().equals("node-1.part"))
                        .filter(p -> !Files.exists(p.resolveSibling("commit"))).toList();
                if (!parts.isEmpty()) {
                    return parts.get(0);
                }
            } catch (java.io.UncheckedIOException e) {
                // a checkpoint removed as we looked: look again
            }
        }
        throw new AssertionError("no checkpoint was caught between its parts and its commit\n" + job.stderr());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The JVM of a node of the job whose checkpoints go under {@code local}. */
    private static ProcessHandle node(Path local, int id) {
        return node(local, id, false);
    }

    private static ProcessHandle awaitNode(Path local, int id, boolean restored, RunningProcess job) {
        long deadline = System.nanoTime() + Cluster.RUN_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && job.isAlive()) {
            List<ProcessHandle> found = nodes(local, id, restored);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Cluster.sleep(5);
        }
        throw new AssertionError("node " + id + " of the restored job did not start\n" + job.stderr());
    }

    private static List<ProcessHandle> nodes(Path local, int id, boolean restored) {
        String marker = "checkpoint-dir=" + local;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && c.contains("restore=") == restored
                        && c.contains("--patch-module") && nodeOf(c) == id).orElse(false))
                .collect(Collectors.toList());
    }

    private static ProcessHandle node(Path local, int id, boolean restored) {
        List<ProcessHandle> found = nodes(local, id, restored);
        assertEquals(1, found.size(), () -> "node " + id + ": " + found.stream()
                .map(p -> p.info().commandLine().orElse("?")).collect(Collectors.joining("\n")));
        return found.get(0);
    }

    private static int nodeOf(String commandLine) {
        Matcher m = WORKER.matcher(commandLine);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
