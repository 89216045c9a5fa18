package io.ssijava.systemtests;

import io.ssijava.testsupport.Paths;
import io.ssijava.testsupport.PlainJava;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.ProcessTree;
import io.ssijava.testsupport.SsiJava;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the system tests share: how to run a program on a cluster, and how to read what it printed. */
final class Cluster {

    /** The limit for one run of a small program on a cluster (a hang shows as a timeout with thread dumps). */
    static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    /** The limit for one plain-java run. */
    static final Duration PLAIN_TIMEOUT = Duration.ofSeconds(30);

    /** {@code ssi-java: node N: threads run T, ...}, printed by node 0 at exit with {@code stats}. */
    private static final Pattern STATS_LINE = Pattern.compile("(?m)^ssi-java: node (\\d+): threads run (\\d+),");

    private Cluster() {
    }

    /** @return the directory that holds the compiled litmus programs (this module's test classes) */
    static Path litmusClasses() {
        try {
            return Path.of(litmus.Where.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the compiled samples, checked to exist */
    static Path samplesClasses() {
        return Paths.requireFile(Paths.samplesClasses());
    }

    /**
     * {@code java --add-exports ... -javaagent:ssi-agent.jar=nodes=N,stats -cp CP MAIN ARGS}.
     *
     * @param nodes cluster size
     * @param cp    class path
     * @param main  main class
     * @param args  program arguments
     * @return the command
     */
    static List<String> agentCommand(int nodes, Path cp, String main, String... args) {
        Paths.requireFile(Paths.agentJar());
        return SsiJava.agentCommand("nodes=" + nodes + ",stats", cp.toString(), main, args);
    }

    /**
     * The {@code ssi-java} script at the repository root with some arguments.
     *
     * @param args the script's arguments
     * @return a runner that never rebuilds the jars and uses the test JVM's java
     */
    /**
     * Runs a control command ({@code ssi-java threads} and the like) against the jobs whose files are in a run
     * directory, through the launcher jar.
     */
    static ProcessRunner.Result control(Path runDir, String... words) {
        List<String> cmd = new ArrayList<>(List.of(Paths.javaExecutable().toString(), "-jar",
                Paths.requireFile(Paths.launcherJar()).toString()));
        cmd.addAll(List.of(words));
        return ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString()).timeout(Duration.ofSeconds(60)).run();
    }

    static ProcessRunner script(List<String> args) {
        Paths.requireFile(Paths.launcherJar());
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.ssiJavaScript().toString());
        cmd.addAll(args);
        // The jars are what the reactor built; other modules' sources being edited must not trigger a rebuild here.
        return ProcessRunner.of(cmd).env("SSI_JAVA_NO_BUILD", "1").env("JAVA_HOME", System.getProperty("java.home"))
                .timeout(RUN_TIMEOUT);
    }

    /**
     * Runs a command on a cluster (or anything else) within {@link #RUN_TIMEOUT}.
     *
     * @param command the command
     * @return the result
     */
    static ProcessRunner.Result run(List<String> command) {
        return ProcessRunner.of(command).timeout(RUN_TIMEOUT).run();
    }

    /**
     * Runs a program with plain java and checks that it exited by itself.
     *
     * @param cp   class path
     * @param main main class
     * @param args program arguments
     * @return the result
     */
    static ProcessRunner.Result plain(Path cp, String main, String... args) {
        ProcessRunner.Result r = PlainJava.run(PLAIN_TIMEOUT, cp.toString(), main, args);
        assertTrue(!r.timedOut(), () -> "plain java run of " + main + " timed out\n" + r.describe());
        return r;
    }

    /**
     * Text for a failure message: the command and everything it printed.
     *
     * @param command the command
     * @param r       its result
     * @return the text
     */
    static String explain(List<String> command, ProcessRunner.Result r) {
        return "command: " + String.join(" ", command) + "\n" + r.describe();
    }

    /**
     * The per-node {@code threads run} counts from the {@code stats} lines.
     *
     * @param stderr the job's stderr
     * @return node id to threads run, in node order
     */
    static Map<Integer, Long> threadsRun(String stderr) {
        Map<Integer, Long> perNode = new TreeMap<>();
        Matcher m = STATS_LINE.matcher(stderr);
        while (m.find()) {
            perNode.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        return perNode;
    }

    /**
     * Checks that the stats lines cover every node and that threads ran on at least two of them.
     *
     * @param command the command (for the message)
     * @param r       the result
     * @param nodes   cluster size
     */
    static void assertThreadsRanOnSeveralNodes(List<String> command, ProcessRunner.Result r, int nodes) {
        Map<Integer, Long> perNode = threadsRun(r.stderr());
        List<Integer> all = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            all.add(n);
        }
        assertEquals(all, new ArrayList<>(perNode.keySet()),
                () -> "expected a 'threads run' stats line for every node\n" + explain(command, r));
        List<Integer> busy = perNode.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
                .collect(Collectors.toList());
        assertTrue(busy.size() >= 2, () -> "expected threads to run on at least two nodes, but threads run per node = "
                + perNode + "\n" + explain(command, r));
    }

    /**
     * Live processes, other than the test JVM, whose command line contains a marker (a unique
     * program argument the test passed, which every node of the job gets too).
     *
     * @param marker the marker
     * @return the processes
     */
    static List<ProcessHandle> processesWith(String marker) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)
                        || p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                .filter(ProcessTree::isAlive)
                .collect(Collectors.toList());
    }

    /**
     * Waits until no process carries the marker any more; kills (by pid) and returns those that do
     * after the wait, so that a failing test leaves nothing behind either.
     *
     * @param marker the marker
     * @param wait   how long they get to go away by themselves
     * @return descriptions of the processes that were still there
     */
    static List<String> awaitNoneWith(String marker, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<ProcessHandle> left = processesWith(marker);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            sleep(100);
            left = processesWith(marker);
        }
        List<String> described = left.stream()
                .map(p -> "pid " + p.pid() + ": " + p.info().commandLine().orElse("?"))
                .collect(Collectors.toList());
        ProcessTree.killAll(left, Duration.ofSeconds(10));
        return described;
    }

    /**
     * Deletes a directory and everything in it (a node's disk lost with it, in the recovery tests).
     *
     * @param root the directory
     * @throws IOException if something in it cannot be deleted
     */
    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p); // a node may remove a file of its own meanwhile
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
