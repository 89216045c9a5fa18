package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssijava.launcher.LauncherOptions.Action;
import io.ssijava.launcher.LauncherOptions.Checkpoints;
import java.nio.file.Path;
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
        assertEquals(Checkpoints.DEFAULT, o.checkpoints());
        assertEquals("nodes=1", o.agentArgs());
    }

    @Test
    void shouldDefaultToCheckpointsOnlyWhenAskedWithTheAgentsDirectoriesAndSchedule() throws UsageException {
        Checkpoints c = parse("--nodes", "2", "Main").checkpoints();
        assertEquals(0, c.everyMillis());
        assertEquals(Optional.empty(), c.dir());
        assertEquals(Optional.empty(), c.stableDir());
        // Schedule.DEFAULT of the checkpoint module: Scheme B, 4 x 4
        assertEquals(4, c.mirrorEvery());
        assertEquals(4, c.stableEvery());
        assertEquals("B", c.scheme());
        assertEquals("nodes=2", parse("--nodes", "2", "Main").agentArgs());
    }

    @Test
    void shouldParseEveryCheckpointFlagIntoAgentOptions() throws UsageException {
        LauncherOptions o = parse("--nodes", "3", "--checkpoint-every", "30s", "--checkpoint-dir", "/data/ck",
                "--stable-dir", "/nfs/stable", "--mirror-every", "2", "--stable-every", "8", "--scheme", "a",
                "-cp", "app.jar", "Main");
        Checkpoints c = o.checkpoints();
        assertEquals(30_000, c.everyMillis());
        assertEquals(Optional.of(Path.of("/data/ck")), c.dir());
        assertEquals(Optional.of(Path.of("/nfs/stable")), c.stableDir());
        assertEquals(2, c.mirrorEvery());
        assertEquals(8, c.stableEvery());
        assertEquals("A", c.scheme());
        assertEquals("nodes=3,checkpoint-every=30000,checkpoint-dir=/data/ck,stable-dir=/nfs/stable,"
                + "mirror-every=2,stable-every=8,scheme=A", o.agentArgs());
    }

    @Test
    void shouldAcceptCheckpointFlagsWithEquals() throws UsageException {
        LauncherOptions o = parse("--checkpoint-every=2m", "--checkpoint-dir=/c", "--stable-dir=/s",
                "--mirror-every=3", "--stable-every=5", "--scheme=B", "Main");
        assertEquals(new Checkpoints(120_000, Optional.of(Path.of("/c")), Optional.of(Path.of("/s")), 3, 5, "B"),
                o.checkpoints());
        assertEquals("nodes=1,checkpoint-every=120000,checkpoint-dir=/c,stable-dir=/s,mirror-every=3,"
                + "stable-every=5", o.agentArgs());
    }

    @Test
    void shouldLeaveDefaultCheckpointValuesOutOfTheAgentOptions() throws UsageException {
        assertEquals("nodes=2,stable-dir=/s", parse("--nodes", "2", "--stable-dir", "/s", "--mirror-every", "4",
                "--stable-every", "4", "--scheme", "b", "Main").agentArgs());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "30s   | 30000",
        "500ms | 500",
        "2m    | 120000",
        "2min  | 120000",
        "1h    | 3600000",
        "45    | 45000",
        "10S   | 10000",
        "1ms   | 1",
    })
    void shouldReadCheckpointPeriodsAsTheAgentDoes(String value, long millis) throws UsageException {
        assertEquals(millis, parse("--checkpoint-every", value, "Main").checkpoints().everyMillis());
    }

    @Test
    void shouldMakeCheckpointDirectoriesAbsolute() throws UsageException {
        Checkpoints c = parse("--checkpoint-dir", "ck/./local", "--stable-dir", "../stable", "Main").checkpoints();
        assertEquals(Path.of("ck/local").toAbsolutePath(), c.dir().orElseThrow());
        assertEquals(Path.of("../stable").toAbsolutePath().normalize(), c.stableDir().orElseThrow());
        assertTrue(parse("--checkpoint-dir", "ck", "Main").agentArgs()
                .endsWith(",checkpoint-dir=" + Path.of("ck").toAbsolutePath()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--checkpoint-every | 0s    | --checkpoint-every must be more than 0, not '0s'",
        "--checkpoint-every | 0     | --checkpoint-every must be more than 0, not '0'",
        "--checkpoint-every | soon  | --checkpoint-every needs a duration such as 30s, 500ms or 2m, not 'soon'",
        "--checkpoint-every | -5s   | --checkpoint-every needs a duration such as 30s, 500ms or 2m, not '-5s'",
        "--checkpoint-every | 1.5s  | --checkpoint-every needs a duration such as 30s, 500ms or 2m, not '1.5s'",
        "--checkpoint-every | ''    | --checkpoint-every needs a duration such as 30s, 500ms or 2m, not ''",
        "--checkpoint-every | 5d    | --checkpoint-every: unknown unit 'd' in '5d' (ms, s, m or h; a bare number "
            + "is seconds)",
        "--mirror-every     | 0     | --mirror-every must be at least 1, not 0",
        "--mirror-every     | -1    | --mirror-every needs a whole number of at least 1, not '-1'",
        "--mirror-every     | two   | --mirror-every needs a whole number of at least 1, not 'two'",
        "--mirror-every     | 9999999999 | --mirror-every needs a whole number of at least 1, not '9999999999'",
        "--scheme           | C     | --scheme must be A or B, not 'C'",
        "--scheme           | ''    | --scheme must be A or B, not ''",
        "--checkpoint-dir   | ''    | empty value for --checkpoint-dir",
        "--stable-dir       | ''    | empty value for --stable-dir",
    })
    void shouldRejectABadCheckpointValue(String flag, String value, String message) {
        assertEquals(message, rejected(flag, value, "Main").getMessage());
    }

    @Test
    void shouldRejectABadStablePeriod() {
        assertEquals("--stable-every must be at least 1, not 0",
                rejected("--stable-dir", "/s", "--stable-every", "0", "Main").getMessage());
        assertEquals("--stable-every needs a whole number of at least 1, not 'x'",
                rejected("--stable-dir", "/s", "--stable-every", "x", "Main").getMessage());
    }

    @Test
    void shouldRejectAStablePeriodWithoutAStableDirectory() throws UsageException {
        assertEquals("--stable-every needs --stable-dir", rejected("--stable-every", "2", "Main").getMessage());
        assertEquals("--stable-every needs --stable-dir",
                rejected("--stable-every", "2", "-jar", "a.jar").getMessage());
        // the flags may come in any order
        assertEquals(2, parse("--stable-every", "2", "--stable-dir", "/s", "Main").checkpoints().stableEvery());
    }

    @Test
    void shouldRejectATooLongStablePeriod() {
        assertEquals("--mirror-every times --stable-every is too large: 100000 x 100000", rejected("--stable-dir",
                "/s", "--mirror-every", "100000", "--stable-every", "100000", "Main").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--checkpoint-dir", "--stable-dir"})
    void shouldRejectADirectoryWithACommaForTheAgentOptionsAreCommaSeparated(String flag) {
        String message = rejected(flag, "/data/a,b", "Main").getMessage();
        assertEquals(flag + ": the path /data/a,b holds a ',', which the agent's comma-separated options cannot "
                + "carry; choose a directory without one", message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--checkpoint-every", "--checkpoint-dir", "--stable-dir", "--mirror-every",
        "--stable-every", "--scheme"})
    void shouldRejectACheckpointFlagWithoutItsValue(String flag) {
        assertEquals("missing value for " + flag, rejected(flag).getMessage());
    }

    @Test
    void checkpointStrictIsAFlagOfEveryNodesJvmGivenOnce() throws UsageException {
        LauncherOptions o = parse("--checkpoint-strict", "--jvm-opt", "-Xmx1g", "--checkpoint-strict", "-cp", "c",
                "Main");
        assertEquals(List.of("-Dssi.checkpoint.strict=true", "-Xmx1g"), o.jvmOptions());
        UsageException e = assertThrows(UsageException.class, () -> parse("--checkpoint-strict=yes", "Main"));
        assertTrue(e.getMessage().contains("--checkpoint-strict takes no value"), e.getMessage());
    }

    @Test
    void metricsPortIsAFlagOfEveryNodesJvmTheLastOneCounting() throws UsageException {
        LauncherOptions o = parse("--metrics-port", "9400", "--jvm-opt", "-Xmx1g", "--metrics-port=0", "-cp", "c",
                "Main");
        assertEquals(List.of("-Xmx1g", "-Dssi.metrics.port=0"), o.jvmOptions());
        for (String bad : List.of("65536", "x", "-1", "")) {
            UsageException e = assertThrows(UsageException.class, () -> parse("--metrics-port", bad, "Main"));
            assertTrue(e.getMessage().contains("--metrics-port needs a port number from 0 (any free one) to 65535, "
                    + "not '" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void consoleJoinAndSecretOptionsAreFlagsOfEveryNodesJvm() throws UsageException {
        LauncherOptions o = parse("--console", "0", "--console-bind", "0.0.0.0", "--join-port", "47999",
                "--secret-file", "/tmp/s", "-cp", "c", "Main");
        assertEquals(List.of("-Dssi.console.port=0", "-Dssi.console.bind=0.0.0.0", "-Dssi.join.port=47999",
                "-Dssi.secret.file=/tmp/s"), o.jvmOptions());
        UsageException e = assertThrows(UsageException.class, () -> parse("--console", "http", "Main"));
        assertTrue(e.getMessage().contains("--console needs a port number"), e.getMessage());
    }

    @Test
    void hostsNameEveryNodesHostAndStandForNodes() throws UsageException {
        LauncherOptions o = parse("--hosts", "cn1,cn2,cn2,[fd00::7]", "--stats", "-cp", "c", "Main");
        assertEquals(4, o.nodes());
        assertEquals(List.of("cn1", "cn2", "cn2", "[fd00::7]"), o.hosts());
        assertEquals("hosts=cn1;cn2;cn2;[fd00::7],stats", o.agentArgs());
        assertEquals(3, parse("--nodes", "3", "--hosts=a,b,c", "-cp", "c", "Main").nodes());
        UsageException e = assertThrows(UsageException.class, () -> parse("--nodes", "2", "--hosts", "a,b,c",
                "-cp", "c", "Main"));
        assertTrue(e.getMessage().contains("--nodes 2 and --hosts with 3 hosts disagree"), e.getMessage());
        e = assertThrows(UsageException.class, () -> parse("--hosts", "a,,b", "Main"));
        assertTrue(e.getMessage().contains("'' is not a host name or address"), e.getMessage());
        e = assertThrows(UsageException.class, () -> parse("--hosts", "a;b", "Main"));
        assertTrue(e.getMessage().contains("'a;b' is not a host name"), e.getMessage());
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
