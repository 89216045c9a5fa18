package samples;

import java.util.Locale;

/**
 * Red-black successive over-relaxation (SOR) on an {@code n x n} grid of doubles.
 *
 * <p>The border of the grid is fixed (top edge 1.0, other edges 0.0); the interior starts from a
 * fixed pattern. Each iteration is two half-sweeps: first every RED cell ({@code (i + j)} even) is
 * relaxed from its four BLACK neighbours, then every BLACK cell from its RED neighbours. The
 * interior rows are split into contiguous blocks, one per thread (an anonymous {@code Runnable});
 * all threads meet at a hand-written reusable {@link Barrier} after every half-sweep.
 *
 * <p>Within a half-sweep a cell only reads cells of the other colour, which nobody writes during
 * that half-sweep, so the grid after each iteration is the same whatever the row split, and the
 * checksum (summed by the main thread in row order) is identical for any thread count.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.Sor 4
 *   java -cp samples/target/classes samples.Sor 4 200 100
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.Sor 4
 *
 * Arguments: [threads=4] [n=600] [iterations=1500]
 * </pre>
 */
public class Sor {

    /** Over-relaxation factor. */
    static final double OMEGA = 1.25;

    /** The two colours of the checkerboard, in sweep order. */
    enum Color {
        RED(0), BLACK(1);

        /** A cell {@code (i, j)} has this colour when {@code (i + j) % 2 == parity}. */
        final int parity;

        Color(int parity) {
            this.parity = parity;
        }
    }

    /**
     * A reusable barrier for a fixed number of parties: synchronized, wait/notifyAll and a
     * generation counter so that a fast thread that re-enters for the next phase cannot be
     * confused with the threads still leaving the previous one.
     */
    static final class Barrier {
        private final int parties;
        private int waiting;
        private long generation;

        Barrier(int parties) {
            this.parties = parties;
        }

        synchronized void await() throws InterruptedException {
            long myGeneration = generation;
            waiting++;
            if (waiting == parties) {
                waiting = 0;
                generation++;
                notifyAll();
                return;
            }
            while (generation == myGeneration) {
                wait();
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 3) {
            usage();
        }
        final int threads = parse(args, 0, 4, 1, 1024);
        final int n = parse(args, 1, 600, 3, 10000);
        final int iterations = parse(args, 2, 1500, 0, 1_000_000);

        System.out.println("Sor: threads=" + threads + " n=" + n + " iterations=" + iterations);

        final double[][] grid = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == 0) {
                    grid[i][j] = 1.0;
                } else if (i == n - 1 || j == 0 || j == n - 1) {
                    grid[i][j] = 0.0;
                } else {
                    grid[i][j] = ((i * 7 + j * 3) % 11) / 11.0;
                }
            }
        }

        final Barrier barrier = new Barrier(threads);
        final int interior = n - 2;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            // Interior rows [rowLo, rowHi) belong to this thread.
            final int rowLo = 1 + (int) ((long) interior * t / threads);
            final int rowHi = 1 + (int) ((long) interior * (t + 1) / threads);
            workers[t] = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        for (int it = 0; it < iterations; it++) {
                            for (Color color : Color.values()) {
                                relax(grid, n, rowLo, rowHi, color);
                                barrier.await();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }

        double checksum = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                checksum += grid[i][j];
            }
        }
        System.out.println(String.format(Locale.ROOT, "checksum = %.10f", checksum));
        System.out.println(String.format(Locale.ROOT, "center   = %.12f", grid[n / 2][n / 2]));
        System.out.println(String.format(Locale.ROOT, "top      = %.12f", grid[1][n / 2]));
    }

    /** Relaxes the cells of one colour in rows {@code [rowLo, rowHi)}. */
    static void relax(double[][] grid, int n, int rowLo, int rowHi, Color color) {
        for (int i = rowLo; i < rowHi; i++) {
            double[] up = grid[i - 1];
            double[] row = grid[i];
            double[] down = grid[i + 1];
            // First interior column j with (i + j) % 2 == parity: 1 or 2.
            int jStart = ((i + 1) & 1) == color.parity ? 1 : 2;
            for (int j = jStart; j < n - 1; j += 2) {
                double avg = 0.25 * (up[j] + down[j] + row[j - 1] + row[j + 1]);
                row[j] = (1.0 - OMEGA) * row[j] + OMEGA * avg;
            }
        }
    }

    private static int parse(String[] args, int index, int def, int min, int max) {
        if (index >= args.length) {
            return def;
        }
        try {
            int v = Integer.parseInt(args[index].trim());
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
        System.err.println("usage: java samples.Sor [threads=4 (1..1024)] [n=600 (3..10000)]"
                + " [iterations=1500 (0..1000000)]");
        System.exit(2);
    }
}
