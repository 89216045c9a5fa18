package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssijava.launcher.LauncherOptions.Action;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class LauncherOptionsTest {

    private static LauncherOptions parse(String... args) throws UsageException {
        return LauncherOptions.parse(args);
    }

    private static UsageException rejected(String... args) {
        UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse(args));
        assertEquals(2, e.exitCode());
        assertTrue(e.showUsage(), "command-line mistakes come with the usage synopsis");
        return e;
    }

    @Test
    void shouldUseDefaultsForAPlainRun() throws UsageException {
        LauncherOptions o = parse("-cp", "app.jar", "com.example.Main");
        assertEquals(Action.RUN, o.action());
        assertEquals(1, o.nodes());
        assertFalse(o.stats());
        assertFalse(o.verbose());
        assertEquals(List.of(), o.jvmOptions());
        assertEquals(Optional.empty(), o.java());
        assertEquals(Optional.of("app.jar"), o.classPath());
        assertEquals(Optional.of("com.example.Main"), o.mainClass());
        assertFalse(o.jarMode());
        assertEquals(List.of(), o.programArgs());
        assertEquals("nodes=1", o.agentArgs());
    }

    @Test
    void shouldParseEveryOption() throws UsageException {
        LauncherOptions o = parse("--nodes", "3", "--stats", "--verbose", "--jvm-opt", "-Xmx1g", "--jvm-opt",
                "-Dx=a b", "--java", "/opt/jdk/bin/java", "-classpath", "a:b", "Main", "x");
        assertEquals(3, o.nodes());
        assertTrue(o.stats());
        assertTrue(o.verbose());
        assertEquals(List.of("-Xmx1g", "-Dx=a b"), o.jvmOptions());
        assertEquals(Optional.of("/opt/jdk/bin/java"), o.java());
        assertEquals(Optional.of("a:b"), o.classPath());
        assertEquals(List.of("x"), o.programArgs());
        assertEquals("nodes=3,stats,verbose", o.agentArgs());
    }

    @Test
    void shouldAcceptLongOptionsWithEquals() throws UsageException {
        LauncherOptions o = parse("--nodes=4", "--jvm-opt=-Xss2m", "--java=/j", "--class-path=cp", "Main");
        assertEquals(4, o.nodes());
        assertEquals(List.of("-Xss2m"), o.jvmOptions());
        assertEquals(Optional.of("/j"), o.java());
        assertEquals(Optional.of("cp"), o.classPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-cp", "-classpath", "--class-path"})
    void shouldAcceptEveryClassPathSpelling(String flag) throws UsageException {
        assertEquals(Optional.of("lib/*"), parse(flag, "lib/*", "Main").classPath());
    }

    @Test
    void shouldPassEverythingAfterMainToTheProgramUntouched() throws UsageException {
        LauncherOptions o = parse("--nodes", "2", "-cp", "cp", "Main", "--nodes", "9", "-jar", "x.jar", "--help",
                "", "a b", "--jvm-opt");
        assertEquals(2, o.nodes());
        assertEquals(List.of("--nodes", "9", "-jar", "x.jar", "--help", "", "a b", "--jvm-opt"), o.programArgs());
    }

    @Test
    void shouldRunAJarAndPassWhatFollowsIt() throws UsageException {
        LauncherOptions o = parse("--nodes", "2", "-jar", "app.jar", "-cp", "--stats");
        assertTrue(o.jarMode());
        assertEquals(Optional.of("app.jar"), o.jarFile());
        assertEquals(Optional.empty(), o.mainClass());
        assertEquals(List.of("-cp", "--stats"), o.programArgs());
    }

    @Test
    void shouldAllowOptionsAfterTheClassPath() throws UsageException {
        LauncherOptions o = parse("-cp", "cp", "--nodes", "5", "Main");
        assertEquals(5, o.nodes());
        assertEquals(Optional.of("Main"), o.mainClass());
    }

    @Test
    void shouldRunWithoutClassPathLikePlainJava() throws UsageException {
        LauncherOptions o = parse("Main", "a");
        assertEquals(Optional.empty(), o.classPath());
        assertEquals(Optional.of("Main"), o.mainClass());
    }

    @Test
    void shouldTakeTheLastValueOfARepeatedOption() throws UsageException {
        assertEquals(3, parse("--nodes", "2", "--nodes", "3", "Main").nodes());
    }

    @Test
    void shouldRecogniseHelpAndVersionBeforeMain() throws UsageException {
        assertEquals(Action.HELP, parse("--help").action());
        assertEquals(Action.HELP, parse("-h").action());
        assertEquals(Action.HELP, parse("--nodes", "2", "--help", "--bogus").action());
        assertEquals(Action.VERSION, parse("--version").action());
        assertEquals(Action.RUN, parse("Main", "--help").action());
    }

    @Test
    void shouldAcceptTheLargestCluster() throws UsageException {
        assertEquals(64, parse("--nodes", "64", "Main").nodes());
        assertEquals(1, parse("--nodes", "01", "Main").nodes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0     | --nodes must be from 1 to 64, not 0",
        "65    | --nodes must be from 1 to 64, not 65",
        "-1    | --nodes needs a whole number from 1 to 64, not '-1'",
        "+3    | not '+3'",
        "three | not 'three'",
        "2.5   | not '2.5'",
        "''    | not ''",
        "99999999999 | not '99999999999'",
    })
    void shouldRejectABadNodeCount(String value, String message) {
        String actual = rejected("--nodes", value, "Main").getMessage();
        assertTrue(actual.contains(message), actual);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--nodes", "--jvm-opt", "--java", "-cp", "-classpath", "--class-path", "-jar"})
    void shouldRejectAnOptionWithoutItsValue(String flag) {
        assertEquals("missing value for " + flag, rejected(flag).getMessage());
    }

    @Test
    void shouldRejectUnknownOptions() {
        assertEquals("unknown option '--nodez'", rejected("--nodez", "2", "Main").getMessage());
        assertEquals("unknown option '-v'", rejected("-v", "Main").getMessage());
        assertEquals("unknown option '--'", rejected("--", "Main").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-Xmx1g", "-Dfoo=bar", "-XX:+UseG1GC", "-ea", "--add-opens=java.base/java.lang=ALL-UNNAMED"})
    void shouldPointJvmFlagsToJvmOpt(String flag) {
        String message = rejected(flag, "-cp", "x", "Main").getMessage();
        assertTrue(message.contains("--jvm-opt " + flag), message);
    }

    @Test
    void shouldRejectValuesOnFlags() {
        assertEquals("--stats takes no value", rejected("--stats=yes", "Main").getMessage());
        assertEquals("--verbose takes no value", rejected("--verbose=1", "Main").getMessage());
    }

    @Test
    void shouldRejectAMissingMainClass() {
        assertTrue(rejected().getMessage().startsWith("no main class given"));
        assertTrue(rejected("-cp", "app.jar").getMessage().startsWith("no main class given"));
        assertTrue(rejected("--nodes", "3", "--stats").getMessage().startsWith("no main class given"));
    }

    @Test
    void shouldRejectJarTogetherWithClassPath() {
        assertTrue(rejected("-cp", "x", "-jar", "app.jar").getMessage().contains("cannot be used together"));
    }

    @Test
    void shouldRejectEmptyJavaOrJar() {
        assertEquals("empty value for --java", rejected("--java", "", "Main").getMessage());
        assertEquals("empty value for -jar", rejected("-jar", "").getMessage());
    }
}
