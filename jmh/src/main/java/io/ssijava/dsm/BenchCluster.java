package io.ssijava.dsm;

import io.ssijava.transport.Transport;
import io.ssijava.transport.TransportConfig;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N {@link Node}s in this JVM, the protocol benchmarks' test bed: a copy of the dsm module's test fixture
 * {@code IpcCluster} (the benchmarks do not depend on test jars), extended to UDP. In IPC mode the nodes share one
 * embedded Aeron driver; in UDP mode each node has its own driver and a loopback endpoint from
 * {@link Transport#pickFreeLoopbackEndpoints}. Both use the default {@link TransportConfig} tuning, as the runtime
 * and {@code TransportRoundTripBenchmark} do. Each node is started on its own thread because {@link Node#start}
 * waits until every peer is connected.
 */
final class BenchCluster implements AutoCloseable
{
    private static final AtomicInteger JOBS = new AtomicInteger();

    private final Node[] nodes;

    BenchCluster(final int n, final TransportConfig.Mode mode)
    {
        final String job = "jmh-dsm-" + ProcessHandle.current().pid() + "-" + JOBS.incrementAndGet();
        final ClassLoader loader = BenchCluster.class.getClassLoader();
        final List<InetSocketAddress> endpoints = mode == TransportConfig.Mode.UDP ?
            Transport.pickFreeLoopbackEndpoints(n) : null;
        nodes = new Node[n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = new Node(i, n, new JobClasses(loader));
        }
        final ExecutorService starters = Executors.newFixedThreadPool(n, r ->
        {
            final Thread t = new Thread(r, "bench-cluster-start");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                final TransportConfig.Builder config = TransportConfig.builder()
                    .mode(mode)
                    .nodeId(i)
                    .jobId(job)
                    .connectTimeout(Duration.ofSeconds(15));
                if (endpoints != null)
                {
                    config.endpoints(endpoints);
                }
                else
                {
                    config.nodeCount(n);
                }
                final TransportConfig built = config.build();
                final Node node = nodes[i];
                started.add(starters.submit(() -> node.start(built)));
            }
            for (final Future<?> f : started)
            {
                f.get(20, TimeUnit.SECONDS);
            }
        }
        catch (final Exception ex)
        {
            close();
            final Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
            throw new IllegalStateException("could not start a " + mode + " cluster of " + n + " nodes: " + cause,
                cause);
        }
        finally
        {
            starters.shutdownNow();
        }
    }

    Node node(final int i)
    {
        return nodes[i];
    }

    ObjectSpace space(final int i)
    {
        return nodes[i].space();
    }

    Locks locks(final int i)
    {
        return nodes[i].locks();
    }

    /**
     * Moves a reference from node {@code from} to node {@code to} the way any message does: encoded with the
     * sender's codec (which shares the object there, homed on the sender if it was local) and decoded with the
     * receiver's (which creates its copy, invalid until first faulted in).
     */
    @SuppressWarnings("unchecked")
    <T> T transfer(final int from, final int to, final T value)
    {
        final WireOut out = new WireOut();
        nodes[from].space().codec.writeValue(out, value);
        final WireIn in = new WireIn(out.toBytes());
        final Object decoded = nodes[to].space().codec.readValue(in);
        if (in.remaining() != 0)
        {
            throw new IllegalStateException(in.remaining() + " bytes left over after decoding " + value);
        }
        return (T)decoded;
    }

    /** The state word as the runtime last set it (read under the Meta's monitor, as the runtime writes it). */
    static int state(final Meta m)
    {
        synchronized (m)
        {
            return m.state;
        }
    }

    @Override
    public void close()
    {
        for (int i = nodes.length - 1; i >= 0; i--)
        {
            try
            {
                nodes[i].close();
            }
            catch (final RuntimeException ex)
            {
                System.err.println("closing node " + i + ": " + ex);
            }
        }
    }
}
