package io.ssijava.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a command as a child process for a test: working directory, environment, stdin,
 * wall-clock timeout; stdout and stderr captured in full; and no process left behind: on
 * timeout, and when the run ends, the process and all its descendants are killed and waited
 * for.
 *
 * <pre>{@code
 * Result r = ProcessRunner.of("java", "-cp", cp, "Main").timeout(Duration.ofSeconds(30)).run();
 * r.assertSuccess();
 * }</pre>
 *
 * <p>A configured runner is reusable; each {@link #run()} / {@link #start()} starts a new
 * process. For interaction (wait for a line, send a signal) use {@link #start()}, which
 * returns a {@link RunningProcess}.
 */
public final class ProcessRunner {

    /** The timeout used when none is set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** How long descendants get to exit by themselves after the process ends. */
    public static final Duration DEFAULT_DESCENDANT_GRACE = Duration.ofSeconds(5);

    private final List<String> command;
    private Path directory;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration descendantGrace = DEFAULT_DESCENDANT_GRACE;
    private final Map<String, String> envSet = new LinkedHashMap<>();
    private final List<String> envRemoved = new ArrayList<>();
    private String stdin = "";
    private Charset charset = StandardCharsets.UTF_8;
    private boolean threadDumpOnTimeout = true;

    private ProcessRunner(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = List.copyOf(command);
    }

    /**
     * A runner for a command.
     *
     * @param command program and arguments
     * @return the runner
     */
    public static ProcessRunner of(List<String> command) {
        return new ProcessRunner(command);
    }

    /**
     * A runner for a command.
     *
     * @param command program and arguments
     * @return the runner
     */
    public static ProcessRunner of(String... command) {
        return new ProcessRunner(List.of(command));
    }

    /**
     * Runs a command to completion: the short form of
     * {@code of(command).directory(workDir).timeout(timeout).run()}.
     *
     * @param command program and arguments
     * @param workDir working directory, {@code null} for the current one
     * @param timeout wall-clock limit
     * @return the result
     */
    public static Result run(List<String> command, Path workDir, Duration timeout) {
        return of(command).directory(workDir).timeout(timeout).run();
    }

    /**
     * Sets the working directory.
     *
     * @param dir the directory, {@code null} for the test JVM's
     * @return this
     */
    public ProcessRunner directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /**
     * Sets the wall-clock limit; when it passes, the process tree is killed and the result
     * says {@code timedOut}.
     *
     * @param limit the limit
     * @return this
     */
    public ProcessRunner timeout(Duration limit) {
        this.timeout = Objects.requireNonNull(limit, "limit");
        return this;
    }

    /**
     * Sets how long descendants that are still alive when the process exits get to end by
     * themselves before they are killed (worker nodes shutting down, say).
     *
     * @param grace the grace period
     * @return this
     */
    public ProcessRunner descendantGrace(Duration grace) {
        this.descendantGrace = Objects.requireNonNull(grace, "grace");
        return this;
    }

    /**
     * Sets an environment variable for the process (on top of the test JVM's environment).
     *
     * @param name  the variable
     * @param value its value
     * @return this
     */
    public ProcessRunner env(String name, String value) {
        envSet.put(name, value);
        envRemoved.remove(name);
        return this;
    }

    /**
     * Removes a variable from the process's environment.
     *
     * @param name the variable
     * @return this
     */
    public ProcessRunner removeEnv(String name) {
        envSet.remove(name);
        envRemoved.add(name);
        return this;
    }

    /**
     * Sets what the process reads on stdin; stdin is closed after it (empty by default).
     *
     * @param input the text, written in {@link #charset(Charset)}
     * @return this
     */
    public ProcessRunner stdin(String input) {
        this.stdin = Objects.requireNonNull(input, "input");
        return this;
    }

    /**
     * Sets the charset for stdin and for decoding the output (UTF-8 by default).
     *
     * @param cs the charset
     * @return this
     */
    public ProcessRunner charset(Charset cs) {
        this.charset = Objects.requireNonNull(cs, "cs");
        return this;
    }

    /**
     * Whether to ask every JVM in the tree for a thread dump (SIGQUIT, appears on its
     * stdout) before killing it on timeout; on by default, because a hung distributed run
     * is otherwise impossible to diagnose.
     *
     * @param enabled true to take thread dumps
     * @return this
     */
    public ProcessRunner threadDumpOnTimeout(boolean enabled) {
        this.threadDumpOnTimeout = enabled;
        return this;
    }

    /**
     * Runs the command to completion (or timeout) and cleans up every process it started.
     *
     * @return the result
     * @throws UncheckedIOException when the command cannot be started
     */
    public Result run() {
        try (RunningProcess p = start()) {
            return p.await();
        }
    }

    /**
     * Starts the command and returns at once. Close the handle (try-with-resources) to kill
     * what is left; {@link ProcessCleanupExtension} and a JVM shutdown hook do it as a last
     * resort.
     *
     * @return the running process
     * @throws UncheckedIOException when the command cannot be started
     */
    public RunningProcess start() {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        Map<String, String> env = pb.environment();
        envRemoved.forEach(env::remove);
        env.putAll(envSet);
        try {
            return RunningProcess.start(pb, stdin.getBytes(charset), charset, timeout, descendantGrace,
                    threadDumpOnTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** @return the command this runner starts */
    public List<String> command() {
        return command;
    }

    /**
     * What a finished run produced.
     *
     * @param exitCode the exit status (for a process killed by a signal, 128 + signal, so 137
     *                 after a timeout kill)
     * @param stdout   everything written to stdout, by the process and its descendants
     * @param stderr   everything written to stderr, by the process and its descendants
     * @param timedOut whether the timeout killed it
     * @param took     time from start until the process ended
     */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut, Duration took) {

        /**
         * Whether the process exited by itself with status 0.
         *
         * @return true on success
         */
        public boolean succeeded() {
            return exitCode == 0 && !timedOut;
        }

        /**
         * Fails the test unless the process exited by itself with the given status; the
         * failure message holds both outputs.
         *
         * @param expected the status
         * @return this, for chaining
         * @throws AssertionError otherwise
         */
        public Result assertExitCode(int expected) {
            if (timedOut || exitCode != expected) {
                throw new AssertionError("expected exit code " + expected + " but " + summary() + "\n" + describe());
            }
            return this;
        }

        /**
         * Fails the test unless the process exited by itself with status 0.
         *
         * @return this, for chaining
         * @throws AssertionError otherwise
         */
        public Result assertSuccess() {
            return assertExitCode(0);
        }

        /**
         * stdout split into lines (without line terminators).
         *
         * @return the lines
         */
        public List<String> stdoutLines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\\R", -1)).subList(0, lineCount(stdout));
        }

        private static int lineCount(String s) {
            String[] parts = s.split("\\R", -1);
            return parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        }

        private String summary() {
            return timedOut ? "it timed out after " + took.toMillis() + " ms"
                    : "it exited with " + exitCode + " after " + took.toMillis() + " ms";
        }

        /**
         * A readable account for failure messages: status, time and both outputs.
         *
         * @return the description
         */
        public String describe() {
            return summary() + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr + "\n--- end ---";
        }
    }
}
