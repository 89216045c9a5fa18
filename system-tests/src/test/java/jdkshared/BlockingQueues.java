package jdkshared;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

/**
 * Producers and consumers on a bounded LinkedBlockingQueue and an ArrayBlockingQueue, both small
 * enough that put and take block. Main puts one poison pill per consumer after the producers are
 * done; every item must be taken exactly once, and each consumer must see each producer's items
 * in the order they were put. A LinkedTransferQueue is used the same way, then one item at a time is transferred,
 * each transfer returning only once a taker has it (alone with the argument {@code transfer}). A LinkedBlockingDeque
 * is then used at both of its ends (alone with the argument {@code deque}), and a DelayQueue hands out items only once
 * their delays have passed (alone with the argument {@code delay}).
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
        String only = args.length == 0 ? "" : args[0];
        if (only.isEmpty()) {
            run("LinkedBlockingQueue", new LinkedBlockingQueue<>(16), failures);
            run("ArrayBlockingQueue", new ArrayBlockingQueue<>(8), failures);
        }
        if (only.isEmpty() || only.equals("transfer")) {
            run("LinkedTransferQueue", new LinkedTransferQueue<>(), failures);
            runTransfers(new LinkedTransferQueue<>(), failures);
        }
        if (only.isEmpty() || only.equals("deque")) {
            runDequeEnds(new LinkedBlockingDeque<>(8), failures);
        }
        if (only.isEmpty() || only.equals("delay")) {
            runDelays(new DelayQueue<>(), failures);
        }
        Where.verdict(failures);
    }

    /**
     * A transferer hands items over one at a time: each transfer returns only once the taker has the item, so the
     * taker never finds more than the one. With nobody taking, tryTransfer gives up and leaves nothing behind.
     */
    static void runTransfers(LinkedTransferQueue<Integer> queue, List<String> failures) throws InterruptedException {
        int items = 60;
        boolean[] alone = {true};
        long[] sum = {0};
        Thread taker = Where.start("transfer taker", () -> {
            for (int i = 0; i < items; i++) {
                int v = i % 2 == 0 ? queue.take() : queue.poll(10, TimeUnit.SECONDS);
                alone[0] &= v == i;
                alone[0] &= queue.size() == 0 || queue.size() == 1 && queue.peek() == i + 1;
                sum[0] += v;
            }
        });
        boolean[] handed = {true};
        Thread transferer = Where.start("transferer", () -> {
            for (int i = 0; i < items; i++) {
                if (i % 3 == 0) {
                    handed[0] &= queue.tryTransfer(i, 10, TimeUnit.SECONDS);
                } else {
                    queue.transfer(i);
                }
            }
        });
        Where.joinAll(transferer, taker);
        boolean refused = !queue.tryTransfer(-1) && !queue.tryTransfer(-2, 20, TimeUnit.MILLISECONDS);
        System.out.println("LinkedTransferQueue transfers: sum=" + sum[0] + " one at a time=" + alone[0]
                + " timed transfers taken=" + handed[0] + " refused without a taker=" + refused + " left="
                + queue.size());
        Where.check(failures, "transfer sum", sum[0], (long) items * (items - 1) / 2);
        Where.check(failures, "transfers one at a time", alone[0], true);
        Where.check(failures, "timed transfers taken", handed[0], true);
        Where.check(failures, "tryTransfer without a taker", refused, true);
        Where.check(failures, "transfer queue empty at the end", queue.isEmpty(), true);
    }

    /**
     * A LinkedBlockingDeque used at both ends: one thread's calls in a fixed order, then a producer at each end
     * and a consumer at each end.
     */
    static void runDequeEnds(LinkedBlockingDeque<Integer> deque, List<String> failures) throws InterruptedException {
        String[] seen = new String[1];
        Where.joinAll(Where.start("deque ends", () -> {
            deque.offerFirst(1);
            deque.offerLast(2);
            deque.putFirst(0);
            deque.putLast(3);
            seen[0] = deque.pollFirst() + "," + deque.pollLast() + "," + deque.takeFirst() + "," + deque.takeLast()
                    + "," + deque.pollFirst(10, TimeUnit.MILLISECONDS) + "," + deque.offerLast(4, 1, TimeUnit.SECONDS)
                    + "," + deque.pollLast(1, TimeUnit.SECONDS);
        }));
        System.out.println("LinkedBlockingDeque ends: " + seen[0]);
        Where.check(failures, "deque ends", seen[0], "0,3,1,2,null,true,4");

        Tally tally = new Tally();
        Thread[] consumers = new Thread[CONSUMERS];
        for (int c = 0; c < CONSUMERS; c++) {
            final int me = c;
            consumers[c] = Where.start("deque consumer " + c, () -> {
                for (int v = take(deque, me); v != POISON; v = take(deque, me)) {
                    tally.sums[me] += v;
                    tally.counts[me]++;
                }
            });
        }
        Thread[] producers = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            final int me = p;
            producers[p] = Where.start("deque producer " + p, () -> {
                for (int i = 0; i < PER_PRODUCER; i++) {
                    if (me == 0) {
                        deque.putFirst(me * PER_PRODUCER + i);
                    } else {
                        deque.putLast(me * PER_PRODUCER + i);
                    }
                }
            });
        }
        Where.joinAll(producers);
        for (int c = 0; c < CONSUMERS; c++) {
            deque.putLast(POISON);
        }
        Where.joinAll(consumers);
        long sum = tally.sums[0] + tally.sums[1];
        int count = tally.counts[0] + tally.counts[1];
        int total = PRODUCERS * PER_PRODUCER;
        System.out.println("LinkedBlockingDeque both ends: taken=" + count + " sum=" + sum + " left=" + deque.size());
        Where.check(failures, "deque items taken", count, total);
        Where.check(failures, "deque sum", sum, (long) total * (total - 1) / 2);
        Where.check(failures, "deque empty at the end", deque.isEmpty(), true);
    }

    /** An item of a DelayQueue, due a few milliseconds after it was made. */
    static final class Due implements Delayed {
        final int id;
        final long dueNanos;

        Due(int id, long delayMillis) {
            this.id = id;
            this.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Due) other).dueNanos);
        }
    }

    /**
     * One thread's calls on a DelayQueue in a fixed order: nothing comes out before its delay has passed. Then two
     * producers offer items due 0 to 12 ms later, in every way there is to add one, and two consumers take them with
     * take and timed polls until each takes one of the poison items main adds last, due after all the others.
     */
    static void runDelays(DelayQueue<Due> queue, List<String> failures) throws InterruptedException {
        String[] seen = new String[1];
        Where.joinAll(Where.start("delay contract", () -> {
            Due later = new Due(7, 1000);
            queue.put(later);
            Due early = queue.poll();
            Due timed = queue.poll(10, TimeUnit.MILLISECONDS);
            // polls that ended before the item was due must have found nothing (a machine that stalled for the
            // whole second cannot tell)
            boolean beforeDue = later.getDelay(TimeUnit.NANOSECONDS) > 0;
            boolean none = early == null && timed == null;
            boolean peeked = !none || queue.peek() == later;
            Due taken = none ? queue.take() : early != null ? early : timed;
            boolean expired = taken.getDelay(TimeUnit.NANOSECONDS) <= 0;
            seen[0] = (none || !beforeDue) + "," + peeked + "," + (taken == later) + "," + expired + ","
                    + queue.offer(new Due(8, 0)) + "," + queue.poll(1, TimeUnit.SECONDS).id + "," + queue.size();
        }));
        System.out.println("DelayQueue contract: " + seen[0]);
        Where.check(failures, "delay queue contract", seen[0], "true,true,true,true,true,8,0");

        Tally tally = new Tally();
        boolean[] allDue = new boolean[CONSUMERS];
        Thread[] consumers = new Thread[CONSUMERS];
        for (int c = 0; c < CONSUMERS; c++) {
            final int me = c;
            consumers[c] = Where.start("delay consumer " + c, () -> {
                boolean expired = true;
                for (int i = 0; ; i++) {
                    Due d = i % 2 == 0 ? queue.take() : queue.poll(10, TimeUnit.SECONDS);
                    expired &= d.getDelay(TimeUnit.NANOSECONDS) <= 0;
                    if (d.id == POISON) {
                        break;
                    }
                    tally.sums[me] += d.id;
                    tally.counts[me]++;
                }
                allDue[me] = expired;
            });
        }
        Thread[] producers = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            final int me = p;
            producers[p] = Where.start("delay producer " + p, () -> {
                for (int i = 0; i < PER_PRODUCER / 3; i++) {
                    int id = me * PER_PRODUCER + i;
                    Due d = new Due(id, (id * 7L) % 13);
                    switch (i % 4) {
                        case 0 -> queue.put(d);
                        case 1 -> queue.add(d);
                        case 2 -> queue.offer(d);
                        default -> queue.offer(d, 1, TimeUnit.SECONDS);
                    }
                }
            });
        }
        Where.joinAll(producers);
        for (int c = 0; c < CONSUMERS; c++) {
            queue.put(new Due(POISON, 50));
        }
        Where.joinAll(consumers);
        long sum = tally.sums[0] + tally.sums[1];
        int count = tally.counts[0] + tally.counts[1];
        long expected = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 0; i < PER_PRODUCER / 3; i++) {
                expected += p * PER_PRODUCER + i;
            }
        }
        boolean expired = allDue[0] && allDue[1];
        System.out.println("DelayQueue: taken=" + count + " sum=" + sum + " all due when taken=" + expired + " left="
                + queue.size());
        Where.check(failures, "delay queue items taken", count, PRODUCERS * (PER_PRODUCER / 3));
        Where.check(failures, "delay queue sum", sum, expected);
        Where.check(failures, "delay queue items due when taken", expired, true);
        Where.check(failures, "delay queue empty at the end", queue.isEmpty(), true);
    }

    /** Consumer 0 takes from the front, consumer 1 from the back. */
    private static int take(LinkedBlockingDeque<Integer> deque, int consumer) throws InterruptedException {
        return consumer == 0 ? deque.takeFirst() : deque.takeLast();
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
