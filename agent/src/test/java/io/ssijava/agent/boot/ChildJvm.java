package io.ssijava.agent.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child process for tests. Its stdout and stderr go to files, not pipes: the JDK closes a
 * child's pipes once the child exits, so output that its own children (worker nodes) write
 * afterwards would be lost, and files never block a chatty child. {@link #close()} kills it
 * and every descendant ever seen, so no test leaves processes behind.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();

    private ChildJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static ChildJvm start(List<String> command, Map<String, String> env) throws IOException {
        Path out = Files.createTempFile("child-", ".out");
        Path err = Files.createTempFile("child-", ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        return new ChildJvm(pb.start(), out, err);
    }

    Process process() {
        return process;
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a stdout line starting with {@code prefix} and returns it. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            process.descendants().forEach(seen::add);
            String text = stdout();
            // Only complete lines: the pump may have appended half of one so far.
            String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
            for (String line : lines) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line starting with '" + prefix + "' within " + timeout
                + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
    }

    /** Waits for the process to exit and returns its status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        process.descendants().forEach(seen::add);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process did not exit within " + timeout
                    + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** Waits until the given processes are all gone; true if they are. */
    static boolean awaitGone(List<Long> pids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pids.stream().noneMatch(ChildJvm::alive)) {
                return true;
            }
            Thread.sleep(20);
        }
        return pids.stream().noneMatch(ChildJvm::alive);
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Remembers a process (e.g. a worker pid the child printed) so close() kills it too. */
    void track(long pid) {
        ProcessHandle.of(pid).ifPresent(seen::add);
    }

    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        all.addAll(seen);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Best effort: it was sent SIGKILL.
            }
        }
        try {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        } catch (IOException e) {
            // Temp files; the OS cleans up eventually.
        }
    }
}
