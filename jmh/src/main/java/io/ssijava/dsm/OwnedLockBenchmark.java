package io.ssijava.dsm;

import io.ssijava.dsm.BenchTypes.LockBox;
import io.ssijava.transport.TransportConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Re-acquire of a cluster lock this node already owns, against plain {@code synchronized} on a local object. The
 * design's target is {@code owned / local <= 1.5x}.
 * <ul>
 *   <li>{@code ownedClusterLock}: what rewritten code runs around {@code synchronized (o) { o.count++; }} for a
 *   shared {@code o} whose token is on this node: {@link Locks#enter}, the JVM monitor of {@code o}, the body,
 *   {@link Locks#exit}. {@code o} is homed on node 0 (which owns its token) and node 1 holds a copy; the token
 *   never leaves node 0, so no message is sent. (Rewritten code reaches {@code Locks.enter/exit} through
 *   {@code Ssi.monitorEnter/monitorExit} and the installed runtime: a state-word check and an interface call
 *   more, which this benchmark leaves out.)</li>
 *   <li>{@code ownedClusterLockChecked}: the same with {@link Locks#entered} after the JVM monitor, which
 *   rewritten code reaches once a token homed on the node has left it.</li>
 *   <li>{@code localSynchronized}: the same block on a local (unshared) object, as plain Java runs it.</li>
 * </ul>
 * All three run single-threaded (uncontended) on node 0 of a running 2-node IPC cluster, so the nodes' receiver,
 * driver and flusher threads are there for all alike. All three methods are kept out of the JMH loop
 * ({@code DONT_INLINE}) so that C2 cannot coarsen the monitors of consecutive ops into one; that adds the same
 * call (a few ns) to each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class OwnedLockBenchmark
{
    private BenchCluster cluster;
    private Locks locks;
    private LockBox shared;
    private LockBox local;

    /** Starts two nodes and shares the lock object, homed on node 0. */
    @Setup
    public void setUp()
    {
        cluster = new BenchCluster(2, TransportConfig.Mode.IPC);
        locks = cluster.locks(0);
        shared = new LockBox();
        local = new LockBox();
        cluster.transfer(0, 1, shared);
        final Meta m = cluster.space(0).metaOf(shared);
        if (m == null || m.home != 0 || cluster.space(0).metaOf(local) != null)
        {
            throw new IllegalStateException("the lock object is not shared as expected");
        }
        ownedClusterLock();
        synchronized (m)
        {
            if (m.lock == null || !m.lock.owned)
            {
                throw new IllegalStateException("node 0 does not own the token of its own object");
            }
        }
    }

    /** Stops both nodes, after checking that the token never moved. */
    @TearDown
    public void tearDown()
    {
        try
        {
            final long transfers = cluster.node(0).stats().lockTransfers.get();
            if (transfers != 0)
            {
                throw new IllegalStateException("the token moved " + transfers + " times");
            }
        }
        finally
        {
            cluster.close();
        }
    }

    /** @return the counter. */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int ownedClusterLock()
    {
        final LockBox o = shared;
        locks.enter(o);
        try
        {
            synchronized (o)
            {
                return ++o.count;
            }
        }
        finally
        {
            locks.exit(o);
        }
    }

    /**
     * {@link #ownedClusterLock} with the check that rewritten code makes after {@code monitorenter} once a token
     * homed on this node has left it (a thread that found the object local just before must not get in uncounted).
     *
     * @return the counter.
     */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int ownedClusterLockChecked()
    {
        final LockBox o = shared;
        locks.enter(o);
        try
        {
            synchronized (o)
            {
                locks.entered(o);
                return ++o.count;
            }
        }
        finally
        {
            locks.exit(o);
        }
    }

    /** @return the counter. */
    @Benchmark
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public int localSynchronized()
    {
        final LockBox o = local;
        synchronized (o)
        {
            return ++o.count;
        }
    }
}
