package migration;

/**
 * Compute threads that are subclasses of Thread, which a migration test keeps moving between nodes: each mixes a
 * value through nested loops and calls, keeps its state in its own fields, and checks at every step that it is still
 * itself (Thread.currentThread() is this object, with its name and id), then prints its result.
 *
 * Arguments: [threads=3] [rounds=300]
 */
public class SubclassWorkers {

    static final class Worker extends Thread {
        final int seed;
        final int rounds;
        long result;
        int identityErrors;

        Worker(int seed, int rounds) {
            super("subclass-worker-" + seed);
            this.seed = seed;
            this.rounds = rounds;
        }

        @Override
        public void run() {
            String name = getName();
            long tid = getId();
            for (int k = 0; k < rounds; k++) {
                result = result * 7 + work(seed + k, 20_000);
                Thread now = Thread.currentThread();
                if (now != this || !name.equals(now.getName()) || now.getId() != tid) {
                    identityErrors++;
                }
            }
        }
    }

    static long work(int seed, int n) {
        long acc = seed;
        for (int i = 0; i < n; i++) {
            acc = acc * 31 + (i ^ (acc >>> 7)) % 1_000_003;
        }
        return acc;
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Worker[] ws = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            ws[t] = new Worker(t, rounds);
            ws[t].start();
        }
        for (Worker w : ws) {
            w.join();
        }
        for (Worker w : ws) {
            System.out.println(w.getName() + " = " + w.result + ", identity errors " + w.identityErrors);
        }
    }
}
