package io.ssijava.launcher;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs node 0 as a child process sharing the launcher's stdin, stdout and stderr, waits for
 * it, and makes sure no node survives the launcher: a shutdown hook (Ctrl-C, {@code kill})
 * terminates node 0 and all its descendants, the worker nodes.
 */
public final class ChildSupervisor {

    /** How long node 0 and the workers get to run their own shutdown before SIGKILL. */
    public static final Duration GRACE = Duration.ofSeconds(3);

    private ChildSupervisor() {
    }

    /**
     * Starts the command, waits for it and returns its exit status (128 + signal number
     * when a signal ended it).
     *
     * @param command the command
     * @return the child's exit status
     * @throws UsageException when the command cannot be started (exit status 2)
     */
    public static int run(List<String> command) throws UsageException {
        return run(command, java.util.Map.of(), null, null, null);
    }

    /**
     * As {@link #run(List)}, with the job's output passed on by a relay.
     *
     * @param command   the command
     * @param env       variables added to the child's environment (for a restored job: when and why the job it
     *                  goes on from stopped, for node 0's report of the recovery)
     * @param relay     passes the job's standard output on; null: node 0 writes to the launcher's own
     * @param start     where the program's output stood at the job's checkpoint (for the relay)
     * @param note      the file in which a restored node 0 says where the output stood; null for none
     * @return the child's exit status
     * @throws UsageException when the command cannot be started (exit status 2)
     */
    static int run(List<String> command, java.util.Map<String, String> env, OutputRelay relay,
                   java.util.function.LongSupplier start, java.nio.file.Path note) throws UsageException {
        Process child;
        OutputRelay.Relaying relaying = null;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().putAll(env);
            if (note != null) {
                pb.environment().put(Recovery.OUTPUT_NOTE, note.toString());
            }
            if (relay != null) {
                pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
            }
            child = pb.start();
            if (relay != null) {
                relaying = relay.relay(child, start);
            }
        } catch (IOException e) {
            throw new UsageException("cannot start '" + command.get(0) + "': " + e.getMessage()
                    + " (use --java PATH or JAVA_HOME to choose a java)", false);
        }
        Thread hook = new Thread(() -> terminateTree(child), "ssi-java-terminate-nodes");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int status = waitFor(child);
            if (relaying != null) {
                relaying.finish(GRACE.toMillis() * 2); // the workers may still hold the output open a moment
            }
            return status;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down: the hook is running and does the clean-up.
            }
        }
    }

    private static int waitFor(Process child) {
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            // Nobody interrupts the launcher's main thread on purpose; end the job cleanly.
            terminateTree(child);
            Thread.currentThread().interrupt();
            return child.isAlive() ? 1 : child.exitValue();
        }
    }

    /**
     * Terminates a process and all its descendants: SIGTERM to all, wait up to
     * {@link #GRACE}, then SIGKILL to what is left. The descendants are listed first, while
     * the process still runs: once it is gone its children are re-parented and can no longer
     * be found from it.
     *
     * @param root the process
     */
    static void terminateTree(Process root) {
        if (!root.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(0, root.toHandle());
        tree.forEach(ProcessHandle::destroy);
        if (!awaitAll(tree, GRACE)) {
            root.descendants().forEach(h -> {
                if (!tree.contains(h)) {
                    tree.add(h);
                }
            });
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitAll(tree, Duration.ofSeconds(2));
        }
    }

    private static boolean awaitAll(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
