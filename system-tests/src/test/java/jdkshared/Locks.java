package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The java.util.concurrent.locks classes and Semaphore guarding plain fields across threads: a
 * ReentrantLock (taken twice by the same thread), a ReentrantReadWriteLock whose readers must
 * never see a half-done write, a bounded buffer built from a lock and two Conditions, a Semaphore
 * used as a mutex and as a pool of two permits, and a LockSupport.park/unpark hand-off.
 */
public final class Locks {

    static final int THREADS = 3;
    static final int INCREMENTS = 100;
    static final int RW_ROUNDS = 40;
    static final int ITEMS = 100;
    static final int CAPACITY = 4;
    static final int POOL_USERS = 4;
    static final int POOL_PERMITS = 2;
    static final int POOL_ROUNDS = 15;
    static final int TURNS = 20;

    /** A counter guarded by a ReentrantLock; {@code reentered} counts nested holds seen. */
    static final class Guarded {
        final ReentrantLock lock = new ReentrantLock();
        long count;
        int reentered;
    }

    /** Two fields a writer keeps summing to zero; readers check that under the read lock. */
    static final class Pair {
        final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        long a;
        long b;
        int writes;
    }

    /** The bounded buffer of the Condition Javadoc. */
    static final class Buffer {
        final ReentrantLock lock = new ReentrantLock();
        final Condition notFull = lock.newCondition();
        final Condition notEmpty = lock.newCondition();
        final int[] items = new int[CAPACITY];
        int putIndex;
        int takeIndex;
        int count;

        void put(int v) throws InterruptedException {
            lock.lock();
            try {
                while (count == items.length) {
                    notFull.await();
                }
                items[putIndex] = v;
                putIndex = (putIndex + 1) % items.length;
                count++;
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        int take() throws InterruptedException {
            lock.lock();
            try {
                while (count == 0) {
                    notEmpty.await();
                }
                int v = items[takeIndex];
                takeIndex = (takeIndex + 1) % items.length;
                count--;
                notFull.signal();
                return v;
            } finally {
                lock.unlock();
            }
        }
    }

    /** State of the Semaphore checks. */
    static final class Permits {
        final Semaphore mutex = new Semaphore(1);
        final Semaphore pool = new Semaphore(POOL_PERMITS);
        long count;
        /** Holders of a pool permit right now, and the most ever seen; both guarded by mutex. */
        int inside;
        int mostInside;
    }

    /** The park/unpark hand-off: whose turn it is, and the moves so far. */
    static final class Turns {
        final Thread[] players = new Thread[2];
        volatile int turn;
        final char[] log = new char[2 * TURNS];
    }

    private Locks() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();

        Guarded g = new Guarded();
        Thread[] incrementers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            incrementers[t] = Where.start("lock user " + t, () -> {
                for (int i = 0; i < INCREMENTS; i++) {
                    g.lock.lock();
                    try {
                        g.count++;
                        if (i % 10 == 0) {
                            g.lock.lock();
                            try {
                                g.reentered += g.lock.getHoldCount() == 2 ? 1 : 0;
                            } finally {
                                g.lock.unlock();
                            }
                        }
                    } finally {
                        g.lock.unlock();
                    }
                }
            });
        }
        Where.joinAll(incrementers);
        System.out.println("ReentrantLock: count=" + g.count + " reentered=" + g.reentered + " locked="
                + g.lock.isLocked());
        Where.check(failures, "ReentrantLock count", g.count, (long) THREADS * INCREMENTS);
        Where.check(failures, "ReentrantLock hold count 2 when reentered", g.reentered, THREADS * INCREMENTS / 10);
        Where.check(failures, "ReentrantLock released", g.lock.isLocked(), false);

