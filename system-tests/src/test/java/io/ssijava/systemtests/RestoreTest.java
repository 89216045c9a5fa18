package io.ssijava.systemtests;

import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.RunningProcess;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job killed after a checkpoint is restored from it, on the same or another number of nodes, and its output goes
 * on as an uninterrupted run's would: what the restored job prints is the end of what plain java prints, starting
 * no later than where the killed run had got to, and it does not print again what came before its checkpoint.
 */
@ExtendWith(ProcessCleanupExtension.class)
class RestoreTest {

    private static final Pattern RESTORED = Pattern.compile(
            "(?m)^ssi-java: restored checkpoint (\\d+) \\(taken on (\\d+) nodes?, level (\\w+)\\) on (\\d+) nodes? in");

    @TempDir
    Path tmp;

    /**
     * Every sample, checkpointed on 1, 2 and 3 nodes and restored on another count. One-node jobs run larger
     * inputs with a checkpoint every 50 ms: on one node a sample runs at plain java's speed.
     */
    @ParameterizedTest(name = "{0} {1}: checkpointed on {2} nodes, restored on {3}")
    @CsvSource({
            "samples.NBody, 4 300 200, 1, 2, 50",
            "samples.NBody, 4 300 40, 2, 3, 200",
            "samples.NBody, 4 300 40, 3, 2, 200",
            "samples.Sor, 4 400 3000, 1, 2, 200",
            "samples.Sor, 4 200 300, 2, 3, 200",
            "samples.Sor, 4 200 300, 3, 1, 200",
            "samples.MatMul, 4 1000, 1, 3, 50",
            "samples.MatMul, 4 1000, 2, 3, 200",
            "samples.MatMul, 4 1000, 3, 1, 200",
            "samples.ProducerConsumer, 2 2 300000, 1, 2, 50",
            "samples.ProducerConsumer, 2 2 60000, 2, 1, 200",
            "samples.ProducerConsumer, 2 2 60000, 3, 2, 200",
            "samples.Pipeline, 2 30000, 1, 2, 50",
            "samples.Pipeline, 2 6000, 2, 1, 200",
            "samples.Pipeline, 2 6000, 3, 3, 200",
            "samples.Stencil, 4 300 800, 1, 2, 50",
            "samples.Stencil, 4 600 300, 2, 3, 200",
            "samples.Stencil, 4 600 300, 3, 1, 200",
            "samples.Pi, 4 1500000000, 1, 3, 50",
            "samples.Pi, 4 300000000, 2, 2, 200",
            "samples.Pi, 4 300000000, 3, 1, 200",
            "samples.WordCount, 4 5000000, 1, 2, 50",
            "samples.WordCount, 4 1000000, 2, 3, 200",
            "samples.WordCount, 4 1000000, 3, 1, 200",
            "samples.MergeSort, 4 2000000 16384, 1, 2, 50",
            "samples.MergeSort, 4 2000000 16384, 2, 1, 200",
            "samples.MergeSort, 4 2000000 16384, 3, 2, 200",
            "samples.Tsp, 4 16, 1, 3, 50",
            "samples.Tsp, 4 15, 2, 1, 200",
            "samples.Tsp, 4 15, 3, 2, 200",
    })
    @Timeout(300)
    void aJobKilledAfterACheckpointGoesOnFromItOnAnyNumberOfNodes(String main, String args, int nodes,
                                                                   int restoreNodes, int periodMillis)
            throws IOException {
        Path cp = Cluster.samplesClasses();
        String[] argv = args.split(" ");
        String want = Cluster.plain(cp, main, argv).stdout();
        Path dir = tmp.resolve("ck");
        String before = runUntilCheckpointed(ProcessRunner.of(SsiJava.agentCommand("nodes=" + nodes
                + ",checkpoint-every=" + periodMillis + ",checkpoint-dir=" + dir, cp.toString(), main, argv)));
        long job = onlyJob(new CheckpointDir(dir.resolve("node-0")));

        List<String> restore = SsiJava.agentCommand("nodes=" + restoreNodes + ",checkpoint-dir=" + dir + ",restore="
                + Long.toHexString(job) + ":0", cp.toString(), main, argv);
        ProcessRunner.Result r = Cluster.run(restore);
        assertContinues(want, before, restore, r);
        Matcher m = RESTORED.matcher(r.stderr());
        assertTrue(m.find(), () -> Cluster.explain(restore, r));
        assertEquals(nodes, Integer.parseInt(m.group(2)), m.group());
        assertEquals(restoreNodes, Integer.parseInt(m.group(4)), m.group());
        assertEquals("1", m.group(3), "every part was on its node's own disk: " + m.group());
    }

