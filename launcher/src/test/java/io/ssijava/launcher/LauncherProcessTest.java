package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssijava.testsupport.Paths;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.ProcessTree;
import io.ssijava.testsupport.RunningProcess;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a process (from its classes directory), running test programs under a fake agent. */
@Timeout(120)
@ExtendWith(ProcessCleanupExtension.class)
class LauncherProcessTest {

    @TempDir
    Path tmp;
    private Path agent;

    @BeforeEach
    void makeAgent() throws Exception {
        agent = TestJars.fakeAgentJar(tmp);
    }

    private ProcessRunner launcher(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Paths.javaExecutable().toString(),
                "-Dssi.agent.jar=" + agent, "-cp", launcherClasses(), Main.class.getName()));
        cmd.addAll(List.of(args));
        return ProcessRunner.of(cmd).timeout(Duration.ofSeconds(60));
    }

    private static String launcherClasses() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldRunTheProgramUnderTheAgentWithArgumentsUntouched() {
        ProcessRunner.Result r = launcher("--nodes", "3", "--stats", "--jvm-opt", "-Dlauncher.test.prop=a b",
                "-cp", TestJars.testClasses().toString(), EchoProgram.class.getName(),
                "x y", "", "--nodes", "7", "-jar").run();
        r.assertSuccess();
        assertEquals("ARGS [x y, , --nodes, 7, -jar]\nPROP a b\n", r.stdout());
        // the launcher names the job, to find its checkpoints if a node dies
        assertEquals("AGENT nodes=3,stats,job=ID\n", r.stderr().replaceAll("job=[0-9a-f]{8}", "job=ID"));
    }

    @Test
    void shouldExitWithTheProgramsStatus() {
        ProcessRunner.Result r = launcher("--jvm-opt", "-Dlauncher.test.exit=5", "-cp",
                TestJars.testClasses().toString(), EchoProgram.class.getName()).run();
        assertEquals(5, r.exitCode(), r.describe());
    }

    @Test
    void shouldRunAJar() throws Exception {
        Path app = TestJars.echoAppJar(tmp);
        ProcessRunner.Result r = launcher("--nodes", "2", "--verbose", "-jar", app.toString(), "p q").run();
        r.assertSuccess();
        assertEquals("ARGS [p q]\nPROP null\n", r.stdout());
        assertTrue(r.stderr().contains("AGENT nodes=2,verbose"), r.stderr());
        assertTrue(r.stderr().contains("ssi-java: starting node 0: "), r.stderr());
        assertTrue(r.stderr().contains(" -jar " + app + " 'p q'"), r.stderr());
    }

    @Test
    void shouldTerminateNodeZeroAndItsDescendantsWhenStopped() {
        try (RunningProcess p = launcher("-cp", TestJars.testClasses().toString(), TreeProgram.class.getName())
                .start()) {
            String out = p.awaitStdout("ready ", Duration.ofSeconds(60));
            long worker = Long.parseLong(out.substring(out.indexOf("ready ") + 6).trim());
            List<ProcessHandle> nodes = p.liveDescendants();
            assertEquals(2, nodes.size(), "node 0 and its worker: " + nodes);

            // What Ctrl-C does to the launcher (SIGINT may be ignored in background test runs;
            // TERM takes the same shutdown-hook path).
            p.signal("TERM");
            ProcessRunner.Result r = p.await();
            assertEquals(143, r.exitCode(), r.describe());
            assertFalse(r.timedOut());
            assertTrue(ProcessTree.awaitGone(nodes, Duration.ofSeconds(10)), "a node outlived the launcher");
            assertFalse(ProcessTree.isAlive(worker));
        }
    }

    @Test
    void shouldRestoreAJobWithItsRecordedCommandLine() throws Exception {
        Path jobDir = Files.createDirectories(tmp.resolve("ck/node-0/job-1f2e"));
        Files.createFile(Files.createDirectory(jobDir.resolve("ckpt-00000004")).resolve("commit"));
        Properties p = new Properties();
        Map.ofEntries(Map.entry("format", "1"), Map.entry("job.id", "9c41d0aa"), Map.entry("job.number", "1f2e"),
                Map.entry("nodes", "3"), Map.entry("java", Paths.javaExecutable().toString()),
                Map.entry("jvm.args", "1"), Map.entry("jvm.arg.0", "-Dlauncher.test.prop=p q"),
                Map.entry("classpath", TestJars.testClasses().toString()), Map.entry("mode", "CLASS"),
                Map.entry("target", EchoProgram.class.getName()), Map.entry("args", "2"), Map.entry("arg.0", "x y"),
                Map.entry("arg.1", "--nodes"), Map.entry("checkpoint.dir", tmp.resolve("ck").toString()),
                Map.entry("checkpoint.every", "0"), Map.entry("mirror.every", "4"), Map.entry("stable.every", "4"),
                Map.entry("scheme", "B")).forEach(p::setProperty);
        try (OutputStream o = Files.newOutputStream(jobDir.resolve("job.properties"))) {
            p.store(o, null);
        }
        ProcessRunner.Result r = launcher("restore", "--nodes", "2", jobDir + "/").run();
        r.assertSuccess();
        assertEquals("ARGS [x y, --nodes]\nPROP p q\n", r.stdout());
        assertEquals("ssi-java: restoring job 9c41d0aa from checkpoint newest (taken on 3 nodes) on 2 nodes\n"
                + "AGENT nodes=2,checkpoint-dir=" + tmp.resolve("ck") + ",restore=1f2e:0,job=ID\n",
                r.stderr().replaceAll("job=[0-9a-f]{8}", "job=ID"));
    }

    @Test
    void shouldExitTwoForAMissingAgentJar() {
        ProcessRunner.Result r = ProcessRunner.of(Paths.javaExecutable().toString(),
                "-Dssi.agent.jar=" + tmp.resolve("none.jar"), "-cp", launcherClasses(), Main.class.getName(),
                "-cp", ".", "Main").run();
        assertEquals(2, r.exitCode(), r.describe());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().startsWith("ssi-java: "), r.stderr());
    }
}
