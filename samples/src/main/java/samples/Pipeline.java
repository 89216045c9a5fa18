package samples;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A three-stage pipeline over bounded {@link LinkedBlockingQueue}s: one source thread emits the
 * items, {@code threads} transformer threads map them, {@code threads} filter threads keep some
 * and total them.
 *
 * <p>Item {@code k} is the fixed number {@link #value(int)}; the transformers square it modulo a
 * prime, the filters keep the results not divisible by 3 and add them to their own count and sum.
 * The end of the stream is a poison pill per consumer: the source puts one per transformer after
 * its last item, and the last transformer to finish (told by an {@link AtomicInteger} count-down)
 * puts one per filter. Each filter stores its count and sum in its slot of shared arrays; the
 * main thread adds the slots after joining every thread, so the totals do not depend on which
 * thread handled which item.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.Pipeline 2
 *   java -cp samples/target/classes samples.Pipeline 2 20000
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.Pipeline 2
 *
 * Arguments: [threads=2 (per stage after the source)] [items=200000]
 * </pre>
 */
public class Pipeline {

    /** Capacity of each queue, so that a fast stage waits for a slow one. */
    static final int CAPACITY = 256;

    /** The end of the stream; real items are never negative. */
    static final int PILL = -1;

    /** The prime the transformers work modulo. */
    static final long PRIME = 1_000_003L;

    /** The value of item {@code k}: a fixed pseudo-random number in {@code [0, PRIME)}. */
    static int value(int k) {
        return (int) ((k * 7919L + 12345L) % PRIME);
    }

    /** Stage 2's map. */
    static int transform(int v) {
        return (int) ((long) v * v % PRIME);
    }

    /** Stage 3's filter. */
    static boolean keep(int w) {
        return w % 3 != 0;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 2) {
            usage();
        }
        final int threads = parse(args, 0, 2, 1, 1024);
        final int items = parse(args, 1, 200_000, 0, 100_000_000);

        System.out.println("Pipeline: threads=" + threads + " items=" + items);

        final BlockingQueue<Integer> raw = new LinkedBlockingQueue<>(CAPACITY);
        final BlockingQueue<Integer> mapped = new LinkedBlockingQueue<>(CAPACITY);
        final AtomicInteger transformersLeft = new AtomicInteger(threads);
        final long[] counts = new long[threads];
        final long[] sums = new long[threads];

        Thread source = new Thread(() -> {
            try {
                for (int k = 0; k < items; k++) {
                    raw.put(value(k));
                }
                for (int t = 0; t < threads; t++) {
                    raw.put(PILL);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread[] transformers = new Thread[threads];
        Thread[] filters = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            transformers[t] = new Thread(() -> {
                try {
                    for (int v = raw.take(); v != PILL; v = raw.take()) {
                        mapped.put(transform(v));
                    }
                    if (transformersLeft.decrementAndGet() == 0) {
                        for (int f = 0; f < threads; f++) {
                            mapped.put(PILL);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            final int slot = t;
            filters[t] = new Thread(() -> {
                long count = 0;
                long sum = 0;
                try {
                    for (int w = mapped.take(); w != PILL; w = mapped.take()) {
                        if (keep(w)) {
                            count++;
                            sum += w;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                counts[slot] = count;
                sums[slot] = sum;
            });
        }
        for (Thread f : filters) {
            f.start();
        }
        for (Thread t : transformers) {
            t.start();
        }
        source.start();
        source.join();
        for (Thread t : transformers) {
            t.join();
        }
        for (Thread f : filters) {
            f.join();
        }

        long count = 0;
        long sum = 0;
        for (int t = 0; t < threads; t++) {
            count += counts[t];
            sum += sums[t];
        }
        long expectedCount = 0;
        long expectedSum = 0;
        for (int k = 0; k < items; k++) {
            int w = transform(value(k));
            if (keep(w)) {
                expectedCount++;
                expectedSum += w;
            }
        }
        System.out.println("out   = " + count);
        System.out.println("sum   = " + sum);
        System.out.println("check = " + (count == expectedCount && sum == expectedSum ? "OK" : "MISMATCH"));
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
        System.err.println("usage: java samples.Pipeline [threads=2 (1..1024)] [items=200000 (0..100000000)]");
        System.exit(2);
    }
}
