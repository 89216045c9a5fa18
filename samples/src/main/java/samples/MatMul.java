package samples;

import java.util.Locale;

/**
 * Dense matrix multiplication {@code C = A * B} of {@code n x n} doubles.
 *
 * <p>A and B are filled with a fixed pattern. The rows of C are split into contiguous blocks,
 * one per thread; each thread is a plain {@code new Thread(() -> ...)} lambda that writes only
 * its own rows of C. Every element of C is accumulated over {@code k = 0 .. n-1} in the same
 * order whatever the split, and the main thread sums C in row order after joining, so the
 * checksum does not depend on the thread count or on scheduling.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.MatMul 4
 *   java -cp samples/target/classes samples.MatMul 4 300
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.MatMul 4
 *
 * Arguments: [threads=4] [n=1200]
 * </pre>
 */
public class MatMul {

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 2) {
            usage();
        }
        final int threads = parse(args, 0, 4, 1, 1024);
        final int n = parse(args, 1, 1200, 1, 4000);

        System.out.println("MatMul: threads=" + threads + " n=" + n);

        final double[][] a = new double[n][n];
        final double[][] b = new double[n][n];
        final double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = ((i * 31 + j * 17) % 10) / 10.0;
                b[i][j] = ((i * 7 + j * 13 + 3) % 11) / 11.0;
            }
        }

        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            final int rowLo = (int) ((long) n * t / threads);
            final int rowHi = (int) ((long) n * (t + 1) / threads);
            workers[t] = new Thread(() -> {
                for (int i = rowLo; i < rowHi; i++) {
                    double[] ai = a[i];
                    double[] ci = c[i];
                    for (int k = 0; k < n; k++) {
                        double aik = ai[k];
                        double[] bk = b[k];
                        for (int j = 0; j < n; j++) {
                            ci[j] += aik * bk[j];
                        }
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
                checksum += c[i][j];
            }
        }
        System.out.println(String.format(Locale.ROOT, "checksum    = %.6f", checksum));
        System.out.println(String.format(Locale.ROOT, "C[0][0]     = %.6f", c[0][0]));
        System.out.println(String.format(Locale.ROOT, "C[n-1][n-1] = %.6f", c[n - 1][n - 1]));
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
        System.err.println("usage: java samples.MatMul [threads=4 (1..1024)] [n=1200 (1..4000)]");
        System.exit(2);
    }
}
