package jdkshared;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The java.util collections, which are not thread-safe, shared the two ways a correct program
 * shares them: filled by several threads under one {@code synchronized} lock, or built by one
 * thread alone and read by main after join. Then a thread iterates (and removes through the
 * iterator) what others filled, and main modifies collections filled elsewhere while iterating
 * them, which must throw ConcurrentModificationException as it does on one JVM.
 */
public final class Collections {

    static final int THREADS = 3;
    static final int PER_THREAD = 40;
    static final int KEYS = THREADS * PER_THREAD;

    /** The collections the fillers share, all guarded by this object's monitor. */
    static final class Shared {
        final List<Integer> arrayList = new ArrayList<>();
        final Map<Integer, String> hashMap = new HashMap<>();
        final TreeMap<Integer, String> treeMap = new TreeMap<>();
        final Set<Integer> hashSet = new HashSet<>();
        final TreeSet<Integer> treeSet = new TreeSet<>();
    }

    /** Collections one thread builds alone; main reads them after join. */
    static final class Own {
        LinkedList<String> linkedList;
        ArrayDeque<Integer> deque;
        LinkedHashMap<String, Integer> linkedHashMap;
        LinkedHashSet<String> linkedHashSet;

        /** The contents, in each collection's own order (which is deterministic for all four). */
        String describe() {
            return "LinkedList=" + linkedList + " ArrayDeque=" + deque + " LinkedHashMap=" + linkedHashMap
                    + " LinkedHashSet=" + linkedHashSet;
        }
    }

    private Collections() {
    }

