package litmus;

/**
 * Threads (on other nodes) die of an uncaught exception: each one's
 * {@code Exception in thread "NAME" ...} appears on stderr, and the program goes on and exits 0,
 * as with plain java. The threads die one after the other, so that their traces do not interleave.
 */
public final class UncaughtInThread {

    static final int THREADS = 2;

    private UncaughtInThread() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            final int t = i;
            threads[i] = new Thread(() -> {
                Where.report("thrower-" + t);
                throw new IllegalStateException("boom from thrower-" + t);
            }, "thrower-" + i);
            threads[i].start();
            // one at a time: two dying threads would print their traces into each other on the shared stderr
            threads[i].join();
        }
        System.out.println("main finished after " + THREADS + " threads died");
        Where.verdict(java.util.List.of());
    }
}
