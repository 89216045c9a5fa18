package io.ssijava.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
@ExtendWith(ProcessCleanupExtension.class)
class ProcessRunnerTest {

    private static String classpath() {
        try {
            return Path.of(TestProgram.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProcessRunner program(String... args) {
        return ProcessRunner.of(PlainJava.command(classpath(), TestProgram.class.getName(), args));
    }

    private static long childPid(String stdout) {
        return stdout.lines().filter(l -> l.startsWith("child ")).map(l -> Long.parseLong(l.substring(6).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no child pid in:\n" + stdout));
    }

    @Test
    void shouldCaptureBigOutputOnBothStreamsWithoutDeadlock() {
        int bytes = 8 * 1024 * 1024;
        ProcessRunner.Result r = program("chatty", Integer.toString(bytes)).timeout(Duration.ofSeconds(60)).run();
        r.assertSuccess();
        long lines = (bytes + 99) / 100;
        assertEquals(lines * 100, r.stdout().length());
        assertEquals(lines * 100, r.stderr().length());
        assertEquals(lines, r.stdoutLines().size());
        assertTrue(r.stdoutLines().stream().allMatch(l -> l.equals("x".repeat(99))));
    }

    @Test
    void shouldReportExitCodeAndStderr() {
        ProcessRunner.Result r = program("exit", "3", "oops").run();
        assertEquals(3, r.exitCode());
        assertEquals("oops", r.stderr().strip());
        assertFalse(r.timedOut());
        assertFalse(r.succeeded());
        r.assertExitCode(3);
        AssertionError e = assertThrows(AssertionError.class, r::assertSuccess);
        assertTrue(e.getMessage().contains("exited with 3") && e.getMessage().contains("oops"), e.getMessage());
    }

    @Test
    void shouldKillTheProcessAndItsDescendantsOnTimeout() {
        ProcessRunner.Result r = program("spawn-and-sleep").timeout(Duration.ofSeconds(4)).run();
        assertTrue(r.timedOut(), r.describe());
        assertTrue(r.took().compareTo(Duration.ofSeconds(4)) >= 0, r.describe());
        assertTrue(r.took().compareTo(Duration.ofSeconds(30)) < 0, r.describe());
        assertEquals(137, r.exitCode(), r.describe());
        long child = childPid(r.stdout());
        assertFalse(ProcessTree.isAlive(child), "descendant " + child + " survived the timeout");
        // Both JVMs were asked for a thread dump before being killed; it lands on their stdout.
        assertTrue(r.stdout().contains("Full thread dump"), r.describe());
        AssertionError e = assertThrows(AssertionError.class, r::assertSuccess);
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }

    @Test
    void shouldKillOrphanedDescendantsAfterTheProcessExits() {
        ProcessRunner.Result r = program("spawn-and-exit").descendantGrace(Duration.ofMillis(300)).run();
        r.assertSuccess();
        long child = childPid(r.stdout());
        assertFalse(ProcessTree.isAlive(child), "orphan " + child + " was left running");
    }

    @Test
    void shouldFeedStdin() {
        ProcessRunner.Result r = program("echo-stdin").stdin("hello\nwörld\n").run();
        r.assertSuccess();
        assertEquals("hello\nwörld\n", r.stdout());
    }

    @Test
    void shouldUseWorkingDirectoryAndEnvironment(@TempDir Path dir) throws Exception {
        ProcessRunner.Result r = ProcessRunner.of("sh", "-c", "pwd -P; echo \"$SSI_X\"; echo \"${HOME:-unset}\"")
                .directory(dir).env("SSI_X", "a b").removeEnv("HOME").run();
        r.assertSuccess();
        assertEquals(List.of(dir.toRealPath().toString(), "a b", "unset"), r.stdoutLines());
    }

    @Test
    void shouldWaitForOutputThenDeliverSignals() {
        try (RunningProcess p = program("ready-then-sleep").start()) {
            p.awaitStdout("ready", Duration.ofSeconds(30));
            assertTrue(p.isAlive());
            p.signal("TERM");
            ProcessRunner.Result r = p.await();
            assertEquals(143, r.exitCode(), r.describe());
            assertTrue(r.stdout().contains("bye"), r.describe());
            assertFalse(r.timedOut());
        }
    }

    @Test
    void shouldFailWaitingForOutputThatNeverComes() {
        try (RunningProcess p = program("exit", "0", "nothing on stdout").start()) {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> p.awaitStdout("never", Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("before the process ended"), e.getMessage());
            assertTrue(e.getMessage().contains("nothing on stdout"), e.getMessage());
        }
    }

    @Test
    void shouldKillProcessesTheTestForgotToClose() {
        RunningProcess p = program("spawn-and-sleep").start();
        long child = childPid(p.awaitStdout("child ", Duration.ofSeconds(30)));
        ProcessTree.sleepQuietly(300);
        RunningProcess.closeAll();
        assertFalse(p.isAlive());
        assertFalse(ProcessTree.isAlive(child));
        assertEquals(0, RunningProcess.openCount());
    }

    @Test
    void shouldRunWithTheStaticShortcut(@TempDir Path dir) {
        ProcessRunner.Result r = ProcessRunner.run(List.of("sh", "-c", "echo hi; echo err >&2; exit 4"), dir,
                Duration.ofSeconds(30));
        assertEquals(4, r.exitCode());
        assertEquals("hi\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void shouldReportACommandThatCannotStart() {
        assertThrows(java.io.UncheckedIOException.class, () -> ProcessRunner.of("/no/such/program").run());
    }

    @Test
    void shouldRunPlainJava() {
        ProcessRunner.Result r = PlainJava.run(classpath(), TestProgram.class.getName(), "echo-args", "a b", "", "c");
        r.assertSuccess();
        assertEquals("[a b, , c]\n", r.stdout());
    }
}