        Pair pair = new Pair();
        int[] torn = new int[2];
        Thread[] rw = new Thread[4];
        for (int w = 0; w < 2; w++) {
            rw[w] = Where.start("writer " + w, () -> {
                for (int i = 1; i <= RW_ROUNDS; i++) {
                    pair.rw.writeLock().lock();
                    try {
                        pair.a += i;
                        pair.b -= i;
                        pair.writes++;
                    } finally {
                        pair.rw.writeLock().unlock();
                    }
                }
            });
        }
        for (int r = 0; r < 2; r++) {
            final int me = r;
            rw[2 + r] = Where.start("reader " + r, () -> {
                int bad = 0;
                for (int i = 0; i < RW_ROUNDS; i++) {
                    pair.rw.readLock().lock();
                    try {
                        bad += pair.a + pair.b == 0 ? 0 : 1;
                    } finally {
                        pair.rw.readLock().unlock();
                    }
                }
                torn[me] = bad;
            });
        }
        Where.joinAll(rw);
        System.out.println("ReentrantReadWriteLock: a=" + pair.a + " b=" + pair.b + " writes=" + pair.writes
                + " torn reads=" + (torn[0] + torn[1]));
        Where.check(failures, "write-locked sum", pair.a, 2L * RW_ROUNDS * (RW_ROUNDS + 1) / 2);
        Where.check(failures, "writes", pair.writes, 2 * RW_ROUNDS);
        Where.check(failures, "reads that saw a half-done write", torn[0] + torn[1], 0);

        Buffer buffer = new Buffer();
        long[] taken = new long[2];
        Thread producer = Where.start("condition producer", () -> {
            for (int i = 1; i <= ITEMS; i++) {
                buffer.put(i);
            }
        });
        Thread consumer = Where.start("condition consumer", () -> {
            long sum = 0;
            long outOfOrder = 0;
            for (int i = 1; i <= ITEMS; i++) {
                int v = buffer.take();
                sum += v;
                outOfOrder += v == i ? 0 : 1;
            }
            taken[0] = sum;
            taken[1] = outOfOrder;
        });
        Where.joinAll(producer, consumer);
        System.out.println("Condition buffer: sum=" + taken[0] + " out of order=" + taken[1] + " left="
                + buffer.count);
        Where.check(failures, "items through the Condition buffer", taken[0], (long) ITEMS * (ITEMS + 1) / 2);
        Where.check(failures, "items out of FIFO order", taken[1], 0L);

        Permits permits = new Permits();
        Thread[] semaphoreUsers = new Thread[THREADS + POOL_USERS];
        for (int t = 0; t < THREADS; t++) {
            semaphoreUsers[t] = Where.start("mutex user " + t, () -> {
                for (int i = 0; i < INCREMENTS; i++) {
                    permits.mutex.acquire();
                    try {
                        permits.count++;
                    } finally {
                        permits.mutex.release();
                    }
                }
            });
        }
        for (int u = 0; u < POOL_USERS; u++) {
            semaphoreUsers[THREADS + u] = Where.start("pool user " + u, () -> {
                for (int i = 0; i < POOL_ROUNDS; i++) {
                    permits.pool.acquire();
                    try {
                        permits.mutex.acquire();
                        permits.inside++;
                        permits.mostInside = Math.max(permits.mostInside, permits.inside);
                        permits.mutex.release();
                        Thread.yield();
                        permits.mutex.acquire();
                        permits.inside--;
                        permits.mutex.release();
                    } finally {
                        permits.pool.release();
                    }
                }
            });
        }
        Where.joinAll(semaphoreUsers);
        System.out.println("Semaphore: mutex count=" + permits.count + " pool permits="
                + permits.pool.availablePermits() + " mutex permits=" + permits.mutex.availablePermits() + " inside="
                + permits.inside);
        Where.check(failures, "Semaphore mutex count", permits.count, (long) THREADS * INCREMENTS);
        Where.check(failures, "pool holders at most " + POOL_PERMITS, permits.mostInside <= POOL_PERMITS
                && permits.mostInside >= 1, true);
        Where.check(failures, "pool permits back", permits.pool.availablePermits(), POOL_PERMITS);
        Where.check(failures, "holders at the end", permits.inside, 0);

        Turns turns = new Turns();
        for (int p = 0; p < 2; p++) {
            final int me = p;
            turns.players[p] = new Thread(() -> {
                Where.report("parker " + me);
                for (int k = 0; k < TURNS; k++) {
                    while (turns.turn != me) {
                        LockSupport.park(turns);
                    }
                    turns.log[2 * k + me] = me == 0 ? 'A' : 'B';
                    turns.turn = 1 - me;
                    LockSupport.unpark(turns.players[1 - me]);
                }
            }, "parker-" + p);
        }
        turns.players[0].start();
        turns.players[1].start();
        Where.joinAll(turns.players);
        String log = new String(turns.log);
        System.out.println("LockSupport hand-off: " + log);
        Where.check(failures, "park/unpark turns", log, "AB".repeat(TURNS));
        Where.verdict(failures);
    }
}
