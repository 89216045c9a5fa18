package io.ssijava.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Passes a job's standard output on (every node prints to node 0's), keeping its place in the program's output
 * across restores: a job restored after a failure prints again what its program printed after the checkpoint, which
 * the failed job may already have shown; those bytes are dropped, so that the output reads as one uninterrupted
 * run's.
 */
final class OutputRelay {

    private final OutputStream out;
    private final PrintStream err;
    /** Bytes of the program's output shown so far. */
    private long shown; // guarded by this

    OutputRelay(OutputStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Starts passing a process's output on.
     *
     * @param process the job's node 0
     * @param start   where the program's output stood when the job's checkpoint was taken (asked when the first
     *                bytes come); for a job started afresh, 0
     * @return the relaying; it ends with the process's output, or when {@linkplain Relaying#finish finished}
     */
    Relaying relay(Process process, LongSupplier start) {
        return relay(process.getInputStream(), start);
    }

    /** As {@link #relay(Process, LongSupplier)}, of a stream. */
    Relaying relay(InputStream in, LongSupplier start) {
        Relaying r = new Relaying();
        r.thread = new Thread(() -> copy(in, start, r), "ssi-java-output");
        r.thread.setDaemon(true);
        r.thread.start();
        return r;
    }

    /** One run's relaying: once its node 0 has ended, what is still in the pipe is passed on, then no more. */
    static final class Relaying {
        /** How long the output must stay quiet after node 0 ended for the rest to count as printed after. */
        private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
        private Thread thread;
        private volatile long lastReadNanos = System.nanoTime();
        private volatile boolean fenced;

        /**
         * Node 0 has ended: waits until the output ends or has been quiet a moment (at most {@code maxMillis}),
         * then fences it. A worker of this run that prints later, such as one that was stopped, declared lost and
         * comes back, is not heard: its bytes are dropped, and counted in one line.
         */
        void finish(long maxMillis) {
            long called = System.nanoTime();
            long deadline = called + TimeUnit.MILLISECONDS.toNanos(maxMillis);
            try {
                // at least a quiet moment after node 0 ended: what it printed last is read before the fence
                while (thread.isAlive() && System.nanoTime() < deadline
                        && System.nanoTime() - Math.max(called, lastReadNanos) < QUIET_NANOS) {
                    thread.join(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            fenced = true;
        }

        /** Waits for the output to end (for tests). */
        void awaitEnd() throws InterruptedException {
            thread.join();
        }
    }

    /** Passes a stream on to its end, in this thread (one run, never fenced). */
    void copy(InputStream in, LongSupplier start) {
        copy(in, start, new Relaying());
    }

    private void copy(InputStream in, LongSupplier start, Relaying run) {
        byte[] buf = new byte[8192];
        long at = -1;
        long dropped = 0;
        boolean told = false;
        long stale = 0;
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (run.fenced) {
                    if (stale == 0) {
                        err.println("ssi-java: dropped output printed by a node of a run that had stopped (it was "
                                + "fenced then)");
                        err.flush();
                    }
                    stale += n;
                    continue;
                }
                run.lastReadNanos = System.nanoTime();
                synchronized (this) {
                    if (at < 0) {
                        at = Math.min(start.getAsLong(), shown);
                    }
                    int drop = (int) Math.max(0, Math.min(n, shown - at));
                    dropped += drop;
                    if (drop < n) {
                        if (dropped > 0 && !told) {
                            told = true;
                            err.println("ssi-java: the restored job printed again " + dropped + " bytes that the "
                                    + "failed job had shown after the checkpoint; they are shown once");
                            err.flush();
                        }
                        out.write(buf, drop, n - drop);
                        out.flush();
                    }
                    at += n;
                    shown = Math.max(shown, at);
                }
            }
        } catch (IOException e) {
            // the job's output closed, or ours did: nothing more to pass on
        }
    }

    /** @return bytes of the program's output shown so far. */
    synchronized long shown() {
        return shown;
    }
}
