package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The litmus programs in package {@code litmus} (ordinary Java programs that check one memory
 * model or language guarantee themselves, print OK or what they saw, and exit 1 when it was
 * wrong) on 2 and 3 nodes, each a few times, and under plain java.
 *
 * <p>Every run on a cluster must also show (on stderr, through {@code litmus.Where}) that some
 * thread ran in another process than main, so that a passing test did exercise the cluster.
 * {@code -Dssi.litmus.repeats=N} sets how many times each runs per cluster size (default 2).
 */
@ExtendWith(ProcessCleanupExtension.class)
class LitmusTest {

    /** Programs that print their checks and OK, exit 0, and print the same under plain java. */
    static final List<String> CHECKING_PROGRAMS = List.of(
            "SyncMessagePassing",
            "VolatileMessagePassing",
            "StartVisibility",
            "JoinVisibility",
            "WaitNotify",
            "PlainFlagYield",
            "StaticFields",
            "ClassInitOnce",
            "IdentityHash",
            "LanguageFeatures",
            "StringIdentity",
            "ArraysThroughJdk",
            "HotArrayWriter",
            "HeldArrayWriter",
            "ThreadNames",
            "ThreadIdentity",
            "LockedCounters");

    static final String REMOTE_NOTE = "ran in another process";

    private static final Map<String, ProcessRunner.Result> PLAIN = new ConcurrentHashMap<>();

    static int repeats() {
        return Integer.getInteger("ssi.litmus.repeats", 2);
    }

