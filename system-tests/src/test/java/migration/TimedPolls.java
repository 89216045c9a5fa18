package migration;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Threads in timed java.util.concurrent waits, which a migration test moves while they wait: one polls a queue that
 * gets an item only after a while (it must get the item, and not time out), one polls a queue that stays empty (it
 * must time out after about the time asked, not after that time again for every move), one waits on a latch with a
 * timeout that is counted down in time. Two wait at barriers with a timeout: one that main arrives at in time, and
 * one nobody else arrives at (it times out after about the time asked and breaks the barrier).
 *
 * Arguments: [millis=1000]
 */
public class TimedPolls {
    static final BlockingQueue<Integer> FED = new LinkedBlockingQueue<>();
    static final BlockingQueue<Integer> EMPTY = new LinkedBlockingQueue<>();
    static final CountDownLatch LATCH = new CountDownLatch(1);
    static final CyclicBarrier MET = new CyclicBarrier(2);
    static final CyclicBarrier LONELY = new CyclicBarrier(2);
    static final String[] RESULTS = new String[5];

    static void fed(long millis) throws InterruptedException {
        Integer v = FED.poll(millis * 4, TimeUnit.MILLISECONDS);
        RESULTS[0] = "fed poll got " + v;
    }

    static void empty(long millis) throws InterruptedException {
        long start = System.nanoTime();
        Integer v = EMPTY.poll(millis, TimeUnit.MILLISECONDS);
        long took = (System.nanoTime() - start) / 1_000_000;
        // each move adds the time it takes to travel, but a retry must not wait the whole time again
        RESULTS[1] = "empty poll got " + v + ", waited at least the time asked: " + (took >= millis)
                + ", not three times as long: " + (took < 3 * millis);
    }

    static void latch(long millis) throws InterruptedException {
        boolean opened = LATCH.await(millis * 4, TimeUnit.MILLISECONDS);
        RESULTS[2] = "latch opened in time: " + opened;
    }

    static void met(long millis) throws Exception {
        RESULTS[3] = "barrier met in time, index " + MET.await(millis * 4, TimeUnit.MILLISECONDS);
    }

    static void lonely(long millis) throws Exception {
        long start = System.nanoTime();
        try {
            LONELY.await(millis, TimeUnit.MILLISECONDS);
            RESULTS[4] = "lonely barrier tripped";
        } catch (TimeoutException e) {
            long took = (System.nanoTime() - start) / 1_000_000;
            RESULTS[4] = "lonely barrier timed out, broken: " + LONELY.isBroken() + ", waited at least the time asked: "
                    + (took >= millis) + ", not three times as long: " + (took < 3 * millis);
        }
    }

    interface Body {
        void run() throws Exception;
    }

    static Thread start(String name, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                System.out.println(name + " failed: " + e);
            }
        }, name);
        t.start();
        return t;
    }

    public static void main(String[] args) throws InterruptedException {
        long millis = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        Thread[] ts = {
            start("fed", () -> fed(millis)),
            start("empty", () -> empty(millis)),
            start("latch", () -> latch(millis)),
            start("met", () -> met(millis)),
            start("lonely", () -> lonely(millis)),
        };
        Thread.sleep(millis);
        FED.put(42);
        LATCH.countDown();
        int index;
        try {
            index = MET.await();
        } catch (BrokenBarrierException e) {
            index = -1;
        }
        for (Thread t : ts) {
            t.join();
        }
        for (String r : RESULTS) {
            System.out.println(r);
        }
        System.out.println("main's index at the barrier met " + index);
    }
}
