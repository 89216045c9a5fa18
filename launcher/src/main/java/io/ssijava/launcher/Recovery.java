package io.ssijava.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Keeps a job that takes checkpoints going when one of its nodes dies. Node 0 ends the job with
 * {@value #RECOVERABLE} when it loses another node and a committed checkpoint exists (writing which node, and why,
 * beside its checkpoints); if node 0 itself is killed the launcher sees {@value #KILLED}. Either way the launcher
 * restores the job from its newest checkpoint that can still be read, on as many nodes as before, or on one fewer
 * if the lost node's checkpoint directory is gone with it (its threads and objects go to the others); the restored
 * job picks each part from the nearest level that holds it. A job that keeps failing without a new checkpoint in
 * between is given up after {@value #MAX_ATTEMPTS} tries.
 */
final class Recovery {

    /** Node 0's exit status after losing a node, when the job has a checkpoint to go on from (EX_TEMPFAIL). */
    static final int RECOVERABLE = 75;
    /**
     * Node 0's exit status when a node comes to join the running job: it took a checkpoint, wrote how many nodes
     * the job is to have ({@code resize.properties}), and stopped, to be restored on them.
     */
    static final int RESIZE = 76;
    /** The exit status of a node 0 killed by SIGKILL. */
    static final int KILLED = 128 + 9;
    /** Consecutive recoveries from the same checkpoint before giving up. */
    static final int MAX_ATTEMPTS = 5;
    /** Tells the restored node 0 when the job stopped, for its report of how long recovery took. */
    static final String STOPPED_AT = "SSI_JAVA_STOPPED_AT";
    /**
     * Tells the restored node 0 what stopped the job each time it was restored, one per line: epoch milliseconds,
     * a tab, what (for the console's list of failures and recoveries).
     */
    static final String EVENTS = "SSI_JAVA_EVENTS";
    /** Tells node 0 that the launcher restores the job when it stops to be restored (a node joins it). */
    static final String RESTARTS = "SSI_JAVA_RESTARTS";
    /** Names the file in which the restored node 0 says where the program's output stood at its checkpoint. */
    static final String OUTPUT_NOTE = "SSI_JAVA_OUTPUT_NOTE";

    private static final String PREFIX = "ssi-java: ";

    private Recovery() {
    }

    /** A job id for the agent's {@code job=}: the launcher must know it to find the job's checkpoints. */
    static String newJobId() {
        return String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
    }

    /**
     * Runs node 0 and, while the job ends by the loss of a node and can go on from a checkpoint, restores it.
     *
     * @param command   node 0's command, whose agent options carry {@code job=jobId}
     * @param jobId     the job's id
     * @param options   the job's options (nodes, checkpoint directories, flags kept for the restored runs)
     * @param agentJar  the agent jar
     * @param ownJava   the java to fall back on
     * @param err       where to report
     * @return the exit status of the last run
     * @throws UsageException when a node 0 cannot be started
     */
    static int run(List<String> command, String jobId, LauncherOptions options, Path agentJar, String ownJava,
                   PrintStream err) throws UsageException {
        if (options.checkpoints().equals(LauncherOptions.Checkpoints.DEFAULT)) {
            return ChildSupervisor.run(command); // a job without checkpoints has nothing to go on from
        }
        OutputRelay relay = new OutputRelay(System.out, err);
        int status = ChildSupervisor.run(command, Map.of(RESTARTS, "1"), relay, () -> 0, null);
        Path local = options.checkpoints().dir().orElse(Path.of(System.getProperty("java.io.tmpdir"),
                "ssi-java-checkpoints"));
        Optional<Path> stable = options.checkpoints().stableDir();
        List<String> jobs = new ArrayList<>(List.of(jobId));
        int nodes = options.nodes();
        String from = null;
        int attempts = 0;
        StringBuilder events = new StringBuilder();
        while (status == RECOVERABLE || status == KILLED || status == RESIZE) {
            long stopped = System.currentTimeMillis();
            String lostNode = "0";
            String why = "its process was killed";
            Path jobDir = local.resolve("node-0").resolve(jobDirName(jobs.get(jobs.size() - 1)));
            Optional<Path> lost = Optional.of(jobDir.resolve("lost.properties")).filter(Files::isRegularFile);
            int resized = status == RESIZE ? nodesAsked(jobDir.resolve("resize.properties")) : 0;
            if (resized > 0) {
                lostNode = null;
            } else if (lost.isPresent()) {
                Properties p = read(lost.get());
                lostNode = p.getProperty("node", "?");
                why = p.getProperty("reason", "?");
            } else if (status != KILLED) {
                break;
            }
            Optional<Path> dir = newestRestorable(local, stable, jobs);
            if (dir.isEmpty()) {
                err.println(PREFIX + "node " + lostNode + " was lost and no committed checkpoint of the job can be "
                        + "read: it cannot go on");
                break;
            }
            String dirNow = dir.get().toString();
            attempts = dirNow.equals(from) ? attempts + 1 : 1;
            if (attempts > MAX_ATTEMPTS) {
                err.println(PREFIX + "giving up: the job failed " + MAX_ATTEMPTS + " times in a row after a "
                        + "restore from " + dirNow);
                break;
            }
            from = dirNow;
            if (lostNode == null) {
                event(events, stopped, "a node joined: the job stopped to be restored on " + resized + " nodes");
                nodes = resized;
                err.println(PREFIX + "a node joins the job: restoring it from its newest checkpoint in " + dirNow
                        + " on " + nodes + " nodes");
                err.flush();
                jobs.add(newJobId());
                status = restore(options, nodes, dirNow, jobs, stopped, events, relay, agentJar, ownJava);
                continue;
            }
            event(events, stopped, "node " + lostNode + " was lost (" + why + "); the job stopped");
            if (!"0".equals(lostNode) && !holdsOwnParts(local.resolve("node-" + lostNode), lostNode) && nodes > 1) {
                nodes--; // its disk went with it: the others take its part
            }
            err.println(PREFIX + "node " + lostNode + " was lost (" + why + "); recovering the job from its newest "
                    + "checkpoint in " + dirNow + " on " + nodes + (nodes == 1 ? " node" : " nodes"));
            err.flush();
            jobs.add(newJobId());
            status = restore(options, nodes, dirNow, jobs, stopped, events, relay, agentJar, ownJava);
        }
        return status;
    }

    /** Restores the job (its newest id last in {@code jobs}) from a checkpoint on some nodes; its exit status. */
    private static int restore(LauncherOptions options, int nodes, String checkpoint, List<String> jobs, long stopped,
                               CharSequence events, OutputRelay relay, Path agentJar, String ownJava)
            throws UsageException {
        List<String> args = new ArrayList<>(List.of("--nodes", Integer.toString(nodes)));
        if (options.stats()) {
            args.add("--stats");
        }
        if (options.verbose()) {
            args.add("--verbose");
        }
        args.add(checkpoint);
        RestoreCommand.Plan plan = RestoreCommand.plan(RestoreCommand.parse(args), () -> ownJava);
        Path where = outputNote();
        try {
            return ChildSupervisor.run(plan.command(agentJar, ",job=" + jobs.get(jobs.size() - 1)),
                    Map.of(STOPPED_AT, Long.toString(stopped), EVENTS, events.toString(), RESTARTS, "1"), relay,
                    () -> printedAt(where, relay.shown()), where);
        } finally {
            deleteQuietly(where);
        }
    }

    private static void event(StringBuilder events, long at, String what) {
        events.append(at).append('\t').append(what.replace('\n', ' ')).append('\n');
    }

    /** The node count a job that takes a node in asks for ({@code nodes=} of its resize note); 0 if none. */
    private static int nodesAsked(Path note) {
        String n = read(note).getProperty("nodes", "");
        return n.matches("\\d{1,3}") && Integer.parseInt(n) >= 2 && Integer.parseInt(n) <= LauncherOptions.MAX_NODES
                ? Integer.parseInt(n) : 0;
    }

    /** A file name for the restored node 0 to say in where the output stood (it writes it; the relay reads it). */
    private static Path outputNote() throws UsageException {
        try {
            Path f = Files.createTempFile("ssi-java-output", ".note");
            Files.delete(f);
            return f;
        } catch (IOException e) {
            throw new UsageException("cannot make a temporary file: " + e.getMessage(), false);
        }
    }

    /** Where the restored job's output starts; without a word from it, where the shown output ends (drop none). */
    private static long printedAt(Path note, long shown) {
        try {
            return Long.parseLong(Files.readString(note).trim());
        } catch (IOException | NumberFormatException e) {
            return shown;
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            // a temporary file: the system cleans it up
        }
    }

    /**
     * The job directory of the newest job of the chain (a job, then each restore of it) with a committed checkpoint
     * and its job file: in a node's local directory, else the stable one.
     */
    private static Optional<Path> newestRestorable(Path local, Optional<Path> stable, List<String> jobs) {
        for (int j = jobs.size() - 1; j >= 0; j--) {
            List<Path> roots = new ArrayList<>();
            try (Stream<Path> s = Files.list(local)) {
                s.filter(p -> p.getFileName().toString().matches("node-\\d+")).sorted().forEach(roots::add);
            } catch (IOException e) {
                // no local directories left
            }
            stable.ifPresent(roots::add);
            for (Path root : roots) {
                Optional<Path> dir = jobDir(root, jobs.get(j));
                if (dir.isPresent() && hasCommitted(dir.get())) {
                    return dir;
                }
            }
        }
        return Optional.empty();
    }

    /** The directory of the job with this id under a checkpoint root, if it holds the job's file. */
    private static Optional<Path> jobDir(Path root, String jobId) {
        return Optional.of(root.resolve(jobDirName(jobId))).filter(d -> Files.isRegularFile(d.resolve(JobFile.NAME)));
    }

    /**
     * {@code job-HEX}: the directory a job's checkpoints go in, named by 64 bits of the SHA-256 of its id (as the
     * agent's {@code CheckpointConfig.jobNumber} names it; the launcher runs on the JDK alone).
     */
    static String jobDirName(String jobId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(jobId.getBytes(StandardCharsets.UTF_8));
            long n = 0;
            for (int i = 0; i < 8; i++) {
                n = n << 8 | (d[i] & 0xff);
            }
            return "job-" + Long.toHexString(n == 0 ? 1 : n);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    /** Whether a node's directory still holds a part it wrote itself (else its disk is taken as lost with it). */
    private static boolean holdsOwnParts(Path nodeDir, String node) {
        if (!Files.isDirectory(nodeDir)) {
            return false;
        }
        String part = "node-" + node + ".part";
        try (Stream<Path> s = Files.walk(nodeDir, 3)) {
            return s.anyMatch(p -> p.getFileName().toString().equals(part));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static boolean hasCommitted(Path jobDir) {
        try (Stream<Path> s = Files.list(jobDir)) {
            return s.anyMatch(c -> c.getFileName().toString().startsWith("ckpt-")
                    && Files.isRegularFile(c.resolve("commit")));
        } catch (IOException e) {
            return false;
        }
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // not there, or not readable: nothing known
        }
        return p;
    }
}
