package samples;

import java.util.Locale;

/**
 * Computes pi by numeric integration of {@code 4 / (1 + x*x)} over {@code [0, 1]} with the
 * midpoint rule.
 *
 * <p>The interval is cut into {@value #BLOCKS} fixed blocks of consecutive steps, independent of
 * the thread count. Each {@link Worker} thread integrates one contiguous run of blocks and stores
 * the sum of every block into its slot of the shared static {@code partial} array. The main
 * thread joins all workers and adds the slots in index order, so the printed value is the same
 * bit for bit whatever the number of threads and however they are scheduled.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.Pi 4
 *   java -cp samples/target/classes samples.Pi 4 1000000
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.Pi 4
 *
 * Arguments: [threads=4] [steps=100000000]
 * </pre>
 */
public class Pi {

    /** Number of fixed blocks the steps are split into (divisible by 1..8, 10, 12, 14, 15). */
    static final int BLOCKS = 840;

    /** Shared result slots: {@code partial[b]} is the sum over block {@code b}. */
    static double[] partial;

    /** Total number of midpoint steps. */
    static long steps;

    /** Width of one step, {@code 1.0 / steps}. */
    static double width;

    /** Integrates blocks {@code [firstBlock, endBlock)}. */
    static final class Worker extends Thread {
        private final int firstBlock;
        private final int endBlock;

        Worker(int id, int threads) {
            this.firstBlock = (int) ((long) BLOCKS * id / threads);
            this.endBlock = (int) ((long) BLOCKS * (id + 1) / threads);
        }

        @Override
        public void run() {
            for (int b = firstBlock; b < endBlock; b++) {
                long lo = steps * b / BLOCKS;
                long hi = steps * (b + 1) / BLOCKS;
                double sum = 0.0;
                for (long i = lo; i < hi; i++) {
                    double x = (i + 0.5) * width;
                    sum += 4.0 / (1.0 + x * x);
                }
                partial[b] = sum;
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 2) {
            usage();
        }
        int threads = (int) parse(args, 0, 4, 1, 1024);
        steps = parse(args, 1, 100_000_000L, 1, 1_000_000_000_000L);
        width = 1.0 / steps;
        partial = new double[BLOCKS];

        System.out.println("Pi: threads=" + threads + " steps=" + steps);

        Worker[] workers = new Worker[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Worker(t, threads);
            workers[t].start();
        }
        for (Worker w : workers) {
            w.join();
        }

        double total = 0.0;
        for (int b = 0; b < BLOCKS; b++) {
            total += partial[b];
        }
        double pi = total * width;
        System.out.println(String.format(Locale.ROOT, "pi    = %.15f", pi));
        System.out.println(String.format(Locale.ROOT, "error = %.15f", Math.abs(pi - Math.PI)));
    }

    private static long parse(String[] args, int index, long def, long min, long max) {
        if (index >= args.length) {
            return def;
        }
        try {
            long v = Long.parseLong(args[index].trim());
            if (v < min || v > max) {
                usage();
            }
            return v;
        } catch (NumberFormatException e) {
            usage();
            return def; // not reached
        }
    }

    private static void usage() {
        System.err.println("usage: java samples.Pi [threads=4 (1..1024)] [steps=100000000 (1..10^12)]");
        System.exit(2);
    }
}
