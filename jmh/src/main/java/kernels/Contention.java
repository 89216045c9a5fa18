package kernels;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The program of the contended-operations macro benchmark ({@code jmh/run-contended.sh}): {@code THREADS} threads
 * hammer one shared {@code AtomicLong} ({@code atomic}) or one shared {@code ConcurrentHashMap} with {@code merge}
 * on a few keys ({@code merge}). Run as an ssi-java job, the threads are spread over the nodes, so with two nodes
 * every operation of one of two threads goes to an object homed on the other node.
 * <p>
 * Each thread first runs a tenth of its operations as warm-up (JIT, first faults), then all meet at a barrier and
 * run {@code OPS} operations each. Prints one line: the operation, the timed operations and wall time of the slowest
 * thread, and the throughput; then checks the final count, so a lost update fails the run (exit status 1).
 * <pre>
 *   ssi-java --nodes 2 --stats -cp jmh/target/classes kernels.Contention atomic 2 200000
 * </pre>
 */
public final class Contention
{
    /** Keys of the shared map: few, so that threads on both nodes update the same bins. */
    private static final int KEYS = 8;

    private Contention()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 3 || !(args[0].equals("atomic") || args[0].equals("merge")))
        {
            System.err.println("usage: kernels.Contention atomic|merge THREADS OPS_PER_THREAD");
            System.exit(2);
        }
        final String op = args[0];
        final int threads = Integer.parseInt(args[1]);
        final int ops = Integer.parseInt(args[2]);
        final int warm = ops / 10;
        final AtomicLong counter = new AtomicLong();
        final ConcurrentHashMap<Integer, Long> map = new ConcurrentHashMap<>();
        final Integer[] keys = new Integer[KEYS];
        for (int k = 0; k < KEYS; k++)
        {
            keys[k] = k;
            map.put(keys[k], 0L);
        }
        final CyclicBarrier start = new CyclicBarrier(threads);
        final long[] nanos = new long[threads];
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            workers[t] = new Thread(() ->
            {
                try
                {
                    run(op, counter, map, keys, id, warm);
                    start.await();
                    final long begin = System.nanoTime();
                    run(op, counter, map, keys, id, ops);
                    nanos[id] = System.nanoTime() - begin;
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
            }, "contender-" + t);
            workers[t].start();
        }
        long slowest = 0;
        for (int t = 0; t < threads; t++)
        {
            workers[t].join();
            slowest = Math.max(slowest, nanos[t]);
        }
        long total = counter.get();
        if (op.equals("merge"))
        {
            total = 0;
            for (final Long v : map.values())
            {
                total += v;
            }
        }
        final long timedOps = (long)threads * ops;
        System.out.printf("%s threads=%d timed-ops=%d ms=%.1f ops/s=%.0f%n", op, threads, timedOps, slowest / 1e6,
            timedOps / (slowest / 1e9));
        final long expected = (long)threads * (ops + warm);
        if (total != expected)
        {
            System.out.println("LOST UPDATES: count " + total + ", expected " + expected);
            System.exit(1);
        }
    }

    private static void run(final String op, final AtomicLong counter, final ConcurrentHashMap<Integer, Long> map,
        final Integer[] keys, final int id, final int n)
    {
        if (op.equals("atomic"))
        {
            for (int i = 0; i < n; i++)
            {
                counter.incrementAndGet();
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                map.merge(keys[(i + id) % KEYS], 1L, Long::sum);
            }
        }
    }
}
