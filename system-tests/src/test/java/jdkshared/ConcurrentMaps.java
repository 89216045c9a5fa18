package jdkshared;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The lock-free collections of java.util.concurrent used by three threads at once: a
 * ConcurrentHashMap counted into with merge, compute, putIfAbsent and computeIfAbsent (whose
 * function must run once per key), a ConcurrentLinkedQueue that must hand every item to exactly
 * one consumer in FIFO order per producer, and a CopyOnWriteArrayList whose iterators never throw
 * while others add.
 */
public final class ConcurrentMaps {

    static final int THREADS = 3;
    static final int PER_THREAD = 60;
    static final int SLOTS = 5;
    static final int SQUARES = 10;
    static final int QUEUE_ITEMS = 100;
    static final int COW_ADDS = 20;
    static final int COW_DISTINCT = 10;

    static final class Maps {
        final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Long> totals = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Integer> firsts = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Integer, Integer> squares = new ConcurrentHashMap<>();
        /** Per thread: how many putIfAbsent calls it won, how many times its computeIfAbsent function ran. */
        final int[] won = new int[THREADS];
        final int[] computed = new int[THREADS];
    }

    private ConcurrentMaps() {
    }

    static String word(int i) {
        return "w" + (i * 7 % 13);
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();

        // ConcurrentHashMap.
        Maps maps = new Maps();
        Thread[] counters = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            counters[t] = Where.start("counter " + t, () -> {
                int won = 0;
                int[] computed = new int[1];
                for (int i = 0; i < PER_THREAD; i++) {
                    maps.counts.merge(word(i), 1, Integer::sum);
                    final long add = i;
                    maps.totals.compute("sum", (k, v) -> v == null ? add : v + add);
                    if (maps.firsts.putIfAbsent("slot" + i % SLOTS, me) == null) {
                        won++;
                    }
                    maps.squares.computeIfAbsent(i % SQUARES, k -> {
                        computed[0]++;
                        return k * k;
                    });
                }
                maps.won[me] = won;
                maps.computed[me] = computed[0];
            });
        }
        Where.joinAll(counters);
        TreeMap<String, Integer> wantCounts = new TreeMap<>();
        for (int i = 0; i < PER_THREAD; i++) {
            wantCounts.merge(word(i), THREADS, Integer::sum);
        }
        TreeMap<String, Integer> counts = new TreeMap<>(maps.counts);
        System.out.println("merge counts: " + counts);
        Where.check(failures, "merge counts", counts, wantCounts);
        System.out.println("compute sum: " + maps.totals.get("sum"));
        Where.check(failures, "compute sum", maps.totals.get("sum"),
                (long) THREADS * PER_THREAD * (PER_THREAD - 1) / 2);
        int won = 0;
        int computed = 0;
        for (int t = 0; t < THREADS; t++) {
            won += maps.won[t];
            computed += maps.computed[t];
        }
        boolean firstsValid = maps.firsts.values().stream().allMatch(v -> v >= 0 && v < THREADS);
        System.out.println("putIfAbsent: keys=" + maps.firsts.size() + " wins=" + won + " values valid="
                + firstsValid);
        Where.check(failures, "putIfAbsent keys", maps.firsts.size(), SLOTS);
        Where.check(failures, "putIfAbsent wins", won, SLOTS);
        Where.check(failures, "putIfAbsent values are thread numbers", firstsValid, true);
        TreeMap<Integer, Integer> squares = new TreeMap<>(maps.squares);
        System.out.println("computeIfAbsent: " + squares + " function ran " + computed + " times");
        Where.check(failures, "computeIfAbsent function runs", computed, SQUARES);
        for (int k = 0; k < SQUARES; k++) {
            Where.check(failures, "square of " + k, squares.get(k), k * k);
        }

        // ConcurrentLinkedQueue: two producers, then two consumers that poll until it is empty.
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
        Thread[] producers = new Thread[2];
        for (int p = 0; p < 2; p++) {
            final int me = p;
            producers[p] = Where.start("producer " + p, () -> {
                for (int i = 0; i < QUEUE_ITEMS; i++) {
                    queue.offer(me * QUEUE_ITEMS + i);
                }
            });
        }
        Where.joinAll(producers);
        long[] sums = new long[2];
        int[] polled = new int[2];
        boolean[] fifo = new boolean[2];
        Thread[] consumers = new Thread[2];
        for (int c = 0; c < 2; c++) {
            final int me = c;
            consumers[c] = Where.start("consumer " + c, () -> {
                int[] last = {-1, -1};
                boolean inOrder = true;
                for (Integer v = queue.poll(); v != null; v = queue.poll()) {
                    int from = v / QUEUE_ITEMS;
                    inOrder &= v > last[from];
                    last[from] = v;
                    sums[me] += v;
                    polled[me]++;
                }
                fifo[me] = inOrder;
            });
        }
        Where.joinAll(consumers);
        System.out.println("ConcurrentLinkedQueue: polled=" + (polled[0] + polled[1]) + " sum=" + (sums[0] + sums[1])
                + " fifo per producer=" + (fifo[0] && fifo[1]) + " empty=" + queue.isEmpty());
        Where.check(failures, "items polled", polled[0] + polled[1], 2 * QUEUE_ITEMS);
        Where.check(failures, "sum polled", sums[0] + sums[1], (long) 2 * QUEUE_ITEMS * (2 * QUEUE_ITEMS - 1) / 2);
        Where.check(failures, "FIFO order per producer", fifo[0] && fifo[1], true);

        // CopyOnWriteArrayList: adders, addIfAbsent, and a reader iterating snapshots meanwhile.
        CopyOnWriteArrayList<Integer> cow = new CopyOnWriteArrayList<>();
        CopyOnWriteArrayList<Integer> distinct = new CopyOnWriteArrayList<>();
        boolean[] snapshotsSane = {false};
        Thread[] adders = new Thread[THREADS + 1];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            adders[t] = Where.start("cow adder " + t, () -> {
                for (int i = 0; i < COW_ADDS; i++) {
                    cow.add(me * COW_ADDS + i);
                    distinct.addIfAbsent(i % COW_DISTINCT);
                }
            });
        }
        adders[THREADS] = Where.start("cow reader", () -> {
            boolean sane = true;
            for (int round = 0; round < 5; round++) {
                int size = 0;
                for (int v : cow) {
                    sane &= v >= 0 && v < THREADS * COW_ADDS;
                    size++;
                }
                sane &= size <= THREADS * COW_ADDS;
            }
            snapshotsSane[0] = sane;
        });
        Where.joinAll(adders);
        List<Integer> sortedCow = new ArrayList<>(cow);
        sortedCow.sort(null);
        List<Integer> sortedDistinct = new ArrayList<>(distinct);
        sortedDistinct.sort(null);
        long cowSum = 0;
        for (int v : cow) {
            cowSum += v;
        }
        System.out.println("CopyOnWriteArrayList: size=" + cow.size() + " sum=" + cowSum + " addIfAbsent="
                + sortedDistinct + " snapshots sane=" + snapshotsSane[0]);
        List<Integer> wantCow = new ArrayList<>();
        for (int k = 0; k < THREADS * COW_ADDS; k++) {
            wantCow.add(k);
        }
        Where.check(failures, "CopyOnWriteArrayList contents", sortedCow, wantCow);
        Where.check(failures, "addIfAbsent contents", sortedDistinct, wantCow.subList(0, COW_DISTINCT));
        Where.check(failures, "reader's snapshots", snapshotsSane[0], true);
        Where.verdict(failures);
    }
}
