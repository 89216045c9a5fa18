package io.ssijava.jmh;

import io.ssijava.transport.Transport;
import io.ssijava.transport.TransportConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Raw round trip of a 32-byte message between two {@link Transport} nodes in one JVM: the benchmark thread sends
 * to node 1, node 1 echoes from its receiver thread, node 0's receiver thread hands the echo back to the benchmark
 * thread. This is the baseline that remote faults and lock transfers are compared against (remote fault
 * {@code <= 1.5x}, lock acquire+release last held elsewhere {@code <= 2x} this).
 * <p>
 * Parameters: {@code mode} IPC (one shared media driver) or UDP (a driver per node, loopback), both with the
 * default {@link TransportConfig} tuning the runtime uses; {@code wait} how the benchmark thread waits for the echo:
 * {@code spin} (busy-wait, yielding: the transport's latency floor) or {@code park} (block until the receiver
 * thread unparks it, as the object space's request/response calls do).
 */
@State(Scope.Benchmark)
// Sampling gives the mean (the score) and the percentiles: a 2-core machine has a long tail.
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class TransportRoundTripBenchmark
{
    private static final int MESSAGE_LENGTH = 32;
    /** Spins before yielding: enough to catch a fast echo, short enough not to starve the receivers of 2 cores. */
    private static final int SPINS = 50;

    /** Transport mode. */
    @Param({"IPC", "UDP"})
    public TransportConfig.Mode mode;

    /** How the benchmark thread waits for the echo: {@code spin} or {@code park}. */
    @Param({"spin", "park"})
    public String wait;

    private final UnsafeBuffer ping = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
    private Transport node0;
    private Transport node1;
    private boolean park;
    private long sent;
    /** Echoes received by node 0; written only by its receiver thread. */
    private volatile long echoes;
    private volatile Thread waiter;

    /** Starts both nodes and waits until they are connected. */
    @Setup
    public void setUp()
    {
        park = "park".equals(wait);
        final TransportConfig.Builder config = TransportConfig.builder().jobId("jmh-roundtrip").mode(mode);
        if (mode == TransportConfig.Mode.UDP)
        {
            config.endpoints(Transport.pickFreeLoopbackEndpoints(2));
        }
        else
        {
            config.nodeCount(2);
        }
        node0 = Transport.start(config.nodeId(0).build(), (from, buffer, offset, length) ->
        {
            echoes = echoes + 1; // single writer: the receiver thread
            final Thread t = waiter;
            if (t != null)
            {
                LockSupport.unpark(t);
            }
        });
        final Transport[] echo = new Transport[1];
        // Echo from the receiver thread, as a node answers a request.
        echo[0] = Transport.start(config.nodeId(1).build(),
            (from, buffer, offset, length) -> echo[0].send(from, buffer, offset, length));
        node1 = echo[0];
        node0.awaitConnected();
        node1.awaitConnected();
    }

    /** Stops both nodes. */
    @TearDown
    public void tearDown()
    {
        node0.close();
        node1.close();
    }

    /** @return the number of round trips so far. */
    @Benchmark
    public long roundTrip()
    {
        final long target = ++sent;
        if (park)
        {
            waiter = Thread.currentThread();
        }
        node0.send(1, ping, 0, MESSAGE_LENGTH);
        int idle = 0;
        while (echoes < target)
        {
            if (park)
            {
                LockSupport.park(this);
            }
            else if (++idle < SPINS)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
        return target;
    }
}
