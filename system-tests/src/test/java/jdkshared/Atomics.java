package jdkshared;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The atomic classes updated by three threads at once. Every read-modify-write must be atomic
 * across nodes: the totals come out exact, the values incrementAndGet returned are all distinct,
 * exactly one thread wins compareAndSet(false, true), and a stack pushed with compareAndSet on an
 * AtomicReference holds every node exactly once.
 */
public final class Atomics {

    static final int THREADS = 3;
    static final int PER_THREAD = 60;
    static final int TOTAL = THREADS * PER_THREAD;
    static final int INT_SLOTS = 10;
    static final int LONG_SLOTS = 5;

    /** A node of an immutable stack. */
    record Node(int value, Node next) {
    }

    static final class Shared {
        final AtomicInteger counter = new AtomicInteger();
        final AtomicLong total = new AtomicLong();
        final AtomicLong casTotal = new AtomicLong();
        final AtomicLong max = new AtomicLong(Long.MIN_VALUE);
        final AtomicBoolean flag = new AtomicBoolean();
        final AtomicReference<Node> stack = new AtomicReference<>();
        final AtomicIntegerArray ints = new AtomicIntegerArray(INT_SLOTS);
        final AtomicLongArray longs = new AtomicLongArray(LONG_SLOTS);
        final AtomicReferenceArray<String> owners = new AtomicReferenceArray<>(INT_SLOTS);
        final LongAdder adder = new LongAdder();
        /** What incrementAndGet returned to each thread, in its own row. */
        final int[][] tickets = new int[THREADS][];
        final boolean[] wonFlag = new boolean[THREADS];
        final int[] ownedSlots = new int[THREADS];
    }

    private Atomics() {
    }

    /** A value spread over [0, 1000) with one maximum. */
    static long spread(int t, int i) {
        return (i * 37L + t * 11L) % 1000;
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        Shared s = new Shared();
        Thread[] workers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            workers[t] = Where.start("atomics " + t, () -> {
                int[] tickets = new int[PER_THREAD];
                s.wonFlag[me] = s.flag.compareAndSet(false, true);
                for (int i = 0; i < PER_THREAD; i++) {
                    tickets[i] = s.counter.incrementAndGet();
                    s.total.addAndGet(me * 1000L + i);
                    long v;
                    do {
                        v = s.casTotal.get();
                    } while (!s.casTotal.compareAndSet(v, v + i + 1));
                    long candidate = spread(me, i);
                    long m = s.max.get();
                    while (candidate > m && !s.max.compareAndSet(m, candidate)) {
                        m = s.max.get();
                    }
                    Node head;
                    Node pushed;
                    do {
                        head = s.stack.get();
                        pushed = new Node(me * PER_THREAD + i, head);
                    } while (!s.stack.compareAndSet(head, pushed));
                    s.ints.incrementAndGet(i % INT_SLOTS);
                    s.longs.addAndGet(i % LONG_SLOTS, i);
                    s.adder.add(i);
                    s.adder.increment();
                }
                int owned = 0;
                for (int slot = 0; slot < INT_SLOTS; slot++) {
                    if (s.owners.compareAndSet(slot, null, "t" + me)) {
                        owned++;
                    }
                }
                s.tickets[me] = tickets;
                s.ownedSlots[me] = owned;
            });
        }
        Where.joinAll(workers);

        BitSet seen = new BitSet();
        int ticketCount = 0;
        for (int[] row : s.tickets) {
            if (row != null) {
                for (int v : row) {
                    seen.set(v);
                    ticketCount++;
                }
            }
        }
        System.out.println("AtomicInteger: " + s.counter.get() + ", distinct tickets=" + seen.cardinality());
        Where.check(failures, "AtomicInteger", s.counter.get(), TOTAL);
        Where.check(failures, "incrementAndGet results", ticketCount == TOTAL && seen.cardinality() == TOTAL
                && seen.nextSetBit(0) == 1 && seen.length() == TOTAL + 1, true);

        long sumI = (long) PER_THREAD * (PER_THREAD - 1) / 2;
        long wantTotal = THREADS * sumI + 1000L * PER_THREAD * (THREADS * (THREADS - 1) / 2);
        System.out.println("AtomicLong: addAndGet=" + s.total.get() + " CAS loop=" + s.casTotal.get() + " max="
                + s.max.get());
        Where.check(failures, "AtomicLong addAndGet", s.total.get(), wantTotal);
        Where.check(failures, "AtomicLong compareAndSet loop", s.casTotal.get(), THREADS * (sumI + PER_THREAD));
        long wantMax = Long.MIN_VALUE;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PER_THREAD; i++) {
                wantMax = Math.max(wantMax, spread(t, i));
            }
        }
        Where.check(failures, "AtomicLong max by compareAndSet", s.max.get(), wantMax);

        int winners = 0;
        for (boolean w : s.wonFlag) {
            winners += w ? 1 : 0;
        }
        System.out.println("AtomicBoolean: value=" + s.flag.get() + " winners=" + winners);
        Where.check(failures, "AtomicBoolean winners", winners, 1);

        int nodes = 0;
        long nodeSum = 0;
        boolean stackOrder = true;
        int[] lastPerThread = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        for (Node n = s.stack.get(); n != null; n = n.next()) {
            nodes++;
            nodeSum += n.value();
            int t = n.value() / PER_THREAD;
            stackOrder &= n.value() < lastPerThread[t];
            lastPerThread[t] = n.value();
        }
        System.out.println("AtomicReference stack: nodes=" + nodes + " sum=" + nodeSum + " per-thread order="
                + stackOrder);
        Where.check(failures, "stack nodes", nodes, TOTAL);
        Where.check(failures, "stack sum", nodeSum, (long) TOTAL * (TOTAL - 1) / 2);
        Where.check(failures, "stack keeps each thread's pushes in order", stackOrder, true);

        System.out.println("AtomicIntegerArray: " + s.ints);
        for (int i = 0; i < INT_SLOTS; i++) {
            Where.check(failures, "AtomicIntegerArray[" + i + "]", s.ints.get(i), TOTAL / INT_SLOTS);
        }
        System.out.println("AtomicLongArray: " + s.longs);
        for (int slot = 0; slot < LONG_SLOTS; slot++) {
            long want = 0;
            for (int i = slot; i < PER_THREAD; i += LONG_SLOTS) {
                want += THREADS * (long) i;
            }
            Where.check(failures, "AtomicLongArray[" + slot + "]", s.longs.get(slot), want);
        }
        int owned = 0;
        int filled = 0;
        for (int slot = 0; slot < INT_SLOTS; slot++) {
            filled += s.owners.get(slot) != null ? 1 : 0;
        }
        for (int o : s.ownedSlots) {
            owned += o;
        }
        System.out.println("AtomicReferenceArray: filled=" + filled + " won=" + owned);
        Where.check(failures, "AtomicReferenceArray slots filled", filled, INT_SLOTS);
        Where.check(failures, "AtomicReferenceArray slots won", owned, INT_SLOTS);

        System.out.println("LongAdder: " + s.adder.sum());
        Where.check(failures, "LongAdder", s.adder.sum(), THREADS * (sumI + PER_THREAD));
        Where.verdict(failures);
    }
}
