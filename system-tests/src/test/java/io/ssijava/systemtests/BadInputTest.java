package io.ssijava.systemtests;

import io.ssijava.testsupport.Paths;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.RunningProcess;
import io.ssijava.testsupport.SsiJava;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad command lines, a missing main class, bad agent options and lost nodes: each must end with
 * the documented status and a clear message, and leave no process behind.
 */
@ExtendWith(ProcessCleanupExtension.class)
class BadInputTest {

    /** How long a job may take to stop after one of its nodes was killed. */
    static final Duration STOP_AFTER_LOSS = Duration.ofSeconds(12);

    /** How long the remaining nodes get to go away after node 0 ended. */
    static final Duration LEFTOVER_GRACE = Duration.ofSeconds(5);

    static String marker() {
        return "ssi-system-test-" + UUID.randomUUID();
    }

    static String samples() {
        return Cluster.samplesClasses().toString();
    }

    // ------------------------------------------------------------------------------ the launcher's command line

    @Test
    @Timeout(60)
    void shouldExitTwoWithUsageOnUnknownFlag() {
        ProcessRunner runner = Cluster.script(List.of("--no-such-flag", "-cp", samples(), "samples.Pi", "2", "1000"));
        ProcessRunner.Result r = runner.run();
        String why = Cluster.explain(runner.command(), r);
        assertEquals(2, r.exitCode(), why);
        assertTrue(r.stderr().contains("--no-such-flag"), "the message names the flag\n" + why);
        assertTrue(r.stderr().contains("usage:"), "usage on stderr\n" + why);
        assertEquals("", r.stdout(), "stdout belongs to the program\n" + why);
    }

    static Stream<Arguments> missingOrBadArguments() {
        return Stream.of(
                Arguments.of(List.of("--nodes")),
                Arguments.of(List.of("--nodes", "2")),
                Arguments.of(List.of("--nodes", "2", "-cp")),
                Arguments.of(List.of("--nodes", "2", "--jvm-opt")),
                Arguments.of(List.of("--nodes", "zero", "-cp", "CLASSES", "samples.Pi")),
                Arguments.of(List.of("--nodes", "0", "-cp", "CLASSES", "samples.Pi")));
    }

    @ParameterizedTest(name = "ssi-java {0}")
    @MethodSource("missingOrBadArguments")
    @Timeout(60)
    void shouldExitTwoWithUsageOnMissingOrBadArgument(List<String> args) {
        List<String> argv = new ArrayList<>();
        for (String a : args) {
            argv.add(a.equals("CLASSES") ? samples() : a);
        }
        ProcessRunner runner = Cluster.script(argv);
        ProcessRunner.Result r = runner.run();
        String why = Cluster.explain(runner.command(), r);
        assertEquals(2, r.exitCode(), why);
        assertTrue(r.stderr().startsWith("ssi-java: "), "an ssi-java message first\n" + why);
        assertTrue(r.stderr().contains("usage:"), "usage on stderr\n" + why);
        assertEquals("", r.stdout(), why);
    }

    // ------------------------------------------------------------------------------ missing main class

    @ParameterizedTest(name = "through the {0}")
    @ValueSource(strings = {"launcher", "agent"})
    @Timeout(90)
    void shouldExitOneWithJvmWordingWhenMainClassIsMissing(String how) {
        String marker = marker();
        String cp = Cluster.litmusClasses().toString();
        ProcessRunner runner = how.equals("launcher")
                ? Cluster.script(List.of("--nodes", "3", "-cp", cp, "litmus.NoSuchMain", marker))
                : ProcessRunner.of(SsiJava.agentCommand("nodes=3", cp, "litmus.NoSuchMain", marker))
                        .timeout(Cluster.RUN_TIMEOUT);
        ProcessRunner.Result r;
        List<String> leftovers;
        try (RunningProcess job = runner.start()) {
            awaitExit(job, Cluster.RUN_TIMEOUT);
            leftovers = Cluster.awaitNoneWith(marker, LEFTOVER_GRACE);
            r = job.await();
        }
        String why = Cluster.explain(runner.command(), r);
        assertEquals(1, r.exitCode(), why);
        assertTrue(r.stderr().contains("Could not find or load main class litmus.NoSuchMain"), why);
        assertEquals(List.of(), leftovers, "processes of the job still running after it ended\n" + why);
    }

    // ------------------------------------------------------------------------------ agent options

    @ParameterizedTest(name = "-javaagent:ssi-agent.jar={0}")
    @ValueSource(strings = {"nodes=0", "nodes=abc", "nodes=65", "nodes=2,frobnicate"})
    @Timeout(60)
    void shouldFailWithClearMessageOnBadAgentOption(String options) {
        String marker = marker();
        List<String> cmd = SsiJava.agentCommand(options, samples(), "samples.Pi", "2", "1000", marker);
        ProcessRunner.Result r = ProcessRunner.of(cmd).timeout(Duration.ofSeconds(30)).run();
        String why = Cluster.explain(cmd, r);
        assertTrue(!r.timedOut() && r.exitCode() != 0, "a bad option must fail the JVM\n" + why);
        String offending = options.substring(options.lastIndexOf(',') + 1);
        assertTrue(r.stderr().contains("ssi-java: ") && r.stderr().contains(offending),
                "the message must name the offending option '" + offending + "'\n" + why);
        assertTrue(!Pattern.compile("(?m)^\\s+at ").matcher(r.stderr()).find(),
                "a clear message, not a stack trace\n" + why);
        assertEquals("", r.stdout(), "the program must not have run\n" + why);
        assertEquals(List.of(), Cluster.awaitNoneWith(marker, LEFTOVER_GRACE), "no node may be left\n" + why);
    }

