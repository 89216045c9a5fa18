package samples;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Parallel merge sort of a generated {@code int} array with tasks on a fixed thread pool.
 *
 * <p>The main thread splits the array recursively in halves down to {@code cutoff} elements. A
 * piece of at most {@code cutoff} elements becomes a task that sorts it with
 * {@link Arrays#sort(int[], int, int)}; a larger piece becomes a task that waits for the
 * {@link Future}s of its two halves and merges them through a scratch array. Tasks are submitted
 * in post-order, so every task's halves were submitted before it; with the pool's first-in
 * first-out queue, the oldest unfinished task is running or next to run and never waits, so the pool
 * cannot deadlock even though merge tasks block. Each task returns the length of its piece; the
 * root's is the array length.
 *
 * <p>The sorted array is the same whatever the thread count, and so is the position-weighted
 * checksum the main thread computes from it.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.MergeSort 4
 *   java -cp samples/target/classes samples.MergeSort 4 100000 2000
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.MergeSort 4
 *
 * Arguments: [threads=4] [n=4000000] [cutoff=65536]
 * </pre>
 */
public class MergeSort {

    public static void main(String[] args) throws InterruptedException, ExecutionException {
        if (args.length > 3) {
            usage();
        }
        int threads = parse(args, 0, 4, 1, 1024);
        int n = parse(args, 1, 4_000_000, 0, 200_000_000);
        int cutoff = parse(args, 2, 65_536, 1, 1_000_000_000);

        System.out.println("MergeSort: threads=" + threads + " n=" + n + " cutoff=" + cutoff);

        int[] a = generate(n);
        long sumBefore = 0;
        for (int v : a) {
            sumBefore += v;
        }
        int[] scratch = new int[n];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        int sortedLength = sort(pool, a, scratch, 0, n, cutoff).get();
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            System.out.println("the pool did not terminate");
        }

        boolean sorted = true;
        long sumAfter = 0;
        long checksum = 0;
        for (int i = 0; i < n; i++) {
            sorted &= i == 0 || a[i - 1] <= a[i];
            sumAfter += a[i];
            checksum = checksum * 31 + a[i];
        }
        System.out.println("sorted   = " + sorted);
        System.out.println("length   = " + sortedLength);
        System.out.println("min, max = " + (n == 0 ? "-" : a[0] + ", " + a[n - 1]));
        System.out.println("checksum = " + checksum);
        boolean ok = sorted && sortedLength == n && sumAfter == sumBefore;
        System.out.println("check    = " + (ok ? "OK" : "MISMATCH"));
    }

    /** {@code n} numbers in {@code [0, 1000000000)} from a fixed-seed linear congruential generator. */
    static int[] generate(int n) {
        int[] a = new int[n];
        long x = 2024;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            a[i] = (int) ((x >>> 33) % 1_000_000_000L);
        }
        return a;
    }

    /**
     * Submits the tasks that sort {@code a[lo, hi)}, halves first.
     *
     * @return the future of the task that finishes the piece; it yields the piece's length
     */
    static Future<Integer> sort(ExecutorService pool, int[] a, int[] scratch, int lo, int hi, int cutoff) {
        if (hi - lo <= cutoff) {
            return pool.submit(() -> {
                Arrays.sort(a, lo, hi);
                return hi - lo;
            });
        }
        int mid = (lo + hi) >>> 1;
        Future<Integer> left = sort(pool, a, scratch, lo, mid, cutoff);
        Future<Integer> right = sort(pool, a, scratch, mid, hi, cutoff);
        return pool.submit(() -> {
            int length = left.get() + right.get();
            merge(a, scratch, lo, mid, hi);
            return length;
        });
    }

    /** Merges the sorted runs {@code a[lo, mid)} and {@code a[mid, hi)} in place, through {@code scratch[lo, hi)}. */
    static void merge(int[] a, int[] scratch, int lo, int mid, int hi) {
        System.arraycopy(a, lo, scratch, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            if (j >= hi || (i < mid && scratch[i] <= scratch[j])) {
                a[k] = scratch[i++];
            } else {
                a[k] = scratch[j++];
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
        System.err.println("usage: java samples.MergeSort [threads=4 (1..1024)] [n=4000000 (0..200000000)]"
                + " [cutoff=65536 (1..1000000000)]");
        System.exit(2);
    }
}
