package samples;

/**
 * Producers and consumers exchanging ints through a bounded buffer.
 *
 * <p>The {@link BoundedBuffer} is an {@code int[]} ring with {@code head}, {@code tail} and
 * {@code count} fields, and synchronized {@code put}/{@code take} methods that block with
 * {@code wait()} and wake each other with {@code notifyAll()}. Item {@code k} (for
 * {@code 0 <= k < items}) has the fixed value {@link #value(int)}; producer {@code p} puts a
 * contiguous range of the items. Each consumer keeps its own sum and count and stores them into
 * its slot of shared arrays when it meets the end marker that the main thread puts once per
 * consumer after all producers are done. The main thread adds the slots up; integer addition
 * makes the totals independent of which consumer got which item.
 *
 * <pre>
 * HOW TO RUN
 *   java -cp samples/target/classes samples.ProducerConsumer 2 2
 *   java -cp samples/target/classes samples.ProducerConsumer 2 2 20000
 *   ./ssi-java --nodes 3 -cp samples/target/classes samples.ProducerConsumer 2 2
 *
 * Arguments: [producers=2] [consumers=2] [items=500000]
 * </pre>
 */
public class ProducerConsumer {

    /** Capacity of the ring buffer. */
    static final int CAPACITY = 64;

    /** End marker; real items are never negative. */
    static final int END = -1;

    /** A bounded FIFO of ints. */
    static final class BoundedBuffer {
        private final int[] ring;
        private int head;
        private int tail;
        private int count;

        BoundedBuffer(int capacity) {
            ring = new int[capacity];
        }

        synchronized void put(int v) throws InterruptedException {
            while (count == ring.length) {
                wait();
            }
            ring[tail] = v;
            tail = (tail + 1) % ring.length;
            count++;
            notifyAll();
        }

        synchronized int take() throws InterruptedException {
            while (count == 0) {
                wait();
            }
            int v = ring[head];
            head = (head + 1) % ring.length;
            count--;
            notifyAll();
            return v;
        }
    }

    /** The value of item {@code k}: a fixed pseudo-random number in {@code [0, 1000003)}. */
    static int value(int k) {
        return (int) ((k * 7919L + 12345L) % 1_000_003L);
    }

    /** Puts items {@code [from, to)}. */
    static final class Producer implements Runnable {
        private final BoundedBuffer buffer;
        private final int from;
        private final int to;

        Producer(BoundedBuffer buffer, int from, int to) {
            this.buffer = buffer;
            this.from = from;
            this.to = to;
        }

        @Override
        public void run() {
            try {
                for (int k = from; k < to; k++) {
                    buffer.put(value(k));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Takes items until the end marker, then reports its sum and count in slot {@code id}. */
    static final class Consumer implements Runnable {
        private final int id;
        private final BoundedBuffer buffer;
        private final long[] sums;
        private final long[] counts;

        Consumer(int id, BoundedBuffer buffer, long[] sums, long[] counts) {
            this.id = id;
            this.buffer = buffer;
            this.sums = sums;
            this.counts = counts;
        }

        @Override
        public void run() {
            long sum = 0;
            long count = 0;
            try {
                for (int v = buffer.take(); v != END; v = buffer.take()) {
                    sum += v;
                    count++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sums[id] = sum;
            counts[id] = count;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 3) {
            usage();
        }
        int producers = parse(args, 0, 2, 1, 1024);
        int consumers = parse(args, 1, 2, 1, 1024);
        int items = parse(args, 2, 500_000, 0, 100_000_000);

        System.out.println("ProducerConsumer: producers=" + producers + " consumers=" + consumers
                + " items=" + items);

        BoundedBuffer buffer = new BoundedBuffer(CAPACITY);
        long[] sums = new long[consumers];
        long[] counts = new long[consumers];

        Thread[] consumerThreads = new Thread[consumers];
        for (int c = 0; c < consumers; c++) {
            consumerThreads[c] = new Thread(new Consumer(c, buffer, sums, counts));
            consumerThreads[c].start();
        }
        Thread[] producerThreads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int from = (int) ((long) items * p / producers);
            int to = (int) ((long) items * (p + 1) / producers);
            producerThreads[p] = new Thread(new Producer(buffer, from, to));
            producerThreads[p].start();
        }
        for (Thread t : producerThreads) {
            t.join();
        }
        for (int c = 0; c < consumers; c++) {
            buffer.put(END);
        }
        for (Thread t : consumerThreads) {
            t.join();
        }

        long totalCount = 0;
        long totalSum = 0;
        for (int c = 0; c < consumers; c++) {
            totalCount += counts[c];
            totalSum += sums[c];
        }
        long expectedSum = 0;
        for (int k = 0; k < items; k++) {
            expectedSum += value(k);
        }
        System.out.println("consumed = " + totalCount);
        System.out.println("sum      = " + totalSum);
        System.out.println("check    = " + (totalCount == items && totalSum == expectedSum ? "OK" : "MISMATCH"));
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
        System.err.println("usage: java samples.ProducerConsumer [producers=2 (1..1024)] [consumers=2 (1..1024)]"
                + " [items=500000 (0..100000000)]");
        System.exit(2);
    }
}
