package migration;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Threads interrupted as they take from an empty queue, one after another: a migration test moves every thread of
 * the job (main too) every few milliseconds meanwhile, so the interrupts come while the takers arrive on a node, enter
 * the take, or are taken out of it to move. Each take must end in InterruptedException with the status clear, and
 * main must see each thread end. Main waits for a thread to be about to take (a volatile flag), interrupts it and
 * joins it, so the output never depends on timing.
 *
 * Arguments: [threads=150]
 */
public class Interrupts {
    /** The number of the thread that is about to take. */
    static volatile int ready;

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        String[] seen = new String[threads];
        for (int i = 0; i < threads; i++) {
            int me = i + 1;
            Thread taker = new Thread(() -> {
                ready = me;
                try {
                    seen[me - 1] = "took " + queue.take();
                } catch (InterruptedException e) {
                    seen[me - 1] = Thread.currentThread().isInterrupted() ? "interrupted, status still set" :
                            "interrupted";
                }
            }, "taker " + me);
            taker.start();
            while (ready != me) {
                Thread.onSpinWait();
            }
            taker.interrupt();
            taker.join();
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String s : seen) {
            counts.merge(String.valueOf(s), 1, Integer::sum);
        }
        System.out.println(threads + " takes interrupted: " + counts);
    }
}
