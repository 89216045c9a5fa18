package io.ssijava.agent.boot;

import io.ssijava.transport.Transport;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Starts a job's other nodes from the JVM the user started, while that JVM starts node 0 again with the instrumented
 * JDK: the JVMs then boot side by side instead of one after the other (each boot of a JVM whose java.base is patched
 * takes a few hundred milliseconds). Node 0 runs as a node given {@code node=0} and the peers, and halts the job if a
 * node started so exits before every node is connected ({@link #watch}), as it would if it had started them.
 */
public final class EarlyWorkers
{
    /** Environment of node 0 started so: the launching JVM's pid, then {@code id:pid} per node it started. */
    public static final String ENV_PIDS = "SSI_JAVA_EARLY_WORKERS";

    private static volatile boolean connected;

    private EarlyWorkers()
    {
    }

    /**
     * Whether node 0 can start the other nodes before its restart: it starts them itself, on this machine, for a job
     * that is not restored and whose nodes do not join it later.
     *
     * @param options the options the user gave node 0.
     * @return whether {@link #start} applies.
     */
    public static boolean apply(final NodeOptions options)
    {
        return options.nodeId() == 0 && options.mustSpawnWorkers() && options.peers().isEmpty() &&
            options.restore().isEmpty() && Integer.getInteger("ssi.join.port") == null;
    }

    /** The nodes started, and how node 0 is to be started: its command and what its environment adds. */
    public record Started(NodeSpawner spawner, JvmCommandLine node0, Map<String, String> env)
    {
        /** Once node 0 has ended the job: the nodes exit on their own (it told them to stop), or are ended. */
        public void reap()
        {
            spawner.expectExits();
            try
            {
                spawner.awaitExit(Duration.ofSeconds(2));
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt(); // close() ends them anyway
            }
            spawner.close();
        }
    }

    /**
     * Starts nodes 1..N-1 as node 0 would (see {@link NodeSpawner}), with the instrumented JDK's flags.
     *
     * @param options  the options the user gave node 0 ({@link #apply} holds).
     * @param agentJar the ssi agent jar.
     * @param patched  this JVM's command line with the instrumented JDK's flags.
     * @return the nodes started and node 0's command: the same options with node=0, the peers and the transport.
     * @throws IOException if a node cannot be started.
     */
    public static Started start(final NodeOptions options, final Path agentJar, final JvmCommandLine patched)
        throws IOException
    {
        final byte[] secret = JobSecret.of(options);
        NodeOptions all = options.withPeers(Transport.pickFreeLoopbackEndpoints(options.nodes()));
        all = all.withTransport(all.effectiveTransport());
        final NodeSpawner spawner = NodeSpawner.spawn(all, agentJar, patched, secret);
        final Map<String, String> env = new HashMap<>();
        if (secret != null)
        {
            env.put(JobSecret.ENV, JobSecret.hex(secret));
        }
        final StringJoiner pids = new StringJoiner(",", ProcessHandle.current().pid() + ";", "");
        for (int id = 1; id < all.nodes(); id++)
        {
            final int node = id;
            spawner.worker(id).ifPresent(p -> pids.add(node + ":" + p.pid()));
        }
        env.put(ENV_PIDS, pids.toString());
        return new Started(spawner, patched.withAgent(agentJar, all.withNode(0).toAgentArgs()), env);
    }

    /**
     * On node 0 whose nodes were started by the JVM that launched it: until {@link #connected}, a node that exits
     * stops the job, with a line naming it. Does nothing in any other JVM (the variable names another parent).
     */
    public static void watch()
    {
        final String value = System.getenv(ENV_PIDS);
        final int semi = value == null ? -1 : value.indexOf(';');
        if (semi < 0)
        {
            return;
        }
        try
        {
            final long launcher = Long.parseLong(value.substring(0, semi));
            if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != launcher)
            {
                return; // inherited from some ancestor: not ours
            }
            for (final String item : value.substring(semi + 1).split(","))
            {
                final int colon = item.indexOf(':');
                if (colon > 0)
                {
                    final String node = item.substring(0, colon);
                    // not onExit(): for a process that is not its child the JDK looks only every 300 ms or more
                    ProcessWatch.start(Long.parseLong(item.substring(colon + 1)), "ssi-start-watch-" + node,
                        () -> !connected, () -> lost(node));
                }
            }
        }
        catch (final NumberFormatException ignored)
        {
            // not ours
        }
    }

    /** Every node is connected: from now on the job's own failure detection handles a node that goes away. */
    public static void connected()
    {
        connected = true;
    }

    private static void lost(final String node)
    {
        if (!connected)
        {
            System.err.println("ssi-java: node " + node + " exited during start-up; stopping the job");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }
}
