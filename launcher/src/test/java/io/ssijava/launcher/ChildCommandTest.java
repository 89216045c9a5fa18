package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChildCommandTest {

    private static final Path AGENT = Path.of("/opt/ssi/ssi-agent.jar");

    @Test
    void shouldBuildTheNodeZeroCommandInClassMode() throws UsageException {
        LauncherOptions o = LauncherOptions.parse("--nodes", "3", "--stats", "--jvm-opt", "-Xmx1g", "-cp", "app.jar",
                "com.example.Main", "a b", "");
        assertEquals(List.of("/j/java", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                        "-javaagent:/opt/ssi/ssi-agent.jar=nodes=3,stats", "-cp", "app.jar", "com.example.Main",
                        "a b", ""),
                ChildCommand.build(o, "/j/java", AGENT));
    }

    @Test
    void shouldBuildTheNodeZeroCommandInJarMode() throws UsageException {
        LauncherOptions o = LauncherOptions.parse("--verbose", "-jar", "app.jar", "x");
        assertEquals(List.of("java", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                        "-javaagent:/opt/ssi/ssi-agent.jar=nodes=1,verbose", "-jar", "app.jar", "x"),
                ChildCommand.build(o, "java", AGENT));
    }

    @Test
    void shouldLeaveOutTheClassPathWhenNoneWasGiven() throws UsageException {
        LauncherOptions o = LauncherOptions.parse("Main");
        assertEquals(List.of("java", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-javaagent:/opt/ssi/ssi-agent.jar=nodes=1", "Main"), ChildCommand.build(o, "java", AGENT));
    }

    @Test
    void shouldQuoteForTheShellOnlyWhereNeeded() {
        assertEquals("java -cp a.jar:b/c Main 'a b' '' 'it'\\''s' '$HOME'",
                ChildCommand.toShellString(List.of("java", "-cp", "a.jar:b/c", "Main", "a b", "", "it's", "$HOME")));
    }
}
