package samples;

import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Heat diffusion on an {@code n x n} plate: an explicit 5-point stencil with two grids.
 *
 * <p>The border is held fixed (top edge 100.0, left edge 50.0, the others 0.0); the interior
 * starts at 0.0. Every step computes each interior cell of the next grid from the current grid,
 * {@code c + ALPHA * (up + down + left + right - 4c)}. The interior rows are split into
 * contiguous bands, one per thread. The threads meet at a {@link CyclicBarrier} after every
 * step; its barrier action, run once per step by the last thread to arrive, swaps the current and
 * next grids, and the barrier makes the swap and every thread's writes visible to all threads
 * before the next step.
 *
 * <p>A cell only reads the current grid, which nobody writes during a step, so each grid is the
 * same bit for bit whatever the band split; the checksum is summed by the main thread in row
 * order, so it is identical for any thread count.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.Stencil 4
 *   java -cp samples/target/classes samples.Stencil 4 200 100
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.Stencil 4
 *
 * Arguments: [threads=4] [n=500] [steps=1000]
 * </pre>
 */
public class Stencil {

    /** Diffusion coefficient times the time step over the squared cell size; below 0.25 for stability. */
    static final double ALPHA = 0.2;

    /** The two grids; the barrier action swaps them after every step. */
    static final class Grids {
        double[][] current;
        double[][] next;
        int steps;

        void swap() {
            double[][] t = current;
            current = next;
            next = t;
            steps++;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 3) {
            usage();
        }
        final int threads = parse(args, 0, 4, 1, 1024);
        final int n = parse(args, 1, 500, 3, 10000);
        final int steps = parse(args, 2, 1000, 0, 1_000_000);

        System.out.println("Stencil: threads=" + threads + " n=" + n + " steps=" + steps);

        final Grids grids = new Grids();
        grids.current = plate(n);
        grids.next = plate(n);
        final CyclicBarrier barrier = new CyclicBarrier(threads, grids::swap);
        final int interior = n - 2;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            // Interior rows [rowLo, rowHi) belong to this thread.
            final int rowLo = 1 + (int) ((long) interior * t / threads);
            final int rowHi = 1 + (int) ((long) interior * (t + 1) / threads);
            workers[t] = new Thread(() -> {
                try {
                    for (int s = 0; s < steps; s++) {
                        step(grids.current, grids.next, n, rowLo, rowHi);
                        barrier.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (BrokenBarrierException e) {
                    throw new IllegalStateException("barrier broken", e);
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }

        double[][] grid = grids.current;
        double checksum = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                checksum += grid[i][j];
            }
        }
        System.out.println("steps    = " + grids.steps);
        System.out.println(String.format(Locale.ROOT, "checksum = %.10f", checksum));
        System.out.println(String.format(Locale.ROOT, "center   = %.12e", grid[n / 2][n / 2]));
        System.out.println(String.format(Locale.ROOT, "corner   = %.12f", grid[1][1]));
    }

    /** A plate with the fixed border and a cold interior. */
    static double[][] plate(int n) {
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            g[i][0] = 50.0;
        }
        for (int j = 0; j < n; j++) {
            g[0][j] = 100.0;
        }
        return g;
    }

    /** Computes rows {@code [rowLo, rowHi)} of {@code next} from {@code current}. */
    static void step(double[][] current, double[][] next, int n, int rowLo, int rowHi) {
        for (int i = rowLo; i < rowHi; i++) {
            double[] up = current[i - 1];
            double[] row = current[i];
            double[] down = current[i + 1];
            double[] out = next[i];
            for (int j = 1; j < n - 1; j++) {
                double c = row[j];
                out[j] = c + ALPHA * (up[j] + down[j] + row[j - 1] + row[j + 1] - 4.0 * c);
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
        System.err.println("usage: java samples.Stencil [threads=4 (1..1024)] [n=500 (3..10000)]"
                + " [steps=1000 (0..1000000)]");
        System.exit(2);
    }
}
