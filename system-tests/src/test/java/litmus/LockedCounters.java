package litmus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion with a {@link ReentrantLock} whose state and the data it guards live on different nodes:
 * main makes the lock, a thread that runs elsewhere makes the counters. Workers on every node add to two counters
 * and a histogram under the lock. Each reads what the previous holder wrote, so an acquire that sees the lock
 * free before the previous holder's writes reach its node reads stale counters: the two disagree, or updates are
 * lost from the totals.
 */
public final class LockedCounters {

    static final int WORKERS = 3;
    static final int ROUNDS = 150;

    static final class Counters {
        long a;
        long b;
        final int[] cells = new int[7];
        int torn;
    }

    private LockedCounters() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        final ReentrantLock lock = new ReentrantLock();
        final Counters[] made = new Counters[1];
        Thread maker = new Thread(() -> {
            Where.report("maker");
            made[0] = new Counters();
        }, "maker");
        maker.start();
        maker.join();
        final Counters c = made[0];
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Thread t = new Thread(() -> {
                Where.report(Thread.currentThread().getName());
                for (int i = 0; i < ROUNDS; i++) {
                    lock.lock();
                    try {
                        long a = c.a;
                        long b = c.b;
                        if (a != b) {
                            c.torn++;
                        }
                        c.a = a + 1;
                        c.b = b + 1;
                        c.cells[(int) (a % c.cells.length)]++;
                    } finally {
                        lock.unlock();
                    }
                }
            }, "worker-" + w);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        List<String> failures = new ArrayList<>();
        long want = (long) WORKERS * ROUNDS;
        long cells = 0;
        for (int v : c.cells) {
            cells += v;
        }
        if (c.a != want || c.b != want || cells != want) {
            failures.add("lost updates: a=" + c.a + " b=" + c.b + " cells=" + cells + ", expected " + want);
        }
        if (c.torn != 0) {
            failures.add(c.torn + " holders saw the counters disagree");
        }
        Where.verdict(failures);
    }
}
