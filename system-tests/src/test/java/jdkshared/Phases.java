package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;

/**
 * Parties on several nodes that step through rounds with two phasers: a plain {@link Phaser},
 * whose calls from another node run at its home, and a subclass whose {@code onAdvance} must run
 * on the thread of the party that advances the phase, as in one JVM (its waits for an advance
 * run at its home: every other round the parties wait through {@code awaitAdvanceInterruptibly}
 * instead of {@code arriveAndAwaitAdvance}). Each round every party
 * writes its slot, all advance, every party sums the slots, all advance again; the sums and
 * the number of advances are checked.
 */
public final class Phases {

    static final int PARTIES = 3;
    static final int ROUNDS = 20;

    /** Counts its advances and notes whether each ran on a thread of the program. */
    static final class Counted extends Phaser {
        int advances;
        boolean onPartyThreads = true;

        Counted(int parties) {
            super(parties);
        }

        @Override
        protected boolean onAdvance(int phase, int registeredParties) {
            advances++;
            onPartyThreads &= Thread.currentThread().getName().startsWith("party ");
            return registeredParties == 0;
        }
    }

    /** The state the parties share. */
    static final class Rounds {
        final Phaser plain = new Phaser(PARTIES);
        final Counted counted = new Counted(PARTIES);
        final long[] slots = new long[PARTIES];
        final long[][] sums = new long[PARTIES][ROUNDS];
    }

    private Phases() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        Rounds r = new Rounds();
        Thread[] parties = new Thread[PARTIES];
        for (int t = 0; t < PARTIES; t++) {
            final int me = t;
            parties[t] = Where.start("party " + t, () -> {
                for (int round = 0; round < ROUNDS; round++) {
                    r.slots[me] = round * 10L + me;
                    r.plain.arriveAndAwaitAdvance();
                    long sum = 0;
                    for (long s : r.slots) {
                        sum += s;
                    }
                    r.sums[me][round] = sum;
                    if (round % 2 == 0) {
                        r.counted.arriveAndAwaitAdvance();
                    } else {
                        // the arrival runs on this thread (it may run onAdvance), the wait at the home
                        r.counted.awaitAdvanceInterruptibly(r.counted.arrive());
                    }
                }
                r.plain.arriveAndDeregister();
                r.counted.arriveAndDeregister();
            });
        }
        Where.joinAll(parties);
        for (int round = 0; round < ROUNDS; round++) {
            for (int t = 0; t < PARTIES; t++) {
                Where.check(failures, "party " + t + "'s sum in round " + round, r.sums[t][round], round * 30L + 3);
            }
        }
        System.out.println("Phaser: " + ROUNDS + " rounds of " + PARTIES + " parties, plain terminated="
                + r.plain.isTerminated() + " phase=" + r.plain.getPhase());
        System.out.println("Phaser subclass: advances=" + r.counted.advances + " onAdvance on the parties' threads="
                + r.counted.onPartyThreads + " terminated=" + r.counted.isTerminated());
        Where.check(failures, "plain phaser terminated", r.plain.isTerminated(), true);
        Where.check(failures, "advances of the subclass", r.counted.advances, ROUNDS + 1);
        Where.check(failures, "onAdvance on the parties' threads", r.counted.onPartyThreads, true);
        Where.verdict(failures);
    }
}
