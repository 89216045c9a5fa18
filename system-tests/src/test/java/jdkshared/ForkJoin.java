package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * Fork/join: a RecursiveTask that sums a shared array by splitting it down to a threshold, run
 * on a ForkJoinPool of its own, and a parallel stream on the common pool. Integer sums do not
 * depend on how the work was split or stolen, so both must equal the sequential sum.
 */
public final class ForkJoin {

    static final int SIZE = 20_000;
    static final int THRESHOLD = 1_000;
    static final long STREAM_END = 100_000;

    /** Sums {@code values[from, to)}. */
    static final class Sum extends RecursiveTask<Long> {
        private final long[] values;
        private final int from;
        private final int to;

        Sum(long[] values, int from, int to) {
            this.values = values;
            this.from = from;
            this.to = to;
        }

        @Override
        protected Long compute() {
            if (to - from <= THRESHOLD) {
                Where.report("sum task [" + from + ", " + to + ")");
                long s = 0;
                for (int i = from; i < to; i++) {
                    s += values[i];
                }
                return s;
            }
            int mid = (from + to) >>> 1;
            Sum left = new Sum(values, from, mid);
            left.fork();
            long right = new Sum(values, mid, to).compute();
            return left.join() + right;
        }
    }

    private ForkJoin() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        long[] values = new long[SIZE];
        long want = 0;
        for (int i = 0; i < SIZE; i++) {
            values[i] = (i * 7919L) % 10_007;
            want += values[i];
        }
        ForkJoinPool pool = new ForkJoinPool(3);
        long got = pool.invoke(new Sum(values, 0, SIZE));
        pool.shutdown();
        boolean terminated = pool.awaitTermination(30, TimeUnit.SECONDS);
        System.out.println("RecursiveTask sum: " + got + " pool terminated=" + terminated);
        Where.check(failures, "RecursiveTask sum", got, want);
        Where.check(failures, "ForkJoinPool terminated", terminated, true);

        long streamSum = LongStream.range(0, STREAM_END).parallel().map(x -> x * x % 1_000).sum();
        long wantStream = 0;
        for (long x = 0; x < STREAM_END; x++) {
            wantStream += x * x % 1_000;
        }
        System.out.println("parallel stream sum: " + streamSum);
        Where.check(failures, "parallel stream sum", streamSum, wantStream);
        Where.verdict(failures);
    }
}
