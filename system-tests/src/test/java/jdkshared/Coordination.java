package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Phaser;

/**
 * The synchronizers that order phases of work: a CountDownLatch as start gate and done gate
 * (main reads the results after the done gate, without join), a CyclicBarrier over several
 * rounds whose barrier action sums each round, and a Phaser that separates writes of one phase
 * from the reads of the next. Each makes plain writes before it visible after it. A party interrupted while it
 * waits at a barrier breaks it, as it would in one JVM, and the barrier works again after a reset.
 */
public final class Coordination {

    static final int THREADS = 3;
    static final int ROUNDS = 5;
    static final int PHASER_ROUNDS = 3;

    static final class Latched {
        final CountDownLatch start = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(THREADS);
        int seed;
        final long[] results = new long[THREADS];
    }

    static final class Rounds {
        final long[] contributions = new long[THREADS];
        final List<Long> history = new ArrayList<>();
        CyclicBarrier barrier;
        /** What each thread saw as the previous round's total, per round. */
        final long[][] seen = new long[THREADS][ROUNDS];
    }

    static final class Phased {
        final Phaser phaser = new Phaser(1); // main
        final long[] slots = new long[THREADS];
        final long[][] sums = new long[THREADS][PHASER_ROUNDS];
        final long[] mainSums = new long[PHASER_ROUNDS];
    }

    private Coordination() {
    }

    static long contribution(int round, int t) {
        return (round + 1) * 100L + t * 7L;
    }

    public static void main(String[] args) throws InterruptedException, BrokenBarrierException {
        Where.init();
        List<String> failures = new ArrayList<>();

        // CountDownLatch.
        Latched l = new Latched();
        Thread[] latched = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            latched[t] = Where.start("latch worker " + t, () -> {
                l.start.await();
                long r = 0;
                for (int i = 0; i <= l.seed + me; i++) {
                    r += i;
                }
                l.results[me] = r;
                l.done.countDown();
            });
        }
        l.seed = 20; // published by countDown below
        l.start.countDown();
        l.done.await();
        StringBuilder latchLine = new StringBuilder();
        for (int t = 0; t < THREADS; t++) {
            long want = (long) (20 + t) * (21 + t) / 2;
            latchLine.append(t == 0 ? "" : ",").append(l.results[t]);
            Where.check(failures, "latch result " + t + " read after the done gate", l.results[t], want);
        }
        System.out.println("CountDownLatch: results=" + latchLine + " count=" + l.done.getCount());
        Where.joinAll(latched);

        // CyclicBarrier: each round every thread contributes; the action adds the round up.
        Rounds r = new Rounds();
        r.barrier = new CyclicBarrier(THREADS, () -> {
            long sum = 0;
            for (long c : r.contributions) {
                sum += c;
            }
            r.history.add(sum);
        });
        Thread[] rounders = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            rounders[t] = Where.start("barrier party " + t, () -> {
                for (int round = 0; round < ROUNDS; round++) {
                    r.contributions[me] = contribution(round, me);
                    r.barrier.await();
                    r.seen[me][round] = r.history.get(2 * round);
                    r.barrier.await(); // nobody writes the next round before all have read
                }
            });
        }
        Where.joinAll(rounders);
        List<Long> wantHistory = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long sum = 0;
            for (int t = 0; t < THREADS; t++) {
                sum += contribution(round, t);
            }
            wantHistory.add(sum);
            wantHistory.add(sum); // the second await of each round runs the action again
        }
        System.out.println("CyclicBarrier: action results=" + r.history + " broken=" + r.barrier.isBroken());
        Where.check(failures, "barrier action results", r.history, wantHistory);
        for (int t = 0; t < THREADS; t++) {
            for (int round = 0; round < ROUNDS; round++) {
                Where.check(failures, "party " + t + " round " + round, r.seen[t][round], wantHistory.get(2 * round));
            }
        }

        // CyclicBarrier interrupted: of two parties waiting for a third, the one interrupted throws
        // InterruptedException and breaks the barrier, the other sees it broken; after a reset a round trips.
        CyclicBarrier b = new CyclicBarrier(3);
        CountDownLatch resetDone = new CountDownLatch(1);
        String[] outcomes = new String[2];
        int[] indices = new int[3];
        Thread[] waiting = new Thread[2];
        for (int t = 0; t < 2; t++) {
            final int me = t;
            waiting[t] = Where.start("barrier waiter " + t, () -> {
                try {
                    b.await();
                    outcomes[me] = "returned";
                } catch (InterruptedException e) {
                    outcomes[me] = "InterruptedException";
                } catch (BrokenBarrierException e) {
                    outcomes[me] = "BrokenBarrierException";
                }
                resetDone.await();
                indices[me] = b.await();
            });
        }
        while (b.getNumberWaiting() < 2) {
            Thread.sleep(1);
        }
        waiting[0].interrupt();
        while (!b.isBroken()) {
            Thread.sleep(1);
        }
        b.reset();
        resetDone.countDown();
        indices[2] = b.await();
        Where.joinAll(waiting);
        int[] sorted = indices.clone();
        java.util.Arrays.sort(sorted);
        System.out.println("CyclicBarrier interrupted: " + outcomes[0] + ", " + outcomes[1] + "; after reset indices "
                + java.util.Arrays.toString(sorted) + " broken=" + b.isBroken());
        Where.check(failures, "the interrupted waiter", outcomes[0], "InterruptedException");
        Where.check(failures, "the other waiter", outcomes[1], "BrokenBarrierException");
        Where.check(failures, "indices after the reset", java.util.Arrays.toString(sorted), "[0, 1, 2]");

        // Phaser: main and the workers each round: workers write, all advance, everybody reads, all advance.
        Phased p = new Phased();
        Thread[] phased = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            p.phaser.register();
        }
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            phased[t] = Where.start("phaser party " + t, () -> {
                for (int round = 0; round < PHASER_ROUNDS; round++) {
                    p.slots[me] = (round + 1) * 1000L + me;
                    p.phaser.arriveAndAwaitAdvance();
                    p.sums[me][round] = p.slots[0] + p.slots[1] + p.slots[2];
                    p.phaser.arriveAndAwaitAdvance();
                }
                p.phaser.arriveAndDeregister();
            });
        }
        for (int round = 0; round < PHASER_ROUNDS; round++) {
            p.phaser.arriveAndAwaitAdvance();
            p.mainSums[round] = p.slots[0] + p.slots[1] + p.slots[2];
            p.phaser.arriveAndAwaitAdvance();
        }
        int phase = p.phaser.getPhase();
        p.phaser.arriveAndDeregister();
        Where.joinAll(phased);
        StringBuilder phaserLine = new StringBuilder();
        for (int round = 0; round < PHASER_ROUNDS; round++) {
            long want = 3 * (round + 1) * 1000L + 3;
            phaserLine.append(round == 0 ? "" : ",").append(p.mainSums[round]);
            Where.check(failures, "main's sum in round " + round, p.mainSums[round], want);
            for (int t = 0; t < THREADS; t++) {
                Where.check(failures, "party " + t + "'s sum in round " + round, p.sums[t][round], want);
            }
        }
        System.out.println("Phaser: sums=" + phaserLine + " phase after rounds=" + phase + " terminated="
                + p.phaser.isTerminated());
        Where.check(failures, "phase after the rounds", phase, 2 * PHASER_ROUNDS);
        Where.check(failures, "Phaser terminated once all deregistered", p.phaser.isTerminated(), true);
        Where.verdict(failures);
    }
}
