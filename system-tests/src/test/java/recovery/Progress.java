package recovery;

import java.util.Locale;

/**
 * Workers advance a shared state in rounds, and main prints a line after every round: output that grows while the
 * job runs, for the recovery tests (a restored job must go on from its checkpoint's place in it, printing nothing
 * twice). Deterministic: each worker owns its slots; rounds are separated by a monitor-based barrier.
 * <p>
 * {@code java recovery.Progress [threads=3] [rounds=60] [work=400000]}, work being steps of a generator per round
 */
public final class Progress {

    private final long[] slots;
    private final int threads;
    private int arrived;
    private int generation;

    private Progress(int threads) {
        this.threads = threads;
        this.slots = new long[threads * 8];
    }

    private synchronized void barrier() throws InterruptedException {
        int gen = generation;
        if (++arrived == threads + 1) {
            arrived = 0;
            generation++;
            notifyAll();
        } else {
            while (gen == generation) {
                wait();
            }
        }
    }

    private void work(int id, int rounds, int work) throws InterruptedException {
        for (int r = 0; r < rounds; r++) {
            long x = slots[id * 8] + r;
            for (int i = 0; i < work; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            slots[id * 8] = x;
            barrier(); // the workers' writes are done
            barrier(); // main has read them
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int work = args.length > 2 ? Integer.parseInt(args[2]) : 400_000;
        Progress p = new Progress(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                try {
                    p.work(id, rounds, work);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers[t].start();
        }
        for (int r = 0; r < rounds; r++) {
            p.barrier();
            long sum = 0;
            for (int t = 0; t < threads; t++) {
                sum += p.slots[t * 8];
            }
            System.out.println(String.format(Locale.ROOT, "round %d: %016x", r, sum));
            p.barrier();
        }
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("done");
    }
}
