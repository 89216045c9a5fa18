package jdkshared;

import java.util.List;
import java.util.Objects;

/**
 * Which process a thread runs in, and the verdict, for the programs of this package (as
 * {@code litmus.Where} does for the litmus programs): {@link #init()} records the pid of the
 * process that runs main, {@link #report(String)} prints a note on stderr when the calling thread
 * runs in a different process. Under plain java nothing is ever printed; on a cluster the system
 * tests use the note to check that JDK objects really were used from other nodes.
 */
public final class Where {

    /** The pid of the process that ran main; written by main before it starts any thread. */
    static long mainPid;

    /** A thread's body; checked exceptions end the thread as uncaught exceptions. */
    interface Body {
        void run() throws Exception;
    }

    private Where() {
    }

    /** Called first thing in main. */
    static void init() {
        mainPid = ProcessHandle.current().pid();
    }

    /**
     * Notes on stderr that the calling thread runs in another process than main's.
     *
     * @param who what runs here, for the note
     * @return whether it does
     */
    static boolean report(String who) {
        boolean remote = ProcessHandle.current().pid() != mainPid;
        if (remote) {
            System.err.println("jdkshared: " + who + " ran in another process");
        }
        return remote;
    }

    /**
     * Starts a thread that reports where it runs, then runs the body. A body that throws leaves
     * its work undone, which main's checks then name.
     *
     * @param name the thread's name, also used for the note
     * @param body what it does
     * @return the started thread
     */
    static Thread start(String name, Body body) {
        Thread t = new Thread(() -> {
            report(name);
            try {
                body.run();
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
            }
        }, name);
        t.start();
        return t;
    }

    /**
     * Joins threads in order.
     *
     * @param threads the threads
     * @throws InterruptedException if main is interrupted
     */
    static void joinAll(Thread... threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Adds a failure when a value is not the expected one.
     *
     * @param failures where failures go
     * @param what     what was checked
     * @param got      the value seen
     * @param want     the value expected
     */
    static void check(List<String> failures, String what, Object got, Object want) {
        if (!Objects.equals(got, want)) {
            failures.add(what + ": got [" + got + "], expected [" + want + "]");
        }
    }

    /**
     * Prints the verdict and exits 1 on failure.
     *
     * @param failures what went wrong, one entry per failed check; empty for success
     */
    static void verdict(List<String> failures) {
        if (failures.isEmpty()) {
            System.out.println("OK");
            System.out.flush();
            return;
        }
        for (String f : failures) {
            System.out.println("FAIL " + f);
        }
        System.out.flush();
        System.exit(1);
    }
}
