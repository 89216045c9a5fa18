package io.ssijava.dsm;

import io.ssijava.transport.TransportConfig;

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
 * N {@link Node}s in this JVM over one shared embedded Aeron IPC driver: the protocol test bed. Each node is started
 * on its own thread because {@link Node#start} waits until every peer is connected.
 */
final class IpcCluster implements AutoCloseable
{
    private static final AtomicInteger JOBS = new AtomicInteger();

    static
    {
        // a lost reply should fail a test quickly instead of after two minutes (read once, when Node is loaded)
        if (System.getProperty("ssi.callTimeoutMs") == null)
        {
            System.setProperty("ssi.callTimeoutMs", "15000");
        }
    }

    private final Node[] nodes;

    IpcCluster(final int n)
    {
        final String job = "dsmtest-" + ProcessHandle.current().pid() + "-" + JOBS.incrementAndGet();
        final ClassLoader loader = IpcCluster.class.getClassLoader();
        nodes = new Node[n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = new Node(i, n, new JobClasses(loader));
        }
        final ExecutorService starters = Executors.newFixedThreadPool(n, r ->
        {
            final Thread t = new Thread(r, "ipc-cluster-start");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                final TransportConfig config = TransportConfig.builder()
                    .mode(TransportConfig.Mode.IPC)
                    .nodeId(i)
                    .nodeCount(n)
                    .jobId(job)
                    .connectTimeout(Duration.ofSeconds(15))
                    .build();
                final Node node = nodes[i];
                started.add(starters.submit(() -> node.start(config)));
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
            throw new IllegalStateException("could not start an IPC cluster of " + n + " nodes: " + cause, cause);
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

    int size()
    {
        return nodes.length;
    }

    /**
     * Moves a reference from node {@code from} to node {@code to} the way any message does: encoded with the
     * sender's codec (which shares the object there) and decoded with the receiver's (which creates its copy).
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
            throw new AssertionError(in.remaining() + " bytes left over after decoding " + value);
        }
        return (T)decoded;
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
