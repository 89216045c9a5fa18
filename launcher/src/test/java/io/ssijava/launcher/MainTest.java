package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Main#run} in-process, for every path that starts no child. */
@Timeout(10)
class MainTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> properties, Map<String, String> env, String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), properties::get, env::get);
    }

    private int run(String... args) {
        // An agent jar that does not exist keeps any accidental run from starting a JVM.
        return run(Map.of("ssi.agent.jar", tmp.resolve("missing.jar").toString()), Map.of(), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void shouldPrintHelpDocumentingEveryFlagAndMode(String flag) {
        assertEquals(0, run(flag));
        String help = out();
        for (String word : List.of("--nodes", "--stats", "--verbose", "--jvm-opt", "--java", "-cp", "-classpath",
                "--class-path", "-jar", "--help", "--version",
                "--checkpoint-every D", "--checkpoint-dir DIR", "--stable-dir DIR", "--mirror-every M",
                "--stable-every N", "--scheme A|B", "default 4", "ssi-java-checkpoints in the temporary directory",
                "ssi-java checkpoint ", "ssi-java checkpoints ", "| checkpoint | checkpoints",
                "checkpoint-every=MILLISECONDS, checkpoint-dir=DIR, stable-dir=DIR,",
                "-javaagent:ssi-agent.jar=nodes=3 -cp app.jar",
                "-javaagent:ssi-agent.jar=node=1,nodes=3,peers=", "SSI_AGENT_JAR", "Exit status")) {
            assertTrue(help.contains(word), "help does not mention " + word + ":\n" + help);
        }
        assertEquals("", err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"checkpoint", "checkpoints"})
    void shouldDescribeTheCheckpointCommandsInTheControlHelp(String command) {
        assertEquals(0, run(command, "--help"));
        assertTrue(out().contains("ssi-java checkpoint           take a checkpoint now"), out());
        assertTrue(out().contains("ssi-java checkpoints          the job's committed checkpoints"), out());
        assertEquals("", err());
    }

    @Test
    void shouldPrintTheVersion() {
        assertEquals(0, run("--version"));
        assertTrue(out().matches("ssi-java \\S+\\R"), out());
        assertEquals("", err());
    }

    @Test
    void shouldPrintTheProjectVersionFromTheFilteredResource() {
        assertEquals("0.1.0-SNAPSHOT", HelpText.version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "--bogus", "--nodes", "--nodes 0 Main", "--nodes 65 Main", "--nodes x Main",
        "-cp", "-cp app.jar", "-cp x -jar y.jar", "--stats=1 Main", "-Xmx1g Main", "--checkpoint-every 0 Main",
        "--checkpoint-every=5d Main", "--stable-every 2 Main", "--scheme C Main", "--mirror-every 0 Main",
        "--checkpoint-dir /a,b Main"})
    void shouldExitTwoWithUsageOnStderrForBadInput(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertEquals(2, run(args));
        assertEquals("", out(), "stdout belongs to the program");
        assertTrue(err().startsWith("ssi-java: "), err());
        assertTrue(err().contains("usage: ssi-java"), err());
        assertTrue(err().contains("ssi-java --help"), err());
    }

    @Test
    void shouldExitTwoWhenTheAgentJarIsMissing() {
        assertEquals(2, run(Map.of(), Map.of("SSI_AGENT_JAR", tmp.resolve("gone.jar").toString()),
                "-cp", "x", "Main"));
        assertTrue(err().startsWith("ssi-java: the ssi agent jar given by SSI_AGENT_JAR does not exist"), err());
        assertTrue(!err().contains("usage:"), "not a command-line mistake: " + err());
        assertEquals("", out());
    }

    @Test
    void shouldExitTwoWhenJavaCannotBeStarted() throws Exception {
        Path agent = TestJars.fakeAgentJar(tmp);
        assertEquals(2, run(Map.of("ssi.agent.jar", agent.toString()), Map.of(),
                "--java", tmp.resolve("no-java").toString(), "-cp", "x", "Main"));
        assertTrue(err().startsWith("ssi-java: cannot start '" + tmp.resolve("no-java") + "'"), err());
    }
}
