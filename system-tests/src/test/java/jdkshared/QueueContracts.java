package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The contracts of a bounded blocking queue's methods, called by threads that may run on another node than the
 * queue's (main's): a take or put that is interrupted throws InterruptedException with the interrupt status cleared
 * and takes or puts nothing; a put into a full queue waits until a take makes room; offer and timed offer on a full
 * queue and timed poll on an empty one give up; a null element is refused with a NullPointerException; an object
 * put by one thread is the same object for the thread that takes it; a subclass's override of put runs once per
 * call. Each thread waits for main's go through a
 * volatile flag and main for each thread through join, so the output never depends on timing.
 */
public final class QueueContracts {

    /** A mutable element: it goes by reference, not by value. */
    static final class Box {
        int value;

        Box(int value) {
            this.value = value;
        }
    }

    /** A subclass that counts its puts: its override must run once per call, on the caller's node. */
    static final class CountingQueue extends LinkedBlockingQueue<Object> {
        int puts;

        CountingQueue(int capacity) {
            super(capacity);
        }

        @Override
        public void put(Object o) throws InterruptedException {
            puts++;
            super.put(o);
        }
    }

    /** Set by a thread just before it blocks (or tries to). */
    static volatile boolean ready;

    private QueueContracts() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        check("LinkedBlockingQueue", new LinkedBlockingQueue<>(2), failures);
        check("ArrayBlockingQueue", new ArrayBlockingQueue<>(2), failures);
        check("LinkedBlockingDeque", new LinkedBlockingDeque<>(2), failures);
        CountingQueue counting = new CountingQueue(2);
        check("CountingQueue", counting, failures);
        // seven calls of put, one of them interrupted before it put anything
        report("CountingQueue puts counted", counting.puts, 7, failures);
        Where.verdict(failures);
    }

    static void check(String name, BlockingQueue<Object> q, List<String> failures) throws InterruptedException {
        String[] seen = new String[1];

        // an interrupted take throws, clears the interrupt and takes nothing
        ready = false;
        Thread taker = Where.start(name + " taker", () -> {
            ready = true;
            try {
                Object got = q.take();
                seen[0] = "took " + got;
            } catch (InterruptedException e) {
                seen[0] = "interrupted, still interrupted " + Thread.currentThread().isInterrupted();
            }
        });
        awaitReady();
        taker.interrupt();
        taker.join();
        report(name + " interrupted take", seen[0], "interrupted, still interrupted false", failures);
        q.put(1);
        report(name + " size after the interrupted take and one put", q.size(), 1, failures);

        // a put into a full queue waits until a take makes room; the order is kept
        q.put(2);
        Thread putter = Where.start(name + " putter", () -> q.put(3));
        report(name + " first taken", q.take(), 1, failures);
        putter.join();
        report(name + " then", q.take() + "," + q.take(), "2,3", failures);

        // an interrupted put into a full queue throws and puts nothing
        q.put(4);
        q.put(5);
        ready = false;
        Thread blockedPutter = Where.start(name + " blocked putter", () -> {
            ready = true;
            try {
                q.put(6);
                seen[0] = "put";
            } catch (InterruptedException e) {
                seen[0] = "interrupted";
            }
        });
        awaitReady();
        blockedPutter.interrupt();
        blockedPutter.join();
        report(name + " interrupted put", seen[0], "interrupted", failures);

        // giving up: offer and timed offer on a full queue, timed poll and poll on an empty one; null refused
        Thread giver = Where.start(name + " giver", () -> {
            StringBuilder sb = new StringBuilder();
            sb.append(q.offer(7)).append(' ').append(q.offer(8, 20, TimeUnit.MILLISECONDS)).append(' ');
            sb.append(q.poll()).append(' ').append(q.poll(1, TimeUnit.SECONDS)).append(' ');
            sb.append(q.poll()).append(' ').append(q.poll(20, TimeUnit.MILLISECONDS)).append(' ');
            try {
                q.offer(null);
                sb.append("null accepted");
            } catch (NullPointerException e) {
                sb.append("null refused");
            }
            seen[0] = sb.toString();
        });
        giver.join();
        report(name + " offers and polls", seen[0], "false false 4 5 null null null refused", failures);

        // an object goes by reference: the taker's changes are seen by the putter after the hand-back
        Box box = new Box(10);
        BlockingQueue<Object> back = new LinkedBlockingQueue<>();
        Thread changer = Where.start(name + " changer", () -> {
            Box b = (Box) q.take();
            b.value++;
            back.put(b);
        });
        q.put(box);
        Object returned = back.take();
        changer.join();
        report(name + " the same object came back", returned == box, true, failures);
        report(name + " changed by the taker", box.value, 11, failures);
        report(name + " empty at the end", q.size(), 0, failures);
    }

    private static void awaitReady() {
        while (!ready) {
            Thread.onSpinWait();
        }
    }

    private static void report(String what, Object got, Object want, List<String> failures) {
        System.out.println(what + ": " + got);
        Where.check(failures, what, got, want);
    }
}