    // ------------------------------------------------------------------------------ lost nodes

    @ParameterizedTest(name = "through the {0}")
    @ValueSource(strings = {"agent", "launcher"})
    @Timeout(120)
    void shouldStopJobWhenWorkerNodeIsKilled(String how) {
        String marker = marker();
        String cp = Cluster.litmusClasses().toString();
        ProcessRunner runner = how.equals("launcher")
                ? Cluster.script(List.of("--nodes", "3", "-cp", cp, "litmus.LongRunning", "20", marker))
                : ProcessRunner.of(SsiJava.agentCommand("nodes=3", cp, "litmus.LongRunning", "20", marker))
                        .timeout(Cluster.RUN_TIMEOUT);
        runner.timeout(Duration.ofSeconds(60));
        ProcessRunner.Result r;
        List<String> leftovers;
        long stopMillis;
        int victimNode = 1;
        try (RunningProcess job = runner.start()) {
            job.awaitStdout("started", Duration.ofSeconds(30));
            Cluster.sleep(1000); // let the worker threads run and share state for a moment
            ProcessHandle nodeZero = how.equals("launcher") ? findNodeZero(job) : job.handle();
            ProcessHandle victim = findWorker(nodeZero, victimNode, job);
            long killedAt = System.nanoTime();
            victim.destroyForcibly(); // SIGKILL
            boolean stopped = awaitExit(job, STOP_AFTER_LOSS);
            stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            if (!stopped) {
                // Let the runner's timeout take thread dumps of every node still there.
                r = job.await();
                fail("the job did not stop within " + STOP_AFTER_LOSS.toSeconds() + " s after node " + victimNode
                        + " (pid " + victim.pid() + ") was killed\n" + Cluster.explain(runner.command(), r));
            }
            leftovers = Cluster.awaitNoneWith(marker, LEFTOVER_GRACE);
            r = job.await();
        }
        String why = "stopped " + stopMillis + " ms after the kill\n" + Cluster.explain(runner.command(), r);
        assertNotEquals(0, r.exitCode(), "a job that lost a node must not exit 0\n" + why);
        assertTrue(Pattern.compile("(?m)^.*\\bnode " + victimNode + "\\b.*\\blost\\b.*$").matcher(r.stderr()).find(),
                "stderr must name the lost node (node " + victimNode + ")\n" + why);
        assertTrue(!r.stdout().contains("OK"), "the program cannot have finished\n" + why);
        assertFalse(r.stderr().contains("Exception in thread"),
                "the program's threads must not report the lost node in stack traces of their own\n" + why);
        assertEquals(List.of(), leftovers, "processes of the job still running after it ended\n" + why);
    }

    @Test
    @Timeout(120)
    void shouldStopWorkersWhenNodeZeroIsKilled() {
        String marker = marker();
        String cp = Cluster.litmusClasses().toString();
        List<String> cmd = SsiJava.agentCommand("nodes=3", cp, "litmus.LongRunning", "20", marker);
        ProcessRunner runner = ProcessRunner.of(cmd).timeout(Duration.ofSeconds(60));
        ProcessRunner.Result r;
        List<String> leftovers;
        try (RunningProcess job = runner.start()) {
            job.awaitStdout("started", Duration.ofSeconds(30));
            Cluster.sleep(1000);
            List<ProcessHandle> workers = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                workers.add(findWorker(job.handle(), n, job));
            }
            job.handle().destroyForcibly();
            // The workers are orphans now; they must notice that node 0 is gone and exit by themselves.
            leftovers = Cluster.awaitNoneWith(marker, STOP_AFTER_LOSS);
            r = job.await();
        }
        assertEquals(List.of(), leftovers, "workers still running " + STOP_AFTER_LOSS.toSeconds()
                + " s after node 0 was killed\n" + Cluster.explain(cmd, r));
    }

    // ------------------------------------------------------------------------------ helpers

    /** Waits for the job's own process to end; false on timeout. */
    static boolean awaitExit(RunningProcess job, Duration limit) {
        try {
            job.handle().onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Node 0 of a launcher job: the launcher's descendant that runs with the agent and no node= option. */
    static ProcessHandle findNodeZero(RunningProcess job) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = job.handle().descendants()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("-javaagent:")
                            && !Pattern.compile("[=,]node=\\d").matcher(c).find()).orElse(false))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Cluster.sleep(100);
        }
        throw new AssertionError("no node 0 JVM among the launcher's descendants\n--- stdout ---\n" + job.stdout()
                + "\n--- stderr ---\n" + job.stderr());
    }

    /** The JVM of worker node {@code n} among the descendants of node 0 (its agent options say node=n). */
    static ProcessHandle findWorker(ProcessHandle nodeZero, int n, RunningProcess job) {
        Pattern option = Pattern.compile("[=,]node=" + n + "(,|\\s|$)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = nodeZero.descendants()
                    .filter(p -> p.info().commandLine().map(c -> option.matcher(c).find()).orElse(false))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Cluster.sleep(100);
        }
        throw new AssertionError("no JVM for node " + n + " among the descendants of node 0 (pid " + nodeZero.pid()
                + ", java " + Paths.javaExecutable() + ")\n--- stdout ---\n" + job.stdout() + "\n--- stderr ---\n"
                + job.stderr());
    }
}
