package control;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fourteen threads, each blocked in a different java.util.concurrent wait (four of them timed, two of them on
 * subclasses of the program's own that inherit the call) until the main thread
 * releases them all, which it does once a file appears: a control test moves each of them while it waits. The
 * condition waiters hold the lock of their condition whenever they run, and check that they do. The locker waits in
 * {@code Lock.lock()} for a lock the main thread holds. The barrier and phaser waiters arrive first, and wait for the
 * main thread to arrive too.
 *
 * Arguments: GO-FILE
 */
public class JucWaits {
    static final BlockingQueue<Integer> QUEUE = new LinkedBlockingQueue<>();
    static final CountDownLatch LATCH = new CountDownLatch(1);
    static final ReentrantLock LOCK = new ReentrantLock();
    static final Condition READY = LOCK.newCondition();
    static final Semaphore PERMITS = new Semaphore(0);
    static final FutureTask<Integer> TASK = new FutureTask<>(() -> 40);
    static boolean released;
    static final BlockingQueue<Integer> POLLED = new LinkedBlockingQueue<>();
    static final ReentrantLock GATE = new ReentrantLock();
    static final CyclicBarrier BARRIER = new CyclicBarrier(2);
    static final Phaser PHASER = new Phaser(2);
    static final CyclicBarrier TIMED_BARRIER = new CyclicBarrier(2);
    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newFixedThreadPool(1);
    static final JobQueue JOBS = new JobQueue();
    static final CountedPhaser COUNTED = new CountedPhaser(2);
    static final long[] RESULTS = new long[14];

    /** A queue class of the program's own: it inherits take from LinkedBlockingQueue. */
    static final class JobQueue extends LinkedBlockingQueue<Integer> {
        boolean idle() {
            return isEmpty();
        }
    }

    /** A phaser class of the program's own: it inherits arriveAndAwaitAdvance and never terminates. */
    static final class CountedPhaser extends Phaser {
        CountedPhaser(int parties) {
            super(parties);
        }

        @Override
        protected boolean onAdvance(int phase, int registeredParties) {
            return false;
        }
    }

    /** Keeps the Path out of the caller's frame. */
    static boolean exists(String file) {
        return Files.exists(Path.of(file));
    }

    static void take() throws InterruptedException {
        // both takes wait with values of the program's on the stack: the array, the index, the first element
        RESULTS[0] = QUEUE.take() + QUEUE.take();
    }

    static void awaitLatch() throws InterruptedException {
        LATCH.await();
        RESULTS[1] = 10;
    }

    static void awaitCondition() throws InterruptedException {
        LOCK.lock();
        try {
            while (!released) {
                READY.await();
            }
            RESULTS[2] = LOCK.isHeldByCurrentThread() ? 20 : -20;
        } finally {
            LOCK.unlock();
        }
    }

    static void acquire() throws InterruptedException {
        PERMITS.acquire();
        PERMITS.acquire(2);
        RESULTS[3] = 30;
    }

    static void get() throws Exception {
        Integer v = TASK.get();
        RESULTS[4] = v;
    }

    static void poll() throws InterruptedException {
        Integer v = POLLED.poll(1, java.util.concurrent.TimeUnit.HOURS);
        RESULTS[5] = v == null ? -1 : v;
    }

    static void lock() {
        GATE.lock();
        try {
            RESULTS[6] = GATE.isHeldByCurrentThread() ? 60 : -60;
        } finally {
            GATE.unlock();
        }
    }

    static void awaitConditionTimed() throws InterruptedException {
        LOCK.lock();
        try {
            long left = java.util.concurrent.TimeUnit.HOURS.toNanos(1);
            while (!released && left > 0) {
                left = READY.awaitNanos(left);
            }
            RESULTS[7] = LOCK.isHeldByCurrentThread() && left > 0 ? 70 : -70;
        } finally {
            LOCK.unlock();
        }
    }

    static void awaitBarrier() throws Exception {
        // waits with values of the program's on the stack; the first to arrive has index 1
        RESULTS[8] = 80 + BARRIER.await();
    }

    static void awaitBarrierTimed() throws Exception {
        RESULTS[10] = 100 + TIMED_BARRIER.await(1, java.util.concurrent.TimeUnit.HOURS);
    }

    static void awaitPhase() {
        // the phase after the advance, 1
        RESULTS[9] = 90L + PHASER.arriveAndAwaitAdvance();
    }

    static void awaitTermination() throws InterruptedException {
        RESULTS[11] = POOL.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS) ? 110 : -110;
    }

    static void takeJob() throws InterruptedException {
        RESULTS[12] = 100 + JOBS.take();
    }

    static void awaitCountedPhase() {
        // the phase after the advance, 1, which main's arrival makes
        RESULTS[13] = 130L + COUNTED.arriveAndAwaitAdvance();
    }

    interface Body {
        void run() throws Exception;
    }

    static Thread thread(String name, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                System.out.println(name + " failed: " + e);
            }
        }, name);
    }

    public static void main(String[] args) throws Exception {
        String goFile = args[0];
        Thread[] threads = {
            thread("taker", JucWaits::take),
            thread("latch-waiter", JucWaits::awaitLatch),
            thread("condition-waiter", JucWaits::awaitCondition),
            thread("acquirer", JucWaits::acquire),
            thread("getter", JucWaits::get),
            thread("poller", JucWaits::poll),
            thread("locker", JucWaits::lock),
            thread("timed-condition-waiter", JucWaits::awaitConditionTimed),
            thread("barrier-waiter", JucWaits::awaitBarrier),
            thread("phaser-waiter", JucWaits::awaitPhase),
            thread("timed-barrier-waiter", JucWaits::awaitBarrierTimed),
            thread("termination-waiter", JucWaits::awaitTermination),
            thread("subclass-taker", JucWaits::takeJob),
            thread("subclass-phaser-waiter", JucWaits::awaitCountedPhase),
        };
        GATE.lock();
        for (Thread t : threads) {
            t.start();
        }
        while (!exists(goFile)) {
            Thread.sleep(5);
        }
        QUEUE.put(1);
        QUEUE.put(2);
        LATCH.countDown();
        LOCK.lock();
        try {
            released = true;
            READY.signalAll();
        } finally {
            LOCK.unlock();
        }
        PERMITS.release(3);
        TASK.run();
        POLLED.put(50);
        GATE.unlock();
        POOL.shutdown();
        PHASER.arrive();
        JOBS.put(20);
        COUNTED.arrive();
        int index = BARRIER.await() + TIMED_BARRIER.await();
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("results " + java.util.Arrays.toString(RESULTS) + ", main's barrier index " + index);
    }
}
