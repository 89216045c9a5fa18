package kernels;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The program of the local-operations macro benchmark ({@code jmh/run-local-ops.sh}): the time per operation of
 * the compute kernels and of JDK collection operations on objects that are never shared, on one thread. Run under
 * plain {@code java} and as node 0 of an ssi-java job, it measures what a node's own local work pays for being a
 * cluster node: the array checks armed, the runtime installed (guard misses look the array up), the instrumented
 * JDK. {@code JdkCollectionsBenchmark} and {@code RewriteOverheadBenchmark} measure the same operations under JMH,
 * but in a JVM that is not a node.
 * <p>
 * Each operation runs {@code ROUNDS} timed rounds after as many warm-up rounds; the line printed per operation is
 * the median round, in ns per operation. The results feed a sum that is printed too, so the JIT cannot drop the
 * work (it depends on how many operations each round ran, so it differs from run to run).
 */
public final class LocalOps
{
    private static final int KEYS = 1024;
    private static final int ROUNDS = 15;
    private static final long ROUND_NANOS = 200_000_000L;

    private LocalOps()
    {
    }

    /**
     * @param args {@code shared}: first let a thread (on another node, in a cluster job) read an array of this
     *     node, so that the node shares an array and its array write checks are armed, as on a node whose threads
     *     work on shared data too; the measured objects stay local all the same.
     * @throws InterruptedException if interrupted while that thread runs.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length > 0 && "shared".equals(args[0]))
        {
            final int[] shared = new int[16];
            final int[] seen = new int[1];
            final Thread reader = new Thread(() -> seen[0] = shared.length);
            reader.start();
            reader.join();
            System.out.println("shared an array of " + seen[0]);
        }
        final Integer[] boxed = new Integer[KEYS];
        final HashMap<Integer, Integer> hashMap = new HashMap<>();
        final TreeMap<Integer, Integer> treeMap = new TreeMap<>();
        final ConcurrentHashMap<Integer, Integer> concurrentMap = new ConcurrentHashMap<>();
        final ArrayList<Integer> list = new ArrayList<>();
        final ArrayDeque<Integer> deque = new ArrayDeque<>();
        final AtomicLong counter = new AtomicLong();
        final ReentrantLock lock = new ReentrantLock();
        for (int i = 0; i < KEYS; i++)
        {
            boxed[i] = i;
            hashMap.put(boxed[i], i);
            treeMap.put(boxed[i], i);
            concurrentMap.put(boxed[i], i);
            list.add(boxed[i]);
        }
        // many small lists walked in turn: every list is a new array for the iterator's check
        final List<ArrayList<Integer>> lists = new ArrayList<>();
        for (int i = 0; i < 256; i++)
        {
            lists.add(new ArrayList<>(List.of(boxed[i], boxed[i + 1], boxed[i + 2], boxed[i + 3])));
        }
        final MatMul matMul = new MatMul(64);
        final Sor sor = new Sor(128);
        final NBody nBody = new NBody(64);
        final int[] next = {0};
        long check = 0;
        check += time("hashMapGetPut", () ->
        {
            final Integer k = boxed[next[0] = (next[0] + 1) & (KEYS - 1)];
            final Integer v = hashMap.get(k);
            hashMap.put(k, v);
            return v;
        });
        check += time("treeMapGet", () -> treeMap.get(boxed[next[0] = (next[0] + 1) & (KEYS - 1)]));
        check += time("concurrentHashMapMerge",
            () -> concurrentMap.merge(boxed[next[0] = (next[0] + 1) & (KEYS - 1)], 1, Integer::sum));
        check += time("arrayListIterate1024", () ->
        {
            long sum = 0;
            for (final Integer i : list)
            {
                sum += i;
            }
            return sum;
        });
        check += time("smallListsIterate", () ->
        {
            long sum = 0;
            for (final ArrayList<Integer> l : lists)
            {
                for (final Integer i : l)
                {
                    sum += i;
                }
            }
            return sum;
        });
        check += time("arrayDequeOfferPoll", () ->
        {
            deque.offer(boxed[next[0] = (next[0] + 1) & (KEYS - 1)]);
            return deque.poll();
        });
        check += time("atomicLongIncrement", counter::incrementAndGet);
        check += time("reentrantLockLockUnlock", () ->
        {
            lock.lock();
            try
            {
                return next[0]++;
            }
            finally
            {
                lock.unlock();
            }
        });
        check += time("matMul64", () -> (long)matMul.multiply());
        check += time("sor128", () -> (long)sor.sweep());
        check += time("nBody64", () -> (long)nBody.step());
        System.out.println("checksum " + check);
    }

    /** Runs {@code op} in rounds of about ROUND_NANOS; prints and returns the median round's ns per op. */
    private static long time(final String name, final LongSupplier op)
    {
        final double[] perOp = new double[ROUNDS];
        long sink = 0;
        int batch = 1;
        for (int round = -ROUNDS; round < ROUNDS; round++)
        {
            final long begin = System.nanoTime();
            long n = 0;
            long elapsed;
            do
            {
                for (int i = 0; i < batch; i++)
                {
                    sink += op.getAsLong();
                }
                n += batch;
                elapsed = System.nanoTime() - begin;
                if (elapsed < ROUND_NANOS / 100)
                {
                    batch *= 2;
                }
            }
            while (elapsed < ROUND_NANOS);
            if (round >= 0)
            {
                perOp[round] = (double)elapsed / n;
            }
        }
        java.util.Arrays.sort(perOp);
        System.out.printf("%-26s %12.2f ns/op%n", name, perOp[ROUNDS / 2]);
        return sink;
    }
}
