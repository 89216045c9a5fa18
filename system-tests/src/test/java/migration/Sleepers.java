package migration;

/**
 * Threads that spend their time in long sleeps between bits of work: a migration test moves them while they sleep.
 * Each checks that its sleeps took at least as long as asked, wherever they ended.
 *
 * Arguments: [threads=2] [sleeps=4] [millis=500]
 */
public class Sleepers {
    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int sleeps = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long millis = args.length > 2 ? Long.parseLong(args[2]) : 500;
        long[] sums = new long[threads];
        boolean[] longEnough = new boolean[threads];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int id = t;
            ts[t] = new Thread(() -> {
                long sum = id;
                boolean ok = true;
                for (int s = 0; s < sleeps; s++) {
                    long start = System.nanoTime();
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        return;
                    }
                    ok &= System.nanoTime() - start >= millis * 1_000_000L;
                    for (int i = 0; i < 1000; i++) {
                        sum = sum * 31 + (i ^ s);
                    }
                }
                sums[id] = sum;
                longEnough[id] = ok;
            }, "sleeper-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        for (int t = 0; t < threads; t++) {
            System.out.println("sleeper-" + t + " = " + sums[t] + ", slept long enough: " + longEnough[t]);
        }
    }
}
