package litmus;

/**
 * Which process a thread runs in, told with plain Java only: {@link #init()} records the pid of
 * the process that runs main, {@link #report(String)} prints a note on stderr when the calling
 * thread runs in a different process. Under plain java nothing is ever printed; on a cluster the
 * system tests use the note to check that the program really ran threads on other nodes.
 */
public final class Where {

    /** The pid of the process that ran main; written by main before it starts any thread. */
    static long mainPid;

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
            System.err.println("litmus: " + who + " ran in another process");
        }
        return remote;
    }

    /**
     * Prints the verdict and exits 1 on failure.
     *
     * @param failures what went wrong, one entry per failed check; empty for success
     */
    static void verdict(java.util.List<String> failures) {
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
