package io.ssijava.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code ssi-java jobs|status|threads|nodes|migrate|placement|checkpoint|checkpoints|metrics|stop}: steers a
 * running job from another terminal. A job's node 0 writes a job file (control port and secret, readable by the
 * job's owner only) into the run directory; these commands read it, prove the secret to the job and print its
 * answer.
 */
final class ControlClient {

    /** The first words of a command line that name a control command rather than a program to run. */
    static final Set<String> COMMANDS = Set.of("jobs", "status", "threads", "nodes", "migrate", "placement",
            "checkpoint", "checkpoints", "metrics", "console", "stop");
    private static final String PREFIX = "ssi-java: ";
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 60_000;
    /** A checkpoint waits for every thread's safe point, then writes every node's part: it may take minutes. */
    private static final int CHECKPOINT_READ_TIMEOUT_MS = 10 * 60_000;

    /** A running job as its file describes it. */
    record JobInfo(String id, Path file, String host, int port, String secret, long pid, String nodes, String main,
                   String started) {
    }

    private ControlClient() {
    }

    /**
     * @return 0 when the job answered OK, 1 when it refused the command, 2 for usage errors or no job to talk to,
     *         3 when a move was asked but has not happened yet
     */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> properties,
                   Function<String, String> environment) {
        List<String> words = new ArrayList<>(List.of(args));
        String command = words.remove(0);
        String jobId = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--help") || w.equals("-h")) {
                out.print(HelpText.controlHelp());
                return 0;
            }
            if (w.equals("--job") || w.startsWith("--job=")) {
                if (w.equals("--job") && i + 1 >= words.size()) {
                    err.println(PREFIX + "--job needs a job id (see ssi-java jobs)");
                    return 2;
                }
                jobId = w.equals("--job") ? words.remove(i + 1) : w.substring("--job=".length());
                words.remove(i--);
            }
        }
        Path dir = runDirectory(properties, environment);
        List<JobInfo> jobs;
        try {
            jobs = runningJobs(dir);
        } catch (IOException e) {
            err.println(PREFIX + "cannot read the run directory " + dir + ": " + e.getMessage());
            return 2;
        }
        if (command.equals("jobs")) {
            if (!words.isEmpty()) {
                err.println(PREFIX + "jobs takes no arguments");
                return 2;
            }
            out.printf("%-10s %-8s %-5s %-24s %s%n", "JOB", "PID", "NODES", "STARTED", "MAIN");
            for (JobInfo j : jobs) {
                out.printf("%-10s %-8d %-5s %-24s %s%n", j.id(), j.pid(), j.nodes(), j.started(), j.main());
            }
            return 0;
        }
        JobInfo job;
        try {
            job = choose(jobs, jobId, dir);
        } catch (IllegalStateException e) {
            err.println(PREFIX + e.getMessage());
            return 2;
        }
        return ask(job, command + (words.isEmpty() ? "" : " " + String.join(" ", words)),
                command.equals("checkpoint") ? CHECKPOINT_READ_TIMEOUT_MS : READ_TIMEOUT_MS, out, err);
    }

    static Path runDirectory(Function<String, String> properties, Function<String, String> environment) {
        String given = properties.apply("ssi.run.dir");
        if (given == null || given.isBlank()) {
            given = environment.apply("SSI_JAVA_RUN");
        }
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        String xdg = environment.apply("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ssi-java");
        }
        return Path.of(properties.apply("user.home"), ".ssi-java", "run");
    }

    /** The jobs whose node 0 still runs; files left by a job that died without cleaning up are skipped. */
    static List<JobInfo> runningJobs(Path dir) throws IOException {
        List<JobInfo> jobs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return jobs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.job")) {
            for (Path f : files) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    p.load(r);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(p.getProperty("pid", "-1"));
                    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                    jobs.add(new JobInfo(p.getProperty("job", "?"), f, p.getProperty("host", "127.0.0.1"),
                            Integer.parseInt(p.getProperty("port", "-1")), p.getProperty("secret", ""), pid,
                            p.getProperty("nodes", "?"), p.getProperty("main", "?"), p.getProperty("started", "?")));
                } catch (NumberFormatException damaged) {
                    // not a file a job wrote; ignore it like a stale one
                }
            }
        }
        jobs.sort(Comparator.comparing(JobInfo::started));
        return jobs;
    }

    private static JobInfo choose(List<JobInfo> jobs, String jobId, Path dir) {
        if (jobId != null) {
            for (JobInfo j : jobs) {
                if (j.id().equals(jobId)) {
                    return j;
                }
            }
            throw new IllegalStateException("no running job with id " + jobId + " in " + dir + describe(jobs));
        }
        if (jobs.size() == 1) {
            return jobs.get(0);
        }
        if (jobs.isEmpty()) {
            throw new IllegalStateException("no running ssi-java job of yours found in " + dir);
        }
        throw new IllegalStateException(jobs.size() + " jobs are running; choose one with --job ID" + describe(jobs));
    }

    private static String describe(List<JobInfo> jobs) {
        StringBuilder sb = new StringBuilder(jobs.isEmpty() ? "" : "; running:");
        for (JobInfo j : jobs) {
            sb.append(System.lineSeparator()).append("  ").append(j.id()).append("  pid ").append(j.pid())
                    .append("  ").append(j.main());
        }
        return sb.toString();
    }

    private static int ask(JobInfo job, String line, int readTimeoutMs, PrintStream out, PrintStream err) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(job.host(), job.port()), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(readTimeoutMs);
            Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            w.write("SSI-CONTROL 1 " + job.secret() + "\n" + line + "\n");
            w.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String l;
            while ((l = in.readLine()) != null) {
                if (l.equals("OK")) {
                    out.flush();
                    return 0;
                }
                if (l.startsWith("PENDING ")) {
                    err.println(PREFIX + l.substring("PENDING ".length()));
                    return 3;
                }
                if (l.startsWith("ERROR ")) {
                    err.println(PREFIX + l.substring("ERROR ".length()));
                    return 1;
                }
                out.println(l);
            }
            err.println(PREFIX + "job " + job.id() + " closed the connection without an answer");
            return 1;
        } catch (IOException e) {
            err.println(PREFIX + "cannot reach job " + job.id() + " at " + job.host() + ":" + job.port() + ": " +
                    e.getMessage());
            return 2;
        }
    }
}
