package jdkshared;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;

/**
 * The thread-safe java.util collections (Vector, Hashtable and the Collections.synchronized
 * wrappers) appended to by three threads at once with no locking of their own: every element
 * must arrive exactly once, each thread's elements in the order it added them, and merge on a
 * synchronized map must count exactly.
 */
public final class SyncCollections {

    static final int THREADS = 3;
    static final int PER_THREAD = 50;
    static final int TOTAL = THREADS * PER_THREAD;
    static final int BUCKETS = 10;
    static final int SET_SIZE = 60;

    static final class Shared {
        final Vector<Integer> vector = new Vector<>();
        final Hashtable<Integer, Integer> hashtable = new Hashtable<>();
        final List<Integer> list = Collections.synchronizedList(new ArrayList<>());
        final Map<Integer, Integer> map = Collections.synchronizedMap(new HashMap<>());
        final Set<Integer> set = Collections.synchronizedSet(new HashSet<>());
    }

    private SyncCollections() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();
        Shared shared = new Shared();
        Thread[] appenders = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            appenders[t] = Where.start("appender " + t, () -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    int k = me * PER_THREAD + i;
                    shared.vector.add(k);
                    shared.hashtable.put(k, me);
                    shared.list.add(k);
                    shared.map.merge(k % BUCKETS, 1, Integer::sum);
                    shared.set.add(k % SET_SIZE);
                }
            });
        }
        Where.joinAll(appenders);

        List<Integer> all = new ArrayList<>();
        for (int k = 0; k < TOTAL; k++) {
            all.add(k);
        }
        checkList(failures, "Vector", shared.vector, all);
        List<Integer> listCopy;
        synchronized (shared.list) {
            // Iteration of a synchronized wrapper is the caller's to lock, as its Javadoc says.
            listCopy = new ArrayList<>();
            for (int v : shared.list) {
                listCopy.add(v);
            }
        }
        checkList(failures, "synchronizedList", listCopy, all);

        int[] perThread = new int[THREADS];
        for (Map.Entry<Integer, Integer> e : shared.hashtable.entrySet()) {
            perThread[e.getValue()]++;
        }
        System.out.println("Hashtable: size=" + shared.hashtable.size() + " per thread=" + perThread[0] + ","
                + perThread[1] + "," + perThread[2] + " get(77)=" + shared.hashtable.get(77));
        Where.check(failures, "Hashtable keys", new ArrayList<>(new TreeMap<>(shared.hashtable).keySet()), all);
        Where.check(failures, "Hashtable get(77)", shared.hashtable.get(77), 77 / PER_THREAD);

        TreeMap<Integer, Integer> counts;
        synchronized (shared.map) {
            counts = new TreeMap<>(shared.map);
        }
        TreeMap<Integer, Integer> wantCounts = new TreeMap<>();
        for (int b = 0; b < BUCKETS; b++) {
            wantCounts.put(b, TOTAL / BUCKETS);
        }
        System.out.println("synchronizedMap: " + counts);
        Where.check(failures, "synchronizedMap merge counts", counts, wantCounts);

        int setSize = shared.set.size();
        boolean setComplete = true;
        for (int k = 0; k < SET_SIZE; k++) {
            setComplete &= shared.set.contains(k);
        }
        System.out.println("synchronizedSet: size=" + setSize + " complete=" + setComplete);
        Where.check(failures, "synchronizedSet size", setSize, SET_SIZE);
        Where.check(failures, "synchronizedSet holds 0.." + (SET_SIZE - 1), setComplete, true);
        Where.verdict(failures);
    }

    /** Every element once, and each thread's elements in the order that thread added them. */
    static void checkList(List<String> failures, String what, List<Integer> got, List<Integer> all) {
        List<Integer> sorted = new ArrayList<>(got);
        sorted.sort(null);
        long sum = 0;
        int[] last = {-1, -1, -1};
        boolean ordered = true;
        for (int v : got) {
            sum += v;
            int t = v / PER_THREAD;
            if (t >= 0 && t < THREADS) {
                ordered &= v > last[t];
                last[t] = v;
            }
        }
        System.out.println(what + ": size=" + got.size() + " sum=" + sum + " per-thread order kept=" + ordered);
        Where.check(failures, what + " sorted contents", sorted, all);
        Where.check(failures, what + " keeps each thread's order", ordered, true);
    }
}