    /**
     * A program whose main method begins late (its class takes a while to initialize): no checkpoint is taken before
     * main begins, for it would hold no thread and its restore would run nothing; the first ones after it continue
     * the program.
     */
    @Test
    @Timeout(300)
    void noCheckpointIsTakenBeforeMainBegins() throws IOException {
        Path cp = Cluster.litmusClasses();
        String want = Cluster.plain(cp, "checkpoint.LateStart").stdout();
        Path dir = tmp.resolve("ck");
        String before = runUntilCheckpointed(ProcessRunner.of(SsiJava.agentCommand("nodes=2,checkpoint-every=20,"
                + "checkpoint-dir=" + dir, cp.toString(), "checkpoint.LateStart")));
        long job = onlyJob(new CheckpointDir(dir.resolve("node-0")));
        List<String> restore = SsiJava.agentCommand("nodes=2,checkpoint-dir=" + dir + ",restore="
                + Long.toHexString(job) + ":0", cp.toString(), "checkpoint.LateStart");
        ProcessRunner.Result r = Cluster.run(restore);
        assertContinues(want, before, restore, r);
    }

    /**
     * A job that reads a file and writes another through buffered readers and writers, killed after a checkpoint:
     * the restored job reopens both where the checkpoint left them (the output cut back to what was written by
     * then), and both its output and the file it writes are plain java's.
     */
    @Test
    @Timeout(300)
    void openFilesAreReopenedWhereTheCheckpointLeftThem() throws IOException {
        Path cp = Cluster.litmusClasses();
        Path in = tmp.resolve("in.txt");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            // multi-byte characters, so that a decoder's buffer may end in the middle of one
            text.append("line ").append(i).append(i % 7 == 0 ? " \u00e9t\u00e9 \u20ac \ud83d\ude00" : " plain").append('\n');
        }
        Files.writeString(in, text.toString());
        Path plainOut = tmp.resolve("plain-out.txt");
        String want = Cluster.plain(cp, "checkpoint.LineFilter", in.toString(), plainOut.toString()).stdout();
        assertTrue(want.endsWith(" bytes written, crc " + crc(plainOut) + "\n"), want);