    static Stream<Arguments> checkingProgramsOnClusters() {
        List<Arguments> out = new ArrayList<>();
        for (String program : CHECKING_PROGRAMS) {
            for (int nodes = 2; nodes <= 3; nodes++) {
                for (int run = 1; run <= repeats(); run++) {
                    out.add(Arguments.of(program, nodes, run));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> clusters() {
        List<Arguments> out = new ArrayList<>();
        for (int nodes = 2; nodes <= 3; nodes++) {
            for (int run = 1; run <= repeats(); run++) {
                out.add(Arguments.of(nodes, run));
            }
        }
        return out.stream();
    }

    static Stream<String> checkingPrograms() {
        return CHECKING_PROGRAMS.stream();
    }

    static String main(String program) {
        return "litmus." + program;
    }

    /** The plain-java run of a program (run once per test run, checked by the plain-java tests). */
    static ProcessRunner.Result plain(String program, String... args) {
        return PLAIN.computeIfAbsent(program + " " + String.join(" ", args),
                k -> Cluster.plain(Cluster.litmusClasses(), main(program), args));
    }

    static void assertRanSomethingRemotely(List<String> cmd, ProcessRunner.Result r) {
        assertTrue(r.stderr().contains(REMOTE_NOTE), () -> "no thread of the program ran in another process than main"
                + " (no '" + REMOTE_NOTE + "' on stderr), so the cluster was not exercised\n" + Cluster.explain(cmd, r));
    }

    static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\\R"));
    }

    // ------------------------------------------------------------------------------ plain java

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkingPrograms")
    @Timeout(60)
    void shouldPassUnderPlainJava(String program) {
        ProcessRunner.Result r = plain(program);
        r.assertSuccess();
        List<String> out = lines(r.stdout());
        assertEquals("OK", out.isEmpty() ? "" : out.get(out.size() - 1), r::describe);
        assertFalse(r.stderr().contains(REMOTE_NOTE), r::describe);
    }

    @Test
    @Timeout(60)
    void shouldExitWithStatusThreeUnderPlainJavaWhenAThreadCallsSystemExit() {
        ProcessRunner.Result r = plain("ExitFromThread");
        r.assertExitCode(3);
        assertEquals(List.of("calling System.exit(3)"), lines(r.stdout()), r::describe);
    }

    @Test
    @Timeout(60)
    void shouldPrintUncaughtExceptionsAndExitZeroUnderPlainJava() {
        ProcessRunner.Result r = plain("UncaughtInThread");
        r.assertSuccess();
        assertEquals(List.of("main finished after 2 threads died", "OK"), lines(r.stdout()), r::describe);
        for (int t = 0; t < 2; t++) {
            assertTrue(r.stderr().contains(uncaughtText(t)), r::describe);
        }
    }

    @Test
    @Timeout(60)
    void shouldFinishLongRunningProgramUnderPlainJava() {
        ProcessRunner.Result r = plain("LongRunning", "1");
        r.assertSuccess();
        assertEquals(List.of("started", "OK"), lines(r.stdout()), r::describe);
    }

    // ------------------------------------------------------------------------------ clusters

    @ParameterizedTest(name = "{0} on {1} nodes, run {2}")
    @MethodSource("checkingProgramsOnClusters")
    @Timeout(120)
    void shouldPassLitmusProgramOnCluster(String program, int nodes, int run) {
        ProcessRunner.Result base = plain(program);
        base.assertSuccess();
        List<String> cmd = Cluster.agentCommand(nodes, Cluster.litmusClasses(), main(program));
        ProcessRunner.Result r = Cluster.run(cmd);
        List<String> out = lines(r.stdout());
        String last = out.isEmpty() ? "(no output)" : out.get(out.size() - 1);
        String verdict = r.timedOut() ? "timed out after " + r.took().toMillis() + " ms (thread dumps below)"
                : out.stream().filter(l -> l.startsWith("FAIL")).findFirst().orElse("last line: " + last);
        assertTrue(!r.timedOut() && r.exitCode() == 0 && "OK".equals(last),
                () -> program + " failed on " + nodes + " nodes (exit " + r.exitCode() + ", " + verdict + ")\n"
                        + Cluster.explain(cmd, r));
        assertEquals(base.stdout(), r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        assertRanSomethingRemotely(cmd, r);
    }

    @Test
    @Timeout(120)
    void shouldReportEveryNodesViewOfAMonitorAThreadWaitsLongFor() {
        ProcessRunner.Result base = plain("LongHeldMonitor");
        List<String> cmd = Cluster.agentCommand(2, Cluster.litmusClasses(), main("LongHeldMonitor"));
        cmd.add(1, "-Dssi.lockWaitReportMs=300");
        ProcessRunner.Result r = Cluster.run(cmd);
        r.assertSuccess();
        assertEquals(base.stdout(), r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("waiter " + REMOTE_NOTE), () -> "the waiter ran on node 0\n"
                + Cluster.explain(cmd, r));
        // the waiter's node says how long and what it knows; main's node (the home) answers with its view
        assertTrue(r.stderr().contains("ssi-java: node 1: thread waiter has waited 300 ms to enter the monitor of "
                + "a java.lang.Object"), () -> "no report of the long wait\n" + Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("which a thread of node 1 has waited long to enter; here: token here"),
                () -> "no answer from the node that holds the token\n" + Cluster.explain(cmd, r));
    }

    @ParameterizedTest(name = "on {0} nodes, run {1}")
    @MethodSource("clusters")
    @Timeout(120)
    void shouldExitWithStatusOfSystemExitCalledOnAnotherNode(int nodes, int run) {
        List<String> cmd = Cluster.agentCommand(nodes, Cluster.litmusClasses(), main("ExitFromThread"));
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(3, r.exitCode(), () -> "System.exit(3) in a thread on another node\n" + Cluster.explain(cmd, r));
        assertEquals(List.of("calling System.exit(3)"), lines(r.stdout()), () -> Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("exiter " + REMOTE_NOTE),
                () -> "the exiting thread did not run on another node\n" + Cluster.explain(cmd, r));
        // main sleeps 30 s after the exiting thread: the job must end well before that.
        assertTrue(r.took().compareTo(Duration.ofSeconds(25)) < 0,
                () -> "the job took " + r.took().toMillis() + " ms to end after System.exit\n" + Cluster.explain(cmd, r));
    }

    @ParameterizedTest(name = "on {0} nodes, run {1}")
    @MethodSource("clusters")
    @Timeout(120)
    void shouldPrintUncaughtExceptionOfThreadOnAnotherNodeAndExitZero(int nodes, int run) {
        ProcessRunner.Result base = plain("UncaughtInThread");
        List<String> cmd = Cluster.agentCommand(nodes, Cluster.litmusClasses(), main("UncaughtInThread"));
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> "an uncaught exception in a thread must not change the exit status\n"
                + Cluster.explain(cmd, r));
        assertEquals(base.stdout(), r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        for (int t = 0; t < 2; t++) {
            String text = uncaughtText(t);
            assertTrue(r.stderr().contains(text), () -> "stderr lacks [" + text + "]\n" + Cluster.explain(cmd, r));
        }
        assertRanSomethingRemotely(cmd, r);
    }

    static String uncaughtText(int thread) {
        return "Exception in thread \"thrower-" + thread + "\" java.lang.IllegalStateException: boom from thrower-"
                + thread;
    }
}
