package litmus;

import java.util.List;

/**
 * Runs for a while (args[0] seconds, default 20) with threads that keep updating shared state
 * under a lock, so that every node is busy and talking; prints "started" once all threads run.
 */
public final class LongRunning {

    static final int THREADS = 4;

    static final class Shared {
        long counter;
    }

    private LongRunning() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        Shared shared = new Shared();
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            final int t = i;
            threads[i] = new Thread(() -> {
                Where.report("worker " + t);
                while (System.currentTimeMillis() < deadline) {
                    synchronized (shared) {
                        shared.counter++;
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "worker-" + i);
            threads[i].start();
        }
        System.out.println("started");
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
        Where.verdict(shared.counter > 0 ? List.of() : List.of("counter=" + shared.counter));
    }
}
