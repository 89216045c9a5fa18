package io.ssijava.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JvmCommandLineTest {

    private static final String JAVA = "/opt/jdk/bin/java";
    private static final Path AGENT = Path.of("/opt/ssi/ssi-agent.jar");

    @Test
    void shouldRecoverArgumentsWithSpacesAndEmptyOnesFromArgv() {
        List<String> argv = List.of("-Xmx1g", "-javaagent:/opt/ssi/ssi-agent.jar=nodes=2", "-cp", "app.jar",
                "com.example.Main", "a b", "", "c");
        JvmCommandLine c = JvmCommandLine.resolve(JAVA, List.of("-Xmx1g", "-javaagent:/opt/ssi/ssi-agent.jar=nodes=2"),
                "app.jar", "com.example.Main a b  c", argv, false);
        assertEquals(JvmCommandLine.Mode.CLASS, c.mode());
        assertEquals("com.example.Main", c.target());
        assertEquals(List.of("a b", "", "c"), c.programArgs());
        assertTrue(c.isExact());
        assertEquals(List.of(JAVA, "-Xmx1g", "-javaagent:/opt/ssi/ssi-agent.jar=nodes=2", "-cp", "app.jar",
                "com.example.Main", "a b", "", "c"), c.toCommand());
    }

    @Test
    void shouldNotMistakeAFlagValueForTheMainClass() {
        List<String> argv = List.of("-Dname=Main", "-cp", ".", "Main", "Main");
        JvmCommandLine c = JvmCommandLine.resolve(JAVA, List.of("-Dname=Main"), ".", "Main Main", argv, false);
        assertEquals("Main", c.target());
        assertEquals(List.of("Main"), c.programArgs());
    }

    @Test
    void shouldReproduceJarMode() {
        List<String> argv = List.of("-jar", "build/app.jar", "x", "y z");
        JvmCommandLine c = JvmCommandLine.resolve(JAVA, List.of(), "build/app.jar", "build/app.jar x y z", argv, false);
        assertEquals(JvmCommandLine.Mode.JAR, c.mode());
        assertEquals(List.of(JAVA, "-jar", "build/app.jar", "x", "y z"), c.toCommand());
    }

    @Test
    void shouldReproduceModuleMode() {
        List<String> argv = List.of("-p", "mods", "-m", "app/com.example.Main", "x");
        JvmCommandLine c = JvmCommandLine.resolve(JAVA, List.of("--module-path=mods", "-Djdk.module.main=app"), "",
                "app/com.example.Main x", argv, true);
        assertEquals(JvmCommandLine.Mode.MODULE, c.mode());
        assertEquals(List.of(JAVA, "--module-path=mods", "-Djdk.module.main=app", "-m", "app/com.example.Main", "x"),
                c.toCommand());
    }

    @Test
    void shouldUnderstandModuleEqualsForm() {
        List<String> argv = List.of("--module=app/com.example.Main", "x y");
        JvmCommandLine c = JvmCommandLine.resolve(JAVA, List.of(), "", "app/com.example.Main x y", argv, true);
        assertEquals("app/com.example.Main", c.target());
        assertEquals(List.of("x y"), c.programArgs());
        assertTrue(c.isExact());
    }

    @Test
    void shouldFallBackToSplittingWhenArgvIsUnknown() {
        JvmCommandLine c = JvmCommandLine.resolve(JAVA, List.of(), "app.jar", "app.jar x y", null, false);
        assertEquals(JvmCommandLine.Mode.JAR, c.mode());
        assertEquals(List.of("x", "y"), c.programArgs());
        assertFalse(c.isExact());
        JvmCommandLine d = JvmCommandLine.resolve(JAVA, List.of(), "classes", "Main", List.of("@argfile"), false);
        assertEquals(JvmCommandLine.Mode.CLASS, d.mode());
        assertEquals("Main", d.target());
        assertEquals(List.of(), d.programArgs());
    }

    @Test
    void shouldRefuseAJvmWithoutJavaCommand() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JvmCommandLine.resolve(JAVA, List.of(), "", null, null, false));
        assertTrue(e.getMessage().contains("sun.java.command"), e.getMessage());
    }

    @Test
    void shouldReplaceOnlyTheSsiAgentFlagAndKeepAllOthers() {
        List<String> flags = List.of("-Xss2m", "-javaagent:/other/jacoco.jar=destfile=x",
                "-javaagent:../ssi/ssi-agent.jar=nodes=3,stats", "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Da=b=c");
        JvmCommandLine c = new JvmCommandLine(JAVA, flags, "cp", JvmCommandLine.Mode.CLASS, "Main", List.of(), true)
                .withAgent(AGENT, "nodes=3,node=1,job=j");
        assertEquals(List.of("-Xss2m", "-javaagent:/other/jacoco.jar=destfile=x",
                "-javaagent:../ssi/ssi-agent.jar=nodes=3,node=1,job=j",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Da=b=c"), c.jvmArgs());
    }

    @Test
    void shouldRecogniseTheAgentJarByPathEvenWhenRenamed() {
        assertTrue(JvmCommandLine.isSsiAgentFlag("-javaagent:/opt/ssi/ssi-agent.jar", AGENT));
        assertTrue(JvmCommandLine.isSsiAgentFlag("-javaagent:/opt/ssi/../ssi/ssi-agent.jar=x", AGENT));
        assertTrue(JvmCommandLine.isSsiAgentFlag("-javaagent:/tmp/renamed.jar=x", Path.of("/tmp/renamed.jar")));
        assertTrue(JvmCommandLine.isSsiAgentFlag("-javaagent:ssi-agent-0.1.0.jar", AGENT));
        assertFalse(JvmCommandLine.isSsiAgentFlag("-javaagent:/opt/other.jar=nodes=2", AGENT));
        assertFalse(JvmCommandLine.isSsiAgentFlag("-agentlib:jdwp=transport=dt_socket", AGENT));
    }

    @Test
    void shouldAppendTheAgentFlagWhenMissing() {
        JvmCommandLine c = new JvmCommandLine(JAVA, List.of("-Xmx1g"), "", JvmCommandLine.Mode.CLASS, "Main",
                List.of("a"), true).withAgent(AGENT, "nodes=2,node=1,job=j");
        assertEquals(List.of(JAVA, "-Xmx1g", "-javaagent:" + AGENT + "=nodes=2,node=1,job=j", "Main", "a"),
                c.toCommand());
    }

    @Test
    void shouldDescribeThisJvm() {
        JvmCommandLine self = JvmCommandLine.current();
        assertFalse(self.javaExecutable().isEmpty());
        assertFalse(self.target().isEmpty());
    }
}
