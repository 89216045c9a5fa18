package jdkshared;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Producers and consumers on a bounded LinkedBlockingQueue and an ArrayBlockingQueue, both small
 * enough that put and take block. Main puts one poison pill per consumer after the producers are
 * done; every item must be taken exactly once, and each consumer must see each producer's items
 * in the order they were put.
 */
public final class BlockingQueues {

    static final int PRODUCERS = 2;
    static final int CONSUMERS = 2;
    static final int PER_PRODUCER = 150;
    static final int POISON = -1;

    /** What the consumers took, one slot each. */
    static final class Tally {
        final long[] sums = new long[CONSUMERS];
        final int[] counts = new int[CONSUMERS];
        final boolean[] inOrder = new boolean[CONSUMERS];
    }

    private BlockingQueues() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        run("LinkedBlockingQueue", new LinkedBlockingQueue<>(16), failures);
        run("ArrayBlockingQueue", new ArrayBlockingQueue<>(8), failures);
        Where.verdict(failures);
    }

    static void run(String name, BlockingQueue<Integer> queue, List<String> failures) throws InterruptedException {
        Tally tally = new Tally();
        Thread[] consumers = new Thread[CONSUMERS];
        for (int c = 0; c < CONSUMERS; c++) {
            final int me = c;
            consumers[c] = Where.start(name + " consumer " + c, () -> {
                int[] last = new int[PRODUCERS];
                Arrays.fill(last, -1);
                boolean ordered = true;
                for (int v = queue.take(); v != POISON; v = queue.take()) {
                    int from = v / PER_PRODUCER;
                    ordered &= v > last[from];
                    last[from] = v;
                    tally.sums[me] += v;
                    tally.counts[me]++;
                }
                tally.inOrder[me] = ordered;
            });
        }
        Thread[] producers = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            final int me = p;
            producers[p] = Where.start(name + " producer " + p, () -> {
                for (int i = 0; i < PER_PRODUCER; i++) {
                    queue.put(me * PER_PRODUCER + i);
                }
            });
        }
        Where.joinAll(producers);
        for (int c = 0; c < CONSUMERS; c++) {
            queue.put(POISON);
        }
        Where.joinAll(consumers);
        long sum = 0;
        int count = 0;
        boolean ordered = true;
        for (int c = 0; c < CONSUMERS; c++) {
            sum += tally.sums[c];
            count += tally.counts[c];
            ordered &= tally.inOrder[c];
        }
        int total = PRODUCERS * PER_PRODUCER;
        System.out.println(name + ": taken=" + count + " sum=" + sum + " order per producer kept=" + ordered
                + " left=" + queue.size());
        Where.check(failures, name + " items taken", count, total);
        Where.check(failures, name + " sum", sum, (long) total * (total - 1) / 2);
        Where.check(failures, name + " order per producer", ordered, true);
        Where.check(failures, name + " empty at the end", queue.isEmpty(), true);
    }
}
