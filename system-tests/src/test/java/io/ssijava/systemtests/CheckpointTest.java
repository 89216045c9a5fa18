package io.ssijava.systemtests;

import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import io.ssijava.checkpoint.store.CommitRecord;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Periodic coordinated checkpoints of running jobs: the program's output is what plain java prints, every
 * checkpoint is committed with a checked part from every node, and the levels follow the schedule.
 */
@ExtendWith(ProcessCleanupExtension.class)
class CheckpointTest {

    private static final Pattern COMMITTED = Pattern.compile(
            "(?m)^ssi-java: checkpoint (\\d+) committed: levels (\\w+), (\\d+) bytes, paused (\\d+) ms, took \\d+ ms, "
            + "(\\d+) threads, (\\d+) objects(, incremental on checkpoint (\\d+))?$");

    @TempDir
    Path tmp;

    private static List<Long> committed(String stderr) {
        List<Long> ids = new ArrayList<>();
        Matcher m = COMMITTED.matcher(stderr);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    /** The one job the directory holds checkpoints of. */
    private static long onlyJob(CheckpointDir dir) throws IOException {
        SortedSet<Long> jobs = dir.jobs();
        assertEquals(1, jobs.size(), () -> "jobs in " + dir + ": " + jobs);
        return jobs.first();
    }

    /**
     * The newest checkpoint, not older than {@code announced}, with a sound commit record in every node's directory
     * ({@code announced} if there is none).
     */
    private static long newestCommitted(Path root, int nodes, long announced) throws IOException {
        CheckpointDir first = new CheckpointDir(root.resolve("node-0"));
        long job = onlyJob(first);
        long newest = announced;
        for (long c : first.checkpoints(job).tailSet(announced)) {
            boolean everywhere = true;
            for (int n = 0; n < nodes; n++) {
                everywhere &= new CheckpointDir(root.resolve("node-" + n)).commitRecord(job, c) != null;
            }
            if (everywhere) {
                newest = c;
            }
        }
        return newest;
    }

    /** Checks a committed checkpoint in a node's directory: its commit record and the node's sound part. */
    private static CommitRecord assertSound(Path dir, long newest, int node, int nodes) throws IOException {
        CheckpointDir d = new CheckpointDir(dir);
        long job = onlyJob(d);
        CommitRecord record = d.commitRecord(job, newest);
        assertNotNull(record, "no sound commit record of checkpoint " + newest + " in " + dir);
        assertEquals(nodes, record.nodes());
        Path part = d.part(job, newest, node);
        CheckpointFile.Header h = CheckpointFile.verify(part, job);
        assertEquals(node, h.node());
        assertEquals(nodes, h.nodes());
        assertEquals(record.base() > 0 ? CheckpointFile.Kind.INCREMENTAL : CheckpointFile.Kind.FULL, h.kind());
        assertEquals(record.base(), h.base());
        assertEquals(Files.size(part), record.partBytes()[node], "the record gives the part's size");
        return record;
    }

    @ParameterizedTest(name = "{0} {1} on {2} nodes")
    @CsvSource({
            "samples.MatMul, 4 800, 2",
            "samples.NBody, 4 300 40, 3",
            "samples.ProducerConsumer, 2 2 60000, 2",
            "samples.Sor, 4 200 300, 3",
            "samples.Pipeline, 2 6000, 2",
            "samples.Tsp, 4 15, 2",
            "samples.WordCount, 4 600000 2000, 2",
            "samples.MergeSort, 4 2000000 16384, 3",
    })
    @Timeout(120)
    void periodicCheckpointsOfASampleLeaveItsOutputAsPlainJavaPrintsIt(String main, String args, int nodes)
            throws IOException {
        Path cp = Cluster.samplesClasses();
        String[] argv = args.split(" ");
        String want = Cluster.plain(cp, main, argv).stdout();
        Path dir = tmp.resolve("ckpt");
        List<String> cmd = SsiJava.agentCommand("nodes=" + nodes + ",stats,checkpoint-every=150,checkpoint-dir=" + dir,
                cp.toString(), main, argv);
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        List<Long> ids = committed(r.stderr());
        assertFalse(ids.isEmpty(), () -> "no checkpoint committed\n" + r.stderr());
        // Nearly every one asked for is committed. Under load a pause has been seen to time out now and then with a
        // thread that did not stop (reported, and the next checkpoint is taken): that is allowed once in a while,
        // not as a rule, and nothing else may fail.
        long failed = r.stderr().lines().filter(l -> l.contains(" not taken: ")).count();
        assertTrue(failed <= ids.size() / 4, () -> failed + " checkpoints failed\n" + r.stderr());
        assertTrue(r.stderr().lines().filter(l -> l.contains(" not taken: ") || l.contains(" not committed: "))
                .allMatch(l -> l.contains("did not reach a safe point")), r::stderr);
        // the newest one committed is kept (one that the job's end cut short is not committed); one that committed
        // just as the job ended may not have been announced, and its commit removed the ones before it
        long newest = newestCommitted(dir, nodes, ids.get(ids.size() - 1));
        for (int n = 0; n < nodes; n++) {
            CommitRecord record = assertSound(dir.resolve("node-" + n), newest, n, nodes);
            assertTrue(record.objects() >= 1, "the shared objects were written: " + record);
        }
        // main at least, while it ran (a checkpoint after the program's last thread ended holds none)
        Matcher m = COMMITTED.matcher(r.stderr());
        boolean withThreads = false;
        while (m.find()) {
            withThreads |= Long.parseLong(m.group(5)) >= 1;
        }
        assertTrue(withThreads, r::stderr);
    }

    @ParameterizedTest(name = "{0} {1} on {2} nodes")
    @CsvSource({
            "samples.Sor, 4 200 300, 2",
            "samples.ProducerConsumer, 2 2 60000, 3",
            "samples.Pipeline, 2 6000, 2",
            "samples.MatMul, 4 800, 3",
    })
    @Timeout(120)
    void incrementalCheckpointsLaidOverTheirBasesGiveWhatAFullOneHolds(String main, String args, int nodes) {
        Path cp = Cluster.samplesClasses();
        String[] argv = args.split(" ");
        String want = Cluster.plain(cp, main, argv).stdout();
        List<String> cmd = new ArrayList<>(SsiJava.agentCommand("nodes=" + nodes + ",checkpoint-every=100,"
                + "checkpoint-dir=" + tmp.resolve("c"), cp.toString(), main, argv));
        // each node compares every incremental capture, laid over the ones before it, with a full capture
        cmd.add(1, "-Dssi.checkpoint.verify=true");
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> Cluster.explain(cmd, r));
        assertFalse(r.stderr().contains("misses changes"), r::stderr);
        // Scheme B 4x4: 2, 3, 5, 6, 7... build on the one before, and only 4, 8... (mirrored) are full
        assertTrue(r.stderr().contains(", incremental on checkpoint "), r::stderr);
        assertTrue(r.stderr().lines().filter(l -> l.contains("composes to the full state")).count() >= nodes,
                r::stderr);
    }

