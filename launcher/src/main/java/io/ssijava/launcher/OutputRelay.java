package io.ssijava.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
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
    private long shown;

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
     * @return the thread that passes it on; it ends with the process's output
     */
    Thread relay(Process process, LongSupplier start) {
        Thread t = new Thread(() -> copy(process.getInputStream(), start), "ssi-java-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    void copy(InputStream in, LongSupplier start) {
        byte[] buf = new byte[8192];
        long at = -1;
        long dropped = 0;
        boolean told = false;
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (at < 0) {
                    at = Math.min(start.getAsLong(), shown);
                }
                int drop = (int) Math.max(0, Math.min(n, shown - at));
                dropped += drop;
                if (drop < n) {
                    if (dropped > 0 && !told) {
                        told = true;
                        err.println("ssi-java: the restored job printed again " + dropped + " bytes that the failed "
                                + "job had shown after the checkpoint; they are shown once");
                        err.flush();
                    }
                    out.write(buf, drop, n - drop);
                    out.flush();
                }
                at += n;
                shown = Math.max(shown, at);
            }
        } catch (IOException e) {
            // the job's output closed, or ours did: nothing more to pass on
        }
    }

    /** @return bytes of the program's output shown so far. */
    long shown() {
        return shown;
    }
}