        Path out = tmp.resolve("out.txt");
        Path dir = tmp.resolve("ck");
        String before = runUntilCheckpointed(ProcessRunner.of(SsiJava.agentCommand("nodes=2,checkpoint-every=200,"
                + "checkpoint-dir=" + dir, cp.toString(), "checkpoint.LineFilter", in.toString(), out.toString())));
        long job = onlyJob(new CheckpointDir(dir.resolve("node-0")));
        List<String> restore = SsiJava.agentCommand("nodes=2,checkpoint-dir=" + dir + ",restore="
                + Long.toHexString(job) + ":0", cp.toString(), "checkpoint.LineFilter", in.toString(), out.toString());
        ProcessRunner.Result r = Cluster.run(restore);
        assertContinues(want, before, restore, r);
        assertEquals(Files.readString(plainOut), Files.readString(out), "the file the restored job wrote");
    }

    /**
     * A socket cannot be opened again: a checkpoint that holds one open is refused at restore, naming it; in strict
     * mode such a checkpoint is not taken at all, and the job goes on.
     */
    @Test
    @Timeout(300)
    void aCheckpointThatHoldsAnOpenSocketIsRefusedAtRestoreAndNotTakenInStrictMode() throws IOException {
        Path cp = Cluster.litmusClasses();
        Path dir = tmp.resolve("ck");
        runUntilCheckpointed(ProcessRunner.of(SsiJava.agentCommand("nodes=2,checkpoint-every=200,checkpoint-dir="
                + dir, cp.toString(), "checkpoint.HoldsSocket", "60000")));
        long job = onlyJob(new CheckpointDir(dir.resolve("node-0")));
        List<String> restore = SsiJava.agentCommand("nodes=2,checkpoint-dir=" + dir + ",restore="
                + Long.toHexString(job) + ":0", cp.toString(), "checkpoint.HoldsSocket", "60000");
        ProcessRunner.Result refused = Cluster.run(restore);
        assertTrue(refused.exitCode() != 0 && refused.stderr().matches("(?s).*checkpoint \\d+ cannot be restored: "
                + "node 0's part holds a java\\.net\\.ServerSocket \\(on [^)]*\\), which cannot be opened again.*"),
                () -> Cluster.explain(restore, refused));

        String want = Cluster.plain(cp, "checkpoint.HoldsSocket", "1500").stdout();
        assertEquals("listened: true, worked: true\n", want);
        List<String> strict = new ArrayList<>(SsiJava.agentCommand("nodes=2,checkpoint-every=200,checkpoint-dir="
                + tmp.resolve("strict"), cp.toString(), "checkpoint.HoldsSocket", "1500"));
        strict.add(1, "-Dssi.checkpoint.strict=true");
        ProcessRunner.Result r = Cluster.run(strict);
        assertEquals(0, r.exitCode(), () -> Cluster.explain(strict, r));
        assertEquals(want, r.stdout(), () -> Cluster.explain(strict, r));
        assertTrue(r.stderr().matches("(?s).*checkpoint \\d+ not taken: on node 0, the program holds a "
                + "java\\.net\\.ServerSocket \\(on [^)]*\\), which a restore could not open again \\(strict mode\\).*"),
                () -> Cluster.explain(strict, r));
    }

    private static long crc(Path file) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(Files.readAllBytes(file));
        return crc.getValue();
    }

    /**
     * The levels a restore falls back on: a damaged part in a node's own directory is refused and its mirror on
     * the next node used; with every node's directory gone, the stable directory. Through the {@code ssi-java}
     * command, as a user runs it.
     */
    @Test
    @Timeout(300)
    void aDamagedOrLostPartIsTakenFromTheNextLevel() throws IOException {
        Path cp = Cluster.samplesClasses();
        String[] argv = {"4", "300", "40"};
        String want = Cluster.plain(cp, "samples.NBody", argv).stdout();
        Path local = tmp.resolve("local");
        Path stable = tmp.resolve("stable");
        List<String> run = new ArrayList<>(List.of("--nodes", "2", "--checkpoint-every", "200ms", "--checkpoint-dir",
                local.toString(), "--stable-dir", stable.toString(), "--mirror-every", "1", "--stable-every", "1",
                "-cp", cp.toString(), "samples.NBody"));
        run.addAll(List.of(argv));
        String before = runUntilCheckpointed(Cluster.script(run));
        long job = onlyJob(new CheckpointDir(stable));
        Path jobDir = local.resolve("node-0").resolve("job-" + Long.toHexString(job));

        // node 1's own copies are damaged (of every checkpoint: the newest may not have been committed): its
        // mirrors, in node 0's directory, are used
        CheckpointDir node1 = new CheckpointDir(local.resolve("node-1"));
        Path damaged = null;
        for (long c : node1.checkpoints(job)) {
            damaged = node1.part(job, c, 1);
            flipAByteInTheMiddle(damaged);
        }
        String refused = "ssi-java: refused " + damaged.getParent().getParent();
        List<String> fromLocal = List.of("restore", "--nodes", "3", jobDir.toString());
        ProcessRunner.Result mirrored = Cluster.script(fromLocal).run();
        assertContinues(want, before, fromLocal, mirrored);
        assertTrue(mirrored.stderr().contains(refused), () -> Cluster.explain(fromLocal, mirrored));
        assertTrue(mirrored.stderr().contains("level M) on 3 nodes"), () -> Cluster.explain(fromLocal, mirrored));

        // every node's directory is gone: the stable copies are used
        Cluster.deleteTree(local);
        List<String> fromStable = List.of("restore", "--nodes", "1",
                stable.resolve("job-" + Long.toHexString(job)).toString());
        ProcessRunner.Result stored = Cluster.script(fromStable).run();
        assertContinues(want, before, fromStable, stored);
        assertTrue(stored.stderr().contains("level N) on 1 node"), () -> Cluster.explain(fromStable, stored));
    }

    /**
     * Runs a job until a checkpoint of it is committed (or it ends), then kills every process of it.
     *
     * @return what it had printed by then
     */
    private static String runUntilCheckpointed(ProcessRunner job) {
        List<String> command = job.command();
        RunningProcess p = job.timeout(Cluster.RUN_TIMEOUT).start();
        try {
            // the job's nodes are the launched JVM's descendants: wait on them too (in two CI runs the launched JVM
            // of a 1-node job was gone, status 137, while its node went on)
            p.awaitStderr("checkpoint 2 committed", Cluster.RUN_TIMEOUT);
        } catch (AssertionError e) {
            // it ended (or took too long) first: what it committed is checked below
        } finally {
            p.close(); // kills every process of the job
        }
        // the first committed need not be number 1: a checkpoint that could not be taken uses up its number
        assertTrue(Pattern.compile("checkpoint \\d+ committed").matcher(p.stderr()).find(),
                () -> "no checkpoint was committed\ncommand: " + String.join(" ", command) + "\n--- stdout ---\n"
                        + p.stdout() + "\n--- stderr ---\n" + p.stderr());
        return p.stdout();
    }

    private static void assertContinues(String want, String before, List<String> command, ProcessRunner.Result r) {
        String got = r.stdout();
        assertEquals(0, r.exitCode(), () -> Cluster.explain(command, r));
        assertTrue(want.startsWith(before), () -> "the killed run printed what plain java does not:\n" + before);
        assertTrue(want.endsWith(got), () -> "the restored run does not end as plain java does\n--- plain ---\n"
                + want + Cluster.explain(command, r));
        assertTrue(want.length() - got.length() <= before.length(), () -> "the restored run skipped output that "
                + "the killed run had not printed\n--- killed run ---\n" + before + Cluster.explain(command, r));
        assertTrue(got.length() < want.length(), () -> "the restored run printed again what came before its "
                + "checkpoint\n" + Cluster.explain(command, r));
    }

    /** The one job with a committed checkpoint in the directory (a run tried again leaves an empty one). */
    private static long onlyJob(CheckpointDir dir) throws IOException {
        List<Long> jobs = new ArrayList<>();
        for (long job : dir.jobs()) {
            for (long c : dir.checkpoints(job)) {
                if (dir.commitRecord(job, c) != null) {
                    jobs.add(job);
                    break;
                }
            }
        }
        assertEquals(1, jobs.size(), () -> "jobs with a committed checkpoint in " + dir.root() + ": " + jobs);
        return jobs.get(0);
    }

    private static void flipAByteInTheMiddle(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }
}
