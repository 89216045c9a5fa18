package io.ssijava.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A process started by {@link ProcessRunner#start()}.
 *
 * <p>Output goes to temporary files rather than pipes. Why: a file never fills up, so a
 * chatty child cannot block and nothing needs draining threads; and the JDK closes a child's
 * pipes once the child exits, which would lose what its descendants (worker nodes) write
 * after it, and make them fail writing. The files are read for {@link #stdout()} and deleted
 * by {@link #close()}.
 *
 * <p>A daemon thread records the process's descendants every 100 ms, because orphans cannot
 * be found from the parent once it has exited; everything recorded is killed on timeout and
 * on close. Closing is idempotent; unclosed instances are closed by
 * {@link ProcessCleanupExtension} after each test and by a JVM shutdown hook.
 */
public final class RunningProcess implements AutoCloseable {

    private static final Set<RunningProcess> OPEN = ConcurrentHashMap.newKeySet();
    private static final long TRACK_INTERVAL_MS = 100;
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RunningProcess::closeAll, "ssi-test-process-cleanup"));
    }

    private final Process process;
    private final Path outFile;
    private final Path errFile;
    private final Path tempDir;
    private final Charset charset;
    private final long startNanos;
    private final long deadlineNanos;
    private final Duration descendantGrace;
    private final boolean threadDumpOnTimeout;
    /** Every descendant ever seen, in discovery order (parents before their children). */
    private final Set<ProcessHandle> seen = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Thread tracker;
    private volatile boolean closed;
    private ProcessRunner.Result result;
    private volatile String finalOut;
    private volatile String finalErr;

    private RunningProcess(Process process, Path tempDir, Charset charset, long startNanos, Duration timeout,
                           Duration descendantGrace, boolean threadDumpOnTimeout) {
        this.process = process;
        this.tempDir = tempDir;
        this.outFile = tempDir.resolve("stdout");
        this.errFile = tempDir.resolve("stderr");
        this.charset = charset;
        this.startNanos = startNanos;
        this.deadlineNanos = startNanos + timeout.toNanos();
        this.descendantGrace = descendantGrace;
        this.threadDumpOnTimeout = threadDumpOnTimeout;
        this.tracker = new Thread(this::track, "ssi-test-process-tracker-" + process.pid());
        tracker.setDaemon(true);
    }

    static RunningProcess start(ProcessBuilder pb, byte[] stdin, Charset charset, Duration timeout,
                                Duration descendantGrace, boolean threadDumpOnTimeout) throws IOException {
        Path dir = Files.createTempDirectory("ssi-test-process-");
        pb.redirectOutput(dir.resolve("stdout").toFile());
        pb.redirectError(dir.resolve("stderr").toFile());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            deleteQuietly(dir);
            throw e;
        }
        RunningProcess rp = new RunningProcess(p, dir, charset, start, timeout, descendantGrace, threadDumpOnTimeout);
        OPEN.add(rp);
        rp.tracker.start();
        feed(p, stdin);
        return rp;
    }

    /** Writes stdin on its own thread: a child that does not read must not block us. */
    private static void feed(Process p, byte[] stdin) {
        Thread t = new Thread(() -> {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException e) {
                // The child exited or closed stdin without reading it all: not our problem.
            }
        }, "ssi-test-process-stdin-" + p.pid());
        t.setDaemon(true);
        t.start();
    }

    private void track() {
        while (!closed) {
            recordDescendants();
            ProcessTree.sleepQuietly(TRACK_INTERVAL_MS);
        }
    }

    private void recordDescendants() {
        process.descendants().forEach(seen::add);
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /** @return the process handle */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** @return whether the process (not its descendants) still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Descendants seen so far that still run.
     *
     * @return live descendants, parents before children
     */
    public List<ProcessHandle> liveDescendants() {
        recordDescendants();
        synchronized (seen) {
            return seen.stream().filter(ProcessTree::isAlive).collect(Collectors.toList());
        }
    }

    /** @return everything written to stdout so far (by the process and its descendants) */
    public String stdout() {
        return finalOut != null ? finalOut : read(outFile);
    }

    /** @return everything written to stderr so far (by the process and its descendants) */
    public String stderr() {
        return finalErr != null ? finalErr : read(errFile);
    }

    /**
     * Waits until stdout contains some text.
     *
     * @param text    the text
     * @param timeout how long to wait at most
     * @return stdout at that moment
     * @throws AssertionError when the text does not appear in time (message has both outputs)
     */
    public String awaitStdout(String text, Duration timeout) {
        return await("stdout", this::stdout, text, timeout);
    }

    /**
     * Waits until stderr contains some text.
     *
     * @param text    the text
     * @param timeout how long to wait at most
     * @return stderr at that moment
     * @throws AssertionError when the text does not appear in time (message has both outputs)
     */
    public String awaitStderr(String text, Duration timeout) {
        return await("stderr", this::stderr, text, timeout);
    }

    private String await(String stream, Supplier<String> source, String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean running = process.isAlive() || !liveDescendants().isEmpty();
            String now = source.get();
            if (now.contains(text)) {
                return now;
            }
            if (!running || System.nanoTime() >= deadline) {
                throw new AssertionError("'" + text + "' did not appear on " + stream
                        + (running ? " within " + timeout.toMillis() + " ms" : " before the process ended")
                        + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr() + "\n--- end ---");
            }
            ProcessTree.sleepQuietly(20);
        }
    }

    /**
     * Sends a signal to the process (Unix), e.g. {@code "INT"} for Ctrl-C, {@code "TERM"}.
     *
     * @param signal the signal name without {@code SIG}
     */
    public void signal(String signal) {
        ProcessTree.signal(process.pid(), signal);
    }

    /**
     * Waits for the process to exit, or kills the whole tree when the runner's timeout
     * passes; then gives descendants still running the grace period and kills them too.
     * Repeated calls return the same result.
     *
     * @return the result
     */
    public synchronized ProcessRunner.Result await() {
        if (result != null) {
            return result;
        }
        boolean timedOut = false;
        try {
            long left = deadlineNanos - System.nanoTime();
            if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                killTree(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(false);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        int status = waitForExitValue();
        // Descendants that outlive the process get a moment to finish (and write their output).
        List<ProcessHandle> survivors = liveDescendants();
        if (!survivors.isEmpty() && !ProcessTree.awaitGone(survivors, descendantGrace)) {
            ProcessTree.killAll(survivors, KILL_WAIT);
        }
        finalOut = read(outFile);
        finalErr = read(errFile);
        result = new ProcessRunner.Result(status, finalOut, finalErr, timedOut, took);
        return result;
    }

    private int waitForExitValue() {
        try {
            if (process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /** Kills the process and every descendant seen, after thread dumps when asked for. */
    private void killTree(boolean dumpThreads) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(liveDescendants());
        if (dumpThreads && threadDumpOnTimeout) {
            boolean any = false;
            for (ProcessHandle h : tree) {
                if (ProcessTree.isAlive(h) && ProcessTree.isJava(h)) {
                    try {
                        ProcessTree.signal(h.pid(), "QUIT");
                        any = true;
                    } catch (IllegalStateException e) {
                        // It may have exited meanwhile; the dump is a nicety.
                    }
                }
            }
            if (any) {
                ProcessTree.sleepQuietly(500);
            }
        }
        ProcessTree.killAll(tree, KILL_WAIT);
        // Our own child is dead once the JDK has reaped it; wait for that, so isAlive() agrees.
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills the process and all its descendants that still run, waits for them, and deletes
     * the output files. Output stays readable through {@link #stdout()} / {@link #stderr()}.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (result == null) {
            killTree(false);
        }
        List<ProcessHandle> survivors = liveDescendants();
        if (!survivors.isEmpty()) {
            ProcessTree.killAll(survivors, KILL_WAIT);
        }
        if (finalOut == null) {
            finalOut = read(outFile);
            finalErr = read(errFile);
        }
        closed = true;
        tracker.interrupt();
        OPEN.remove(this);
        deleteQuietly(tempDir);
    }

    /** Closes every process not closed yet (used after each test and at JVM exit). */
    public static void closeAll() {
        for (RunningProcess p : new ArrayList<>(OPEN)) {
            p.close();
        }
    }

    /** @return how many started processes are not closed yet */
    static int openCount() {
        return OPEN.size();
    }

    private String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, charset) : "";
        } catch (MalformedInputException e) {
            // Partial multi-byte character at the end of a growing file, or a binary output.
            try {
                return new String(Files.readAllBytes(file), charset);
            } catch (IOException again) {
                throw new UncheckedIOException(again);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        for (String name : List.of("stdout", "stderr")) {
            try {
                Files.deleteIfExists(dir.resolve(name));
            } catch (IOException e) {
                // A temp file; the OS cleans up eventually.
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Same.
        }
    }
}
