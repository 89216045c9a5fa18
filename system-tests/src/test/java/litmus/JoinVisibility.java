package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * Visibility through Thread.join: threads write fields of an object main made, and publish
 * objects they made themselves; main joins them and must see every write.
 */
public final class JoinVisibility {

    static final int THREADS = 3;

    static final class Result {
        int count;
        String label;
        double[] samples;
        Result made; // allocated by the worker thread
    }

    private JoinVisibility() {
    }

    static void work(Result r, int t) {
        r.count = 100 * (t + 1);
        r.label = "worker-" + t + "-done";
        r.samples = new double[] {t, t + 0.5, t + 0.25};
        Result mine = new Result();
        mine.count = -t - 1;
        mine.label = "made-by-" + t;
        r.made = mine;
    }

    static String describe(Result r) {
        if (r == null) {
            return "null";
        }
        return "count=" + r.count + " label=" + r.label + " samples="
                + (r.samples == null ? "null" : r.samples.length + "/" + r.samples[r.samples.length - 1])
                + " made=(" + describe(r.made) + ")";
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Result[] results = new Result[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            results[i] = new Result();
            final Result r = results[i];
            final int t = i;
            threads[i] = new Thread(() -> {
                Where.report("writer " + t);
                work(r, t);
            }, "writer-" + i);
        }
        for (Thread t : threads) {
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Result want = new Result();
            work(want, i);
            if (!describe(want).equals(describe(results[i]))) {
                failures.add("writer " + i + ": main saw [" + describe(results[i]) + "], expected [" + describe(want)
                        + "]");
            }
        }
        Where.verdict(failures);
    }
}