    /** Builds thread {@code t}'s own collections; main builds the same to compare. */
    static Own build(int t) {
        Own o = new Own();
        o.linkedList = new LinkedList<>();
        for (int i = 0; i < 6; i++) {
            if (i % 2 == 0) {
                o.linkedList.addFirst("t" + t + "-" + i);
            } else {
                o.linkedList.addLast("t" + t + "-" + i);
            }
        }
        o.linkedList.remove("t" + t + "-3");
        o.deque = new ArrayDeque<>();
        for (int i = 1; i <= 8; i++) {
            o.deque.push(i * (t + 1));
        }
        o.deque.pop();
        o.deque.pollLast();
        o.deque.offerLast(100 + t);
        // Access order: the two keys read last move to the end.
        o.linkedHashMap = new LinkedHashMap<>(16, 0.75f, true);
        for (int i = 0; i < 5; i++) {
            o.linkedHashMap.put("k" + i, t * 10 + i);
        }
        o.linkedHashMap.get("k1");
        o.linkedHashMap.get("k0");
        o.linkedHashSet = new LinkedHashSet<>();
        for (String s : new String[] {"c", "a", "b", "a", "c", "t" + t}) {
            o.linkedHashSet.add(s);
        }
        return o;
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();

        // Part 1: fillers share the collections under one lock; thread t adds keys t, t+3, t+6, ...
        Shared shared = new Shared();
        Own[] own = new Own[THREADS];
        Thread[] fillers = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            final int me = t;
            fillers[t] = Where.start("filler " + t, () -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    int k = me + THREADS * i;
                    synchronized (shared) {
                        shared.arrayList.add(k);
                        shared.hashMap.put(k, "v" + k);
                        shared.treeMap.put(k, "v" + k);
                        shared.hashSet.add(k);
                        shared.treeSet.add(k);
                    }
                }
                own[me] = build(me);
            });
        }
        Where.joinAll(fillers);

        List<Integer> sorted = new ArrayList<>(shared.arrayList);
        sorted.sort(null);
        List<Integer> all = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            all.add(k);
        }
        long sum = 0;
        for (int v : shared.arrayList) {
            sum += v;
        }
        System.out.println("ArrayList: size=" + shared.arrayList.size() + " sum=" + sum);
        Where.check(failures, "ArrayList sorted contents", sorted, all);
        Where.check(failures, "ArrayList sum", sum, (long) KEYS * (KEYS - 1) / 2);

        int hashMapHits = 0;
        for (int k = 0; k < KEYS; k++) {
            if (("v" + k).equals(shared.hashMap.get(k))) {
                hashMapHits++;
            }
        }
        System.out.println("HashMap: size=" + shared.hashMap.size() + " found=" + hashMapHits);
        Where.check(failures, "HashMap size", shared.hashMap.size(), KEYS);
        Where.check(failures, "HashMap keys found", hashMapHits, KEYS);

        System.out.println("TreeMap: size=" + shared.treeMap.size() + " first=" + shared.treeMap.firstKey()
                + " last=" + shared.treeMap.lastKey() + " head=" + shared.treeMap.headMap(5));
        Where.check(failures, "TreeMap keys", new ArrayList<>(shared.treeMap.keySet()), all);
        Where.check(failures, "TreeMap ceilingEntry(50)", shared.treeMap.ceilingEntry(50).getValue(), "v50");

        System.out.println("HashSet: size=" + shared.hashSet.size() + " containsAll="
                + shared.hashSet.containsAll(all));
        Where.check(failures, "HashSet", shared.hashSet, new HashSet<>(all));

        System.out.println("TreeSet: size=" + shared.treeSet.size() + " sub=" + shared.treeSet.subSet(10, 15)
                + " descending first=" + shared.treeSet.descendingSet().first());
        Where.check(failures, "TreeSet", new ArrayList<>(shared.treeSet), all);

        for (int t = 0; t < THREADS; t++) {
            String got = own[t] == null ? null : own[t].describe();
            System.out.println("own " + t + ": " + got);
            Where.check(failures, "collections built by thread " + t, got, build(t).describe());
        }

        // Part 2: a thread iterates what the fillers filled and removes through the iterator.
        long[] iterated = new long[3];
        Thread iterator = Where.start("iterator", () -> {
            long s = 0;
            for (Iterator<Integer> it = shared.arrayList.iterator(); it.hasNext(); ) {
                int v = it.next();
                s += v;
                if (v % 5 == 0) {
                    it.remove();
                }
            }
            iterated[0] = s;
            long lengths = 0;
            for (Map.Entry<Integer, String> e : shared.hashMap.entrySet()) {
                lengths += e.getKey() + e.getValue().length();
            }
            iterated[1] = lengths;
            shared.treeMap.entrySet().removeIf(e -> e.getKey() % 2 == 1);
            iterated[2] = shared.treeMap.size();
        });
        iterator.join();
        long wantLengths = 0;
        for (int k = 0; k < KEYS; k++) {
            wantLengths += k + ("v" + k).length();
        }
        boolean noMultiplesOfFive = shared.arrayList.stream().noneMatch(v -> v % 5 == 0);
        System.out.println("iterated: sum=" + iterated[0] + " key+length=" + iterated[1] + " list after remove="
                + shared.arrayList.size() + " treeMap after removeIf=" + iterated[2]);
        Where.check(failures, "sum seen by iterating thread", iterated[0], (long) KEYS * (KEYS - 1) / 2);
        Where.check(failures, "HashMap entries seen by iterating thread", iterated[1], wantLengths);
        Where.check(failures, "list after Iterator.remove of multiples of 5", shared.arrayList.size(),
                KEYS - KEYS / 5);
        Where.check(failures, "no multiple of 5 left", noMultiplesOfFive, true);
        Where.check(failures, "TreeMap after removeIf", shared.treeMap.keySet().stream().allMatch(k -> k % 2 == 0)
                && shared.treeMap.size() == KEYS / 2, true);

        // Part 3: modifying while iterating in main throws, as on one JVM.
        List<String> cme = new ArrayList<>();
        cme.add("ArrayList " + throwsCme(() -> {
            for (int v : shared.arrayList) {
                shared.arrayList.add(-v);
            }
        }));
        cme.add("HashMap " + throwsCme(() -> {
            for (int k : shared.hashMap.keySet()) {
                shared.hashMap.put(-1 - k, "new");
            }
        }));
        cme.add("TreeSet " + throwsCme(() -> {
            for (int k : shared.treeSet) {
                shared.treeSet.remove(k + 1);
            }
        }));
        LinkedList<String> linkedList = own[0] == null ? new LinkedList<>() : own[0].linkedList;
        cme.add("LinkedList " + throwsCme(() -> {
            for (String s : linkedList) {
                linkedList.addFirst(s);
            }
        }));
        System.out.println("ConcurrentModificationException: " + String.join(", ", cme));
        for (String c : cme) {
            if (!c.endsWith("thrown")) {
                failures.add("no ConcurrentModificationException: " + c);
            }
        }
        Where.verdict(failures);
    }

    /** Runs a loop that modifies the collection it iterates; says whether it threw CME. */
    static String throwsCme(Runnable loop) {
        try {
            loop.run();
            return "not thrown";
        } catch (ConcurrentModificationException e) {
            return "thrown";
        }
    }
}
