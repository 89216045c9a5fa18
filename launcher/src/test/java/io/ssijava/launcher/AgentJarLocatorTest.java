package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class AgentJarLocatorTest {

    @TempDir
    Path tmp;
    private Path launcherJar;
    private Path buildTreeAgent;

    @BeforeEach
    void layOutABuildTree() throws IOException {
        Files.createDirectories(tmp.resolve("launcher/target/classes"));
        launcherJar = Files.createFile(tmp.resolve("launcher/target/ssi-launcher.jar"));
        Files.createDirectories(tmp.resolve("agent/target"));
        buildTreeAgent = tmp.resolve("agent/target/ssi-agent.jar");
    }

    private static Function<String, String> none() {
        return key -> null;
    }

    private static Function<String, String> map(String key, String value) {
        return Map.of(key, value)::get;
    }

    @Test
    void shouldPreferTheSystemProperty() throws Exception {
        Path byProperty = Files.createFile(tmp.resolve("p.jar"));
        Path byEnv = Files.createFile(tmp.resolve("e.jar"));
        Files.createFile(buildTreeAgent);
        assertEquals(byProperty, AgentJarLocator.locate(map("ssi.agent.jar", byProperty.toString()),
                map("SSI_AGENT_JAR", byEnv.toString()), Optional.of(launcherJar)));
    }

    @Test
    void shouldUseTheEnvironmentNext() throws Exception {
        Path byEnv = Files.createFile(tmp.resolve("e.jar"));
        Files.createFile(buildTreeAgent);
        assertEquals(byEnv, AgentJarLocator.locate(none(), map("SSI_AGENT_JAR", byEnv.toString()),
                Optional.of(launcherJar)));
    }

    @Test
    void shouldFindTheAgentInTheBuildTreeFromTheLauncherJar() throws Exception {
        Files.createFile(buildTreeAgent);
        assertEquals(buildTreeAgent, AgentJarLocator.locate(none(), none(), Optional.of(launcherJar)));
    }

    @Test
    void shouldFindTheAgentInTheBuildTreeFromTheClassesDirectory() throws Exception {
        Files.createFile(buildTreeAgent);
        assertEquals(buildTreeAgent, AgentJarLocator.locate(none(), none(),
                Optional.of(tmp.resolve("launcher/target/classes"))));
    }

    @Test
    void shouldFindTheAgentNextToTheLauncherJar() throws Exception {
        Path sibling = Files.createFile(tmp.resolve("launcher/target/ssi-agent.jar"));
        assertEquals(sibling, AgentJarLocator.locate(none(), none(), Optional.of(launcherJar)));
    }

    @Test
    void shouldExplainWhereItLookedWhenTheJarIsMissing() {
        UsageException e = assertThrows(UsageException.class,
                () -> AgentJarLocator.locate(none(), none(), Optional.of(launcherJar)));
        assertEquals(2, e.exitCode());
        assertFalse(e.showUsage());
        assertTrue(e.getMessage().contains(buildTreeAgent.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("SSI_AGENT_JAR") && e.getMessage().contains("-Dssi.agent.jar"),
                e.getMessage());
        assertTrue(e.getMessage().contains("mvn -B -q -DskipTests install"), e.getMessage());
    }

    @Test
    void shouldNotFallBackWhenAnExplicitJarIsMissing() throws IOException {
        Files.createFile(buildTreeAgent);
        UsageException e = assertThrows(UsageException.class, () -> AgentJarLocator.locate(none(),
                map("SSI_AGENT_JAR", tmp.resolve("nope.jar").toString()), Optional.of(launcherJar)));
        assertTrue(e.getMessage().contains("given by SSI_AGENT_JAR does not exist"), e.getMessage());
        UsageException p = assertThrows(UsageException.class, () -> AgentJarLocator.locate(
                map("ssi.agent.jar", "nope.jar"), none(), Optional.of(launcherJar)));
        assertTrue(p.getMessage().contains("given by -Dssi.agent.jar does not exist"), p.getMessage());
    }

    @Test
    void shouldRejectAnAgentPathWithEquals() throws IOException {
        Path odd = Files.createFile(tmp.resolve("a=b.jar"));
        UsageException e = assertThrows(UsageException.class,
                () -> AgentJarLocator.locate(map("ssi.agent.jar", odd.toString()), none(), Optional.empty()));
        assertTrue(e.getMessage().contains("must not contain '='"), e.getMessage());
    }
}
