package io.ssijava.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PathsTest {

    @Test
    void shouldFindTheRepoRootAboveTheModule() {
        Path root = Paths.repoRoot();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")), root.toString());
        assertTrue(Files.isRegularFile(root.resolve("ssi-java")), root.toString());
        assertTrue(Files.isDirectory(root.resolve("test-support")), root.toString());
    }

    @Test
    void shouldPointAtTheBuiltArtifacts() {
        Path root = Paths.repoRoot();
        assertEquals(root.resolve("agent/target/ssi-agent.jar"), Paths.agentJar());
        assertEquals(root.resolve("launcher/target/ssi-launcher.jar"), Paths.launcherJar());
        assertEquals(root.resolve("samples/target/classes"), Paths.samplesClasses());
        assertEquals(root.resolve("ssi-java"), Paths.ssiJavaScript());
    }

    @Test
    void shouldUseTheRunningJava() {
        Path java = Paths.javaExecutable();
        assertTrue(Files.isExecutable(java), java.toString());
        assertTrue(java.startsWith(Path.of(System.getProperty("java.home"))));
    }

    @Test
    void shouldExplainAMissingArtifact() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Paths.requireFile(Paths.repoRoot().resolve("no/such/file.jar")));
        assertTrue(e.getMessage().contains("mvn -B -q -DskipTests install"), e.getMessage());
    }
}
