package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.RunningProcess;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a job's JVMs start: the JVM the user started starts the other nodes itself, while it starts node 0 again with
 * the instrumented JDK, so that they boot side by side; a node that dies before every node is connected stops the
 * job at once.
 */
@ExtendWith(ProcessCleanupExtension.class)
class StartupTest {

    @Test
    @Timeout(120)
    void theOtherNodesAreStartedByTheJvmTheUserStarted() {
        String marker = BadInputTest.marker();
        String cp = Cluster.litmusClasses().toString();
        List<String> cmd = SsiJava.agentCommand("nodes=3", cp, "litmus.LongRunning", "3", marker);
        ProcessRunner runner = ProcessRunner.of(cmd).timeout(Duration.ofSeconds(60));
        ProcessRunner.Result r;
        try (RunningProcess job = runner.start()) {
            job.awaitStdout("started", Duration.ofSeconds(30));
            ProcessHandle launched = job.handle();
            List<String> children = launched.children()
                    .map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("-javaagent:"))
                    .toList();
            for (int n = 0; n <= 2; n++) {
                Pattern option = Pattern.compile("[=,]node=" + n + "(,|\\s|$)");
                assertEquals(1, children.stream().filter(c -> option.matcher(c).find()).count(),
                        "node " + n + " is a child of the JVM the user started\n" + String.join("\n", children));
            }
            r = job.await();
        }
        assertEquals(0, r.exitCode(), Cluster.explain(cmd, r));
        assertEquals(List.of(), Cluster.awaitNoneWith(marker, BadInputTest.LEFTOVER_GRACE),
                "no node may be left\n" + Cluster.explain(cmd, r));
    }

    @Test
    @Timeout(120)
    void aNodeThatDiesBeforeTheJobIsConnectedStopsItAtOnce() {
        String marker = BadInputTest.marker();
        String cp = Cluster.litmusClasses().toString();
        List<String> cmd = SsiJava.agentCommand("nodes=2", cp, "litmus.LongRunning", "20", marker);
        ProcessRunner runner = ProcessRunner.of(cmd).timeout(Duration.ofSeconds(60));
        ProcessRunner.Result r;
        long stopMillis;
        try (RunningProcess job = runner.start()) {
            ProcessHandle worker = BadInputTest.findWorker(job.handle(), 1, job);
            long killedAt = System.nanoTime();
            worker.destroyForcibly(); // long before it can boot and connect
            assertTrue(BadInputTest.awaitExit(job, BadInputTest.STOP_AFTER_LOSS),
                    "the job did not stop within " + BadInputTest.STOP_AFTER_LOSS.toSeconds() + " s");
            stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            r = job.await();
        }
        String why = "stopped " + stopMillis + " ms after the kill\n" + Cluster.explain(cmd, r);
        assertNotEquals(0, r.exitCode(), why);
        assertTrue(r.stderr().contains("node 1 exited during start-up"), "stderr names the node\n" + why);
        assertEquals("", r.stdout(), "the program never ran\n" + why);
        assertEquals(List.of(), Cluster.awaitNoneWith(marker, BadInputTest.LEFTOVER_GRACE), "no node may be left\n"
                + why);
    }

    /**
     * A pool's worker runs ssi-java's capturable worker loop, a class the agent rewrites when it is loaded (tens of ms
     * in a JVM that just started, on every node that starts a thread); a program whose threads are no pool's workers
     * never loads it.
     */
    @Test
    @Timeout(180)
    void onlyThePoolsWorkersLoadTheCapturableWorkerLoop() {
        String loop = "ssi-java: rewrote io.ssijava.threads.capturable.PoolWorkerLoop";
        String cp = Cluster.litmusClasses().toString();
        List<String> threads = SsiJava.agentCommand("nodes=2,verbose", cp, "litmus.LockedCounters");
        ProcessRunner.Result r = Cluster.run(threads);
        assertEquals(0, r.exitCode(), Cluster.explain(threads, r));
        assertTrue(r.stderr().contains("ran in another process"),
                "threads ran on node 1\n" + Cluster.explain(threads, r));
        assertTrue(r.stderr().contains("ssi-java: rewrote litmus.LockedCounters"), Cluster.explain(threads, r));
        assertFalse(r.stderr().contains(loop), "no pool, no worker loop\n" + Cluster.explain(threads, r));

        List<String> pools = SsiJava.agentCommand("nodes=2,verbose", cp, "jdkshared.Executors");
        ProcessRunner.Result p = Cluster.run(pools);
        assertEquals(0, p.exitCode(), Cluster.explain(pools, p));
        assertTrue(p.stderr().contains(loop), "a pool's workers run the loop\n" + Cluster.explain(pools, p));
    }
}