    @Test
    @Timeout(120)
    void checkpointsReachTheLevelsOfTheScheduleAndOldOnesAreCollected() throws IOException {
        Path cp = Cluster.samplesClasses();
        String want = Cluster.plain(cp, "samples.NBody", "4", "300", "60").stdout();
        Path local = tmp.resolve("local");
        Path stable = tmp.resolve("stable");
        // Scheme B, every 2nd checkpoint mirrored on the neighbour, every 4th on stable storage
        List<String> cmd = SsiJava.agentCommand("nodes=2,checkpoint-every=100,checkpoint-dir=" + local + ",stable-dir="
                + stable + ",mirror-every=2,stable-every=2", cp.toString(), "samples.NBody", "4", "300", "60");
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> Cluster.explain(cmd, r));
        List<Long> ids = committed(r.stderr());
        assertTrue(ids.size() >= 4, () -> "fewer than 4 checkpoints\n" + r.stderr());
        Matcher m = COMMITTED.matcher(r.stderr());
        while (m.find()) {
            long id = Long.parseLong(m.group(1));
            String want1 = id % 4 == 0 ? "1MN" : id % 2 == 0 ? "1M" : "1";
            assertEquals(want1, m.group(2), "levels of checkpoint " + id);
        }
        long newestStable = ids.stream().filter(id -> id % 4 == 0).reduce((a, b) -> b).orElseThrow();
        CheckpointDir stableDir = new CheckpointDir(stable);
        long job = onlyJob(stableDir);
        assertEquals(newestStable, stableDir.checkpoints(job).last(), "the newest N-checkpoint is on stable storage");
        assertNotNull(stableDir.commitRecord(job, newestStable));
        for (int n = 0; n < 2; n++) {
            CheckpointFile.verify(stableDir.part(job, newestStable, n), job);
        }
        // node 0's part is mirrored in node 1's directory, and node 1's in node 0's
        CheckpointDir node0 = new CheckpointDir(local.resolve("node-0"));
        CheckpointDir node1 = new CheckpointDir(local.resolve("node-1"));
        CheckpointFile.verify(node1.part(job, newestStable, 0), job);
        CheckpointFile.verify(node0.part(job, newestStable, 1), job);
        // only what a recovery may still want is kept: the newest of each level (and nothing older than the
        // newest N-checkpoint)
        assertTrue(node0.checkpoints(job).size() <= 3, () -> "kept: " + safe(node0, job));
        assertTrue(node0.checkpoints(job).first() >= newestStable, () -> "kept: " + safe(node0, job));
    }

    private static String safe(CheckpointDir d, long job) {
        try {
            return d.checkpoints(job).toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    @Timeout(120)
    void aThreadThatCannotStopMakesTheCheckpointFailWithItsNameAndTheJobGoesOn() {
        // the thread runs the program's code inside List.forEach, where it cannot be captured
        Path cp = Cluster.litmusClasses();
        String want = Cluster.plain(cp, "checkpoint.PinnedInJdkCode", "3000").stdout();
        assertEquals("stopped after some rounds: true\n", want);
        List<String> cmd = SsiJava.agentCommand("nodes=2,checkpoint-every=300,checkpoint-dir=" + tmp.resolve("c"),
                cp.toString(), "checkpoint.PinnedInJdkCode", "3000");
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> Cluster.explain(cmd, r));
        // (one taken before the thread started may be committed)
        assertTrue(r.stderr().matches("(?s).*ssi-java: checkpoint \\d+ not taken: .*\"pinned-in-forEach\" \\(in "
                + "[^)]*\\.forEach\\(.*; next try in \\d+ ms\n.*"), r::stderr);
    }

    /**
     * A thread captured at its loop's header, in a method that also waits inside a monitor, goes on in the
     * method's resume twin, which HotSpot compiles (a twin that entered a monitor again to resume in the middle of
     * its block would run interpreted for the rest of the method, many times slower).
     */
    @Test
    @Timeout(120)
    void aMethodResumedOutsideItsMonitorsRunsCompiledCode() {
        Path cp = Cluster.litmusClasses();
        String[] args = {"120", "20000000"};
        String want = Cluster.plain(cp, "checkpoint.ResumedLoop", args).stdout();
        List<String> cmd = new ArrayList<>(SsiJava.agentCommand("nodes=1,checkpoint-every=200,checkpoint-dir="
                + tmp.resolve("c"), cp.toString(), "checkpoint.ResumedLoop", args[0], args[1]));
        cmd.add(1, "-XX:+PrintCompilation");
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("checkpoint 2 committed"), () -> Cluster.explain(cmd, r));
        List<String> twin = r.stdout().lines().filter(l -> l.contains("checkpoint.ResumedLoop::run$__ssi_c ")).toList();
        assertTrue(twin.stream().anyMatch(l -> !l.contains("COMPILE SKIPPED") && !l.contains("made not")),
                () -> "the twin was never compiled\n" + Cluster.explain(cmd, r));
        assertTrue(twin.stream().noneMatch(l -> l.contains("COMPILE SKIPPED")), () -> String.join("\n", twin));
        // the program's line, among the compiler's
        assertTrue(r.stdout().lines().anyMatch(want.strip()::equals), () -> Cluster.explain(cmd, r));
    }

    /**
     * A thread captured in {@code wait()} inside {@code synchronized} resumes in the twin that enters the monitor
     * again, which HotSpot does not compile; once out of the block it must go on in the twin HotSpot compiles. The
     * program names the methods whose frames ran its steps, after the block: never that twin.
     */
    @Test
    @Timeout(120)
    void aThreadResumedInsideAMonitorLeavesItsUncompiledTwinWithTheBlock() {
        Path cp = Cluster.litmusClasses();
        String[] args = {"60", "20000000"};
        String want = Cluster.plain(cp, "checkpoint.ResumedWait", args).stdout();
        List<String> cmd = SsiJava.agentCommand("nodes=1,checkpoint-every=150,checkpoint-dir=" + tmp.resolve("c"),
                cp.toString(), "checkpoint.ResumedWait", args[0], args[1]);
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> Cluster.explain(cmd, r));
        assertTrue(r.stderr().contains("checkpoint 3 committed"), () -> Cluster.explain(cmd, r));
        String ranIn = r.stderr().lines().filter(l -> l.startsWith("steps ran in ")).findFirst().orElseThrow();
        assertTrue(ranIn.contains("run$__ssi_c"), () -> "no step ran in a resumed frame: " + ranIn);
        assertFalse(ranIn.contains("run$__ssi_c$__ssi_c"), () -> Cluster.explain(cmd, r));
    }
}
