package io.ssijava.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Small helpers for processes that are not necessarily our children (worker nodes are
 * grandchildren of a test): liveness that treats zombies as dead, waiting, killing, signals.
 */
public final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Whether a process is running. Unlike {@link ProcessHandle#isAlive()}, a zombie (exited,
     * not yet reaped, which happens to orphans in containers whose init does not reap) counts
     * as dead.
     *
     * @param process the process
     * @return true while it runs
     */
    public static boolean isAlive(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            // /proc/<pid>/stat: "pid (comm) S ..."; comm may contain spaces and parentheses.
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux) or the process just vanished: trust the JDK.
            return process.isAlive();
        }
    }

    /**
     * Whether a process with this pid is running.
     *
     * @param pid the pid
     * @return true while it runs
     */
    public static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessTree::isAlive).orElse(false);
    }

    /**
     * Waits until none of the processes runs any more.
     *
     * @param processes the processes
     * @param timeout   how long to wait at most
     * @return true when all are gone
     */
    public static boolean awaitGone(Collection<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessTree::isAlive)) {
            if (System.nanoTime() >= deadline || Thread.currentThread().isInterrupted()) {
                return false;
            }
            sleepQuietly(20);
        }
        return true;
    }

    /**
     * Kills the processes (SIGKILL) and waits for them to be gone.
     *
     * @param processes the processes; the first ones are killed first, so list parents before
     *                  children to keep them from starting new ones
     * @param wait      how long to wait for them to be gone
     * @return true when all are gone
     */
    public static boolean killAll(Collection<ProcessHandle> processes, Duration wait) {
        for (ProcessHandle p : processes) {
            if (p.pid() != ProcessHandle.current().pid()) {
                p.destroyForcibly();
            }
        }
        return awaitGone(processes, wait);
    }

    /**
     * Sends a signal with {@code kill -s NAME pid} (Unix only).
     *
     * @param pid    the process
     * @param signal the signal name without {@code SIG}, e.g. {@code INT}, {@code TERM}, {@code QUIT}
     * @throws IllegalStateException when {@code kill} fails
     */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder(List.of("kill", "-s", signal, Long.toString(pid)))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes());
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + pid, e);
        }
    }

    /**
     * Whether a process runs a {@code java} executable.
     *
     * @param process the process
     * @return true for JVMs (as far as the OS tells)
     */
    public static boolean isJava(ProcessHandle process) {
        return process.info().command()
                .map(c -> c.endsWith("/java") || c.endsWith("\\java.exe") || c.equals("java"))
                .orElse(false);
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
