package io.ssijava.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Uncontended operations on the JDK's collections and {@code java.util.concurrent} by one thread on objects that are
 * not shared, with the plain JDK ({@code variant=plain}) and with the instrumented copy of java.base that cluster
 * nodes run ({@code variant=jdk}, array guards armed as on a node). The design's target is {@code jdk / plain <= 1.2}.
 * <p>
 * JVM flags cannot differ between the values of a parameter, so each variant is its own JMH run:
 * {@code jmh/run-jdk-overhead.sh} runs both and prints the ratios. The setup fails if the JVM does not match the
 * variant it claims to be.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class JdkCollectionsBenchmark
{
    private static final int KEYS = 1024;

    /** {@code plain} or {@code jdk}: which java.base this JVM runs (set with {@code -p variant=...}). */
    @Param({"plain"})
    public String variant;

    private final HashMap<Integer, Integer> hashMap = new HashMap<>();
    private final TreeMap<Integer, Integer> treeMap = new TreeMap<>();
    private final ConcurrentHashMap<Integer, Integer> concurrentMap = new ConcurrentHashMap<>();
    private final ArrayList<Integer> list = new ArrayList<>();
    private final ArrayDeque<Integer> deque = new ArrayDeque<>();
    private final LinkedBlockingQueue<Integer> blockingQueue = new LinkedBlockingQueue<>();
    private final AtomicLong counter = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Integer[] boxed = new Integer[KEYS];
    private long guarded;
    private int next;

    @Setup
    public void setUp() throws ClassNotFoundException
    {
        final boolean instrumented = Class.forName("io.ssijava.rt.Ssi", false, getClass().getClassLoader())
            .getModule() == Object.class.getModule();
        if (instrumented != "jdk".equals(variant))
        {
            throw new IllegalStateException("variant=" + variant + " but this JVM runs " +
                (instrumented ? "the instrumented" : "the plain") + " java.base");
        }
        for (int i = 0; i < KEYS; i++)
        {
            boxed[i] = i;
            hashMap.put(boxed[i], i);
            treeMap.put(boxed[i], i);
            concurrentMap.put(boxed[i], i);
            list.add(boxed[i]);
        }
    }

    private Integer nextKey()
    {
        next = (next + 1) & (KEYS - 1);
        return boxed[next];
    }

    @Benchmark
    public Integer hashMapGetPut()
    {
        final Integer k = nextKey();
        final Integer v = hashMap.get(k);
        hashMap.put(k, v);
        return v;
    }

    @Benchmark
    public Integer treeMapGet()
    {
        return treeMap.get(nextKey());
    }

    @Benchmark
    public Integer concurrentHashMapMerge()
    {
        return concurrentMap.merge(nextKey(), 1, Integer::sum);
    }

    @Benchmark
    public long arrayListIterate()
    {
        long sum = 0;
        for (final Integer i : list)
        {
            sum += i;
        }
        return sum;
    }

    @Benchmark
    public Integer arrayDequeOfferPoll()
    {
        deque.offer(nextKey());
        return deque.poll();
    }

    /** A local queue: the instrumented copy adds the test that would send the call to a shared queue's home. */
    @Benchmark
    public Integer linkedBlockingQueueOfferPoll()
    {
        blockingQueue.offer(nextKey());
        return blockingQueue.poll();
    }

    @Benchmark
    public long atomicLongIncrement()
    {
        return counter.incrementAndGet();
    }

    @Benchmark
    public long reentrantLockLockUnlock()
    {
        lock.lock();
        try
        {
            return ++guarded;
        }
        finally
        {
            lock.unlock();
        }
    }
}
