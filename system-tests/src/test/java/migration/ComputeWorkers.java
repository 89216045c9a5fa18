package migration;

/**
 * Compute threads that a migration test keeps moving between nodes: each mixes a value through nested loops and
 * calls, checks at every step that it is still itself (same thread object, name and id, the id main sees too, and
 * the same thread-locals), and prints its result.
 */
public class ComputeWorkers {
    /** Thread-locals must follow a thread that moves: a boxed counter, and an array the thread keeps counting in. */
    static final ThreadLocal<Long> ROUND = new ThreadLocal<>();
    static final ThreadLocal<int[]> TRAIL = ThreadLocal.withInitial(() -> new int[1]);

    static long step(long acc, int i) {
        return acc * 31 + (i ^ (acc >>> 7)) % 1_000_003;
    }

    static long work(int seed, int n) {
        long acc = seed;
        for (int i = 0; i < n; i++) {
            acc = step(acc, i);
        }
        return acc;
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        long[] out = new long[threads];
        int[] identityErrors = new int[threads];
        long[] ids = new long[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int id = t;
            ts[t] = new Thread(() -> {
                Thread self = Thread.currentThread();
                String name = self.getName();
                long tid = self.getId();
                ids[id] = tid;
                long r = 0;
                ROUND.set((long) id * 1_000_000);
                for (int k = 0; k < rounds; k++) {
                    Long last = ROUND.get();
                    int[] trail = TRAIL.get();
                    if (last == null || last != (long) id * 1_000_000 + k || trail[0] != k) {
                        identityErrors[id]++; // a thread-local lost or stale after a move
                    }
                    ROUND.set(last == null ? 0 : last + 1);
                    trail[0]++;
                    r = r * 7 + work(id + k, 20_000);
                    Thread now = Thread.currentThread();
                    if (now != self || !name.equals(now.getName()) || now.getId() != tid) {
                        identityErrors[id]++;
                    }
                }
                out[id] = r;
            }, "worker-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        for (int t = 0; t < threads; t++) {
            if (ids[t] != ts[t].getId()) {
                identityErrors[t]++; // the thread's own id is the one the program sees from main
            }
            System.out.println("worker-" + t + " = " + out[t] + ", identity errors " + identityErrors[t]);
        }
    }
}
