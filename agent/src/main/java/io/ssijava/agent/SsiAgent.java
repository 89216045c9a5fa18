package io.ssijava.agent;

import io.ssijava.agent.boot.EarlyWorkers;
import io.ssijava.agent.boot.JobSecret;
import io.ssijava.agent.console.ConsoleServer;
import io.ssijava.agent.console.ConsoleState;
import io.ssijava.agent.boot.JvmCommandLine;
import io.ssijava.agent.control.ControlCommands;
import io.ssijava.agent.control.ControlServer;
import io.ssijava.agent.metrics.MetricsEndpoint;
import io.ssijava.agent.metrics.MetricsText;
import io.ssijava.agent.metrics.NodeMBean;
import io.ssijava.agent.boot.NodeOptions;
import io.ssijava.agent.boot.NodeSpawner;
import io.ssijava.agent.jit.InlineHints;
import io.ssijava.agent.join.JoinServer;
import io.ssijava.agent.output.OutputForwarding;
import io.ssijava.agent.jdk.JdkPatch;
import io.ssijava.agent.jdk.Reexec;
import io.ssijava.agent.rewrite.ClassRewriter;
import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.CheckpointException;
import io.ssijava.checkpoint.CheckpointService;
import io.ssijava.checkpoint.capture.ProgramOutput;
import io.ssijava.checkpoint.restore.Restore;
import io.ssijava.dsm.JobClasses;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.rt.Ssi;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.Job;
import io.ssijava.threads.Placement;
import io.ssijava.transport.Transport;
import io.ssijava.transport.TransportConfig;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entry point of the ssi-java agent: {@code java -javaagent:ssi-agent.jar=nodes=3 -cp app.jar Main}.
 * <p>
 * Installs the class rewriter, then, for a job of more than one node, joins the cluster: node 0 (the JVM the user
 * started) spawns the other nodes unless they were started by hand, every node connects to every other, and
 * node 0 goes on to run {@code main}. On every other node this method never returns: the node serves the cluster
 * until node 0 ends the job.
 */
public final class SsiAgent
{
    private SsiAgent()
    {
    }

    /**
     * Called by the JVM before {@code main}.
     *
     * @param args agent options, see {@link NodeOptions#parse(String)}.
     * @param inst the instrumentation instance.
     */
    public static void premain(final String args, final Instrumentation inst)
    {
        final NodeOptions options;
        try
        {
            options = NodeOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("ssi-java: " + ex.getMessage());
            System.exit(2);
            return;
        }
        openJdkInternals(inst);
        // one node runs in the cluster's runtime too if it takes checkpoints or is restored from one: its threads
        // are captured, and its heap and threads may come from many nodes
        final boolean cluster = options.nodes() > 1 || !options.restore().isEmpty() ||
            !options.checkpoint().equals(CheckpointConfig.DEFAULT);
        if (cluster && !JdkPatch.isActive())
        {
            restartWithInstrumentedJdk(options);
        }
        ClassRewriter.jdkPatched(JdkPatch.isActive());
        if (cluster)
        {
            ClassRewriter.mainClass(mainClass());
        }
        warmUp();
        inst.addTransformer(new Transformer(options.verbose()), false);
        InlineHints.start(inst, options.verbose());
        io.ssijava.agent.jit.PollFolding.start(inst);
        if (cluster)
        {
            // before the node joins: no array is shared yet, so no write check needs to read the count
            io.ssijava.agent.jit.WriteCheckFolding.start(inst);
            Reexec.watchParent();
            System.setProperty(Ssi.CLUSTER_PROPERTY, "true");
            joinCluster(options);
        }
        else if (options.stats())
        {
            // a one-node job shares nothing: only the threads it ran are worth a line
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("ssi-java: node 0: threads run " +
                io.ssijava.rt.ThreadStarts.started() + ", objects homed 0, remote faults 0, lock transfers 0, remote atomics 0, " +
                "messages sent 0, bytes sent 0, threads moved out 0"), "ssi-stats"));
        }
    }

    /**
     * The class whose main method this JVM's command line runs (every node runs the same command line), or null if
     * it cannot tell: main then stays a thread that cannot move.
     */
    private static String mainClass()
    {
        try
        {
            final JvmCommandLine command = JvmCommandLine.current();
            switch (command.mode())
            {
                case CLASS:
                    return command.target();
                case MODULE:
                    final int slash = command.target().indexOf('/');
                    return slash < 0 ? null : command.target().substring(slash + 1);
                default:
                    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(command.target()))
                    {
                        final java.util.jar.Manifest manifest = jar.getManifest();
                        return manifest == null ? null :
                            manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.MAIN_CLASS);
                    }
            }
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /** Same as {@link #premain} for an agent loaded into a running JVM: only single-node rewriting then. */
    public static void agentmain(final String args, final Instrumentation inst)
    {
        openJdkInternals(inst);
        warmUp();
        inst.addTransformer(new Transformer(false), false);
        InlineHints.start(inst, false);
        io.ssijava.agent.jit.PollFolding.start(inst);
    }

    /**
     * A cluster node runs with the instrumented java.base, which needs a JVM flag: without it, this JVM runs the
     * program again in a child JVM that has it, and ends with that child's status. Node 0 of a job that starts its
     * own nodes starts them here first, so that they boot while its child does ({@link EarlyWorkers}).
     */
    private static void restartWithInstrumentedJdk(final NodeOptions options)
    {
        final int status;
        EarlyWorkers.Started early = null;
        try
        {
            final Path patch = JdkPatch.prepare(agentJar());
            JvmCommandLine child = JvmCommandLine.current().withJvmArgsFirst(JdkPatch.jvmFlags(patch));
            Map<String, String> env = Map.of();
            if (EarlyWorkers.apply(options))
            {
                early = startEarly(options, child);
                child = early.node0();
                env = early.env();
            }
            final List<String> command = child.toCommand();
            if (options.verbose())
            {
                System.err.println("ssi-java: node " + options.nodeId() + ": restarting with the instrumented JDK: " +
                    String.join(" ", command));
            }
            status = Reexec.run(command, env);
        }
        catch (final Exception ex)
        {
            if (early != null)
            {
                early.spawner().close();
            }
            fail(options.nodeId(), "cannot start with the instrumented JDK: " + ex.getMessage());
            return;
        }
        if (early != null && status == 0)
        {
            early.reap();
        }
        // else (a node lost, the job to be recovered, a failure) the nodes leave on their own when this JVM ends, as
        // they would when node 0 does: a node stopped meanwhile (a stale one) when it resumes
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /** Starts the other nodes before node 0 restarts (see {@link EarlyWorkers}); fails the job if it cannot. */
    private static EarlyWorkers.Started startEarly(final NodeOptions options, final JvmCommandLine patched)
    {
        try
        {
            return EarlyWorkers.start(options, agentJar(), patched);
        }
        catch (final IllegalArgumentException ex)
        {
            fail(options.nodeId(), ex.getMessage()); // the job's secret
        }
        catch (final java.io.IOException ex)
        {
            fail(options.nodeId(), "could not start the other nodes: " + ex.getMessage());
        }
        throw new AssertionError("not reached: fail() halts");
    }

    /**
     * Agrona needs jdk.internal.misc; copying thread objects needs java.lang open; sharing the JDK's collections
     * and java.util.concurrent needs their packages open; checkpoints of open files read the state of java.io's
     * streams and readers, of their decoders (sun.nio.cs) and of the file channels under them. Granted to ssi-java
     * only.
     */
    private static void openJdkInternals(final Instrumentation inst)
    {
        final Module base = Object.class.getModule();
        final Set<Module> self = Set.of(SsiAgent.class.getModule());
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", self),
            Map.of("java.lang", self, "java.util", self, "java.util.concurrent", self,
                "java.util.concurrent.atomic", self, "java.util.concurrent.locks", self, "java.io", self,
                "sun.nio.cs", self, "sun.nio.ch", self, "java.nio.channels", self), Set.of(), Map.of());
    }

    /** Loads the rewriter's own classes before it is installed, so that it never sees itself load. */
    private static void warmUp()
    {
        try (InputStream in = SsiAgent.class.getResourceAsStream("Warmup.class"))
        {
            if (in != null)
            {
                ClassRewriter.rewrite(SsiAgent.class.getClassLoader(), in.readAllBytes());
            }
        }
        catch (final Exception ex)
        {
            System.err.println("ssi-java: rewriter self-test failed: " + ex);
        }
    }

    private static void joinCluster(final NodeOptions given)
    {
        NodeOptions options = given;
        final int self = options.nodeId();
        NodeSpawner spawner = null;
        JoinServer joining = null;
        byte[] secret = null;
        try
        {
            secret = JobSecret.of(options); // first: a node started over ssh reads it from stdin
        }
        catch (final IllegalArgumentException ex)
        {
            fail(self, ex.getMessage());
        }
        if (self != 0)
        {
            NodeSpawner.watchParent();
        }
        else
        {
            EarlyWorkers.watch();
        }
        if (secret == null && options.nodes() > 1)
        {
            System.err.println("ssi-java: node " + self + ": no job secret (-Dssi.secret.file=PATH on every node): " +
                "this node takes messages from whoever reaches it");
        }
        try
        {
            final Integer joinPort = self == 0 && options.nodes() > 1 && options.peers().isEmpty() ?
                Integer.getInteger("ssi.join.port") : null;
            if (joinPort != null)
            {
                if (System.getProperty("ssi.secret.file") == null && System.getenv(JobSecret.ENV) == null)
                {
                    fail(self, "a job that waits for its nodes to join needs a secret they hold too: " +
                        "-Dssi.secret.file=PATH (ssi-java --secret-file PATH)");
                }
                joining = JoinServer.await(options, joinPort, secret, agentJar(),
                    Long.getLong("ssi.join.wait-ms", 600_000L));
                options = joining.options();
            }
            if (options.peers().isEmpty())
            {
                if (self != 0)
                {
                    fail(self, "node " + self + " needs peers=host:port;... naming every node's endpoint");
                }
                options = options.withPeers(Transport.pickFreeLoopbackEndpoints(options.nodes()));
            }
            if (options.mustSpawnWorkers())
            {
                // the workers learn the transport from node 0, who chose it for all
                options = options.withTransport(options.effectiveTransport());
                spawner = NodeSpawner.spawn(options, agentJar(), secret);
                final NodeOptions started = options;
                spawner.onUnexpectedExit((node, status) ->
                {
                    System.err.println("ssi-java: node " + node + " exited with status " + status +
                        " during start-up; stopping the job");
                    if (!started.restore().isEmpty())
                    {
                        // a restore can be tried again: the checkpoint it restores is still there
                        CheckpointService.noteLoss(started.checkpoint(), started.jobId(), node,
                            "it exited with status " + status + " while the job was restored");
                        Runtime.getRuntime().halt(Job.RECOVERABLE_STATUS);
                    }
                    Runtime.getRuntime().halt(1);
                });
            }
        }
        catch (final Exception ex)
        {
            fail(self, "could not start the other nodes: " + ex.getMessage());
        }
        final Node node = new Node(self, options.nodes(), new JobClasses(ClassLoader.getSystemClassLoader()));
        final NodeRuntime runtime = new NodeRuntime(node);
        final ClusterThreads threads = new ClusterThreads(runtime,
            Placement.named(options.placement().optionValue(), options.nodes()));
        runtime.threads(threads);
        runtime.threadRefs(threads);

        final Job job = new Job(runtime, options.stats());
        if (self == 0)
        {
            OutputForwarding.serve(node);
        }
        // before the node connects: node 0 may ask for a checkpoint as soon as every node is there
        if (!options.checkpoint().equals(CheckpointConfig.DEFAULT) || !options.restore().isEmpty())
        {
            ProgramOutput.install(); // checkpoints say where the output stood, for a recovery to go on from there
        }
        final CheckpointService checkpoints = startCheckpoints(self, runtime, threads, options);
        // before the node connects: other nodes may ask for the classes whose statics this node restores
        final Restore restore = options.restore().isEmpty() ? null : prepareRestore(self, runtime, threads, options);
        if (self == 0)
        {
            final boolean restored = restore != null;
            final Path local = options.checkpoint().localDir(0);
            final long number = CheckpointConfig.jobNumber(options.jobId());
            job.onNodeLost((lost, why) ->
            {
                if (!checkpoints.recoverable(lost, why, restored))
                {
                    return Job.NODE_LOST_STATUS;
                }
                System.err.println("ssi-java: the job can go on from its newest checkpoint (ssi-java restore " +
                    local.resolve("job-" + Long.toHexString(number)) + (restored ? ", or the one it was restored " +
                    "from" : "") + ")");
                return Job.RECOVERABLE_STATUS;
            });
        }
        final List<InetSocketAddress> peers = options.peers();
        try
        {
            node.start(TransportConfig.builder().nodeId(self).nodeCount(options.nodes()).endpoints(peers)
                .mode(options.effectiveTransport() == NodeOptions.TransportKind.IPC ?
                    TransportConfig.Mode.HOST : TransportConfig.Mode.UDP)
                .jobId(options.jobId()).connectTimeout(options.connectTimeout())
                .failureTimeout(failureTimeout(self)).secret(secret).build());
        }
        catch (final RuntimeException | LinkageError ex)
        {
            fail(self, ex instanceof RuntimeException ? ex.getMessage() : ex.toString());
        }
        EarlyWorkers.connected();
        Runnable reap = () -> { };
        if (spawner != null)
        {
            spawner.expectExits();
            spawner.leaveShutdownToCaller();
            final NodeSpawner s = spawner;
            reap = () ->
            {
                try
                {
                    s.awaitExit(java.time.Duration.ofSeconds(2));
                }
                catch (final InterruptedException ignored)
                {
                    // close() below ends them anyway
                }
                s.close();
            };
        }
        Ssi.install(runtime);
        registerMBean(node, options.jobId());
        if (restore != null)
        {
            try
            {
                restore.run();
            }
            catch (final CheckpointException ex)
            {
                fail(self, ex.getMessage());
            }
            checkpoints.ready();
        }
        final Runnable reapWorkers = reap;
        // node 0 ends the job: no more checkpoints once the other nodes are told to stop. A worker halts on node
        // 0's order without running hooks, so its service goes with its JVM.
        job.afterEnd(() ->
        {
            try
            {
                checkpoints.close();
            }
            finally
            {
                reapWorkers.run();
            }
        });
        // once every node is connected: both talk to the other nodes from their first period on
        final Long moveEvery = Long.getLong("ssi.migrate-every");
        if (moveEvery != null && moveEvery > 0)
        {
            // a test of migration under a real program: every movable thread keeps moving to the next node
            threads.moveContinuously(moveEvery);
        }
        threads.schedule(options.balance());
        if (self != 0 && Boolean.getBoolean(OutputForwarding.PROPERTY))
        {
            OutputForwarding.install(node); // its output is not node 0's: the program's goes through node 0
        }
        if (self == 0)
        {
            final ConsoleState state = new ConsoleState(threads, checkpoints.control(), job, options.jobId(),
                ControlCommands.mainClass());
            if (restore != null)
            {
                eventsBefore(state);
                state.event("restored from checkpoint " + options.restore() + " on " + options.nodes() + " nodes");
            }
            checkpoints.onFailure(state::event);
            if (joining != null)
            {
                joining.whileRunning(growth(options, checkpoints, job));
            }
            startControl(options, new ControlCommands(threads, checkpoints.control(), job, options.jobId()), job,
                secret, state);
        }
        if (options.verbose())
        {
            System.err.println("ssi-java: node " + self + " of " + options.nodes() + " connected over " +
                options.effectiveTransport().optionValue());
        }
        if (self != 0)
        {
            // a worker never runs main: it serves the cluster until node 0 ends the job
            while (true)
            {
                try
                {
                    Thread.sleep(Long.MAX_VALUE);
                }
                catch (final InterruptedException ignored)
                {
                    // keep serving
                }
            }
        }
    }

    /** This node's part in the job's checkpoints, started on every node before main runs. */
    private static CheckpointService startCheckpoints(final int self, final NodeRuntime runtime,
        final ClusterThreads threads, final NodeOptions options)
    {
        try
        {
            return CheckpointService.start(runtime, threads, options.checkpoint(), options.jobId(),
                self == 0 ? jobDescription(options) : null, !options.restore().isEmpty());
        }
        catch (final RuntimeException ex)
        {
            // without every node's part node 0 can take no checkpoint: stop rather than run a job that cannot
            fail(self, "cannot start checkpoints: " + ex.getMessage());
            throw ex;
        }
    }

    /**
     * How long a node may stay silent before the others count it lost: {@code -Dssi.failure-timeout=MILLIS}
     * (default 3000; heartbeats go every 100 ms). Shorter detects a dead node sooner, and so recovers sooner; too
     * short takes a node that is only slow (a long GC pause) for dead.
     */
    private static java.time.Duration failureTimeout(final int self)
    {
        final String given = System.getProperty("ssi.failure-timeout");
        if (given == null)
        {
            return io.ssijava.transport.TransportConfig.FAILURE_TIMEOUT_DEFAULT;
        }
        try
        {
            final long millis = Long.parseLong(given.trim());
            if (millis >= 300)
            {
                return java.time.Duration.ofMillis(millis);
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        fail(self, "-Dssi.failure-timeout=" + given + ": give milliseconds, at least 300 (heartbeats go every " +
            "100 ms)");
        throw new IllegalStateException();
    }

    /** Reads, before the node starts, what this node restores of the checkpoint the options name. */
    private static Restore prepareRestore(final int self, final NodeRuntime runtime, final ClusterThreads threads,
        final NodeOptions options)
    {
        try
        {
            return Restore.prepare(runtime, threads, options.checkpoint(), options.restoreJob(),
                options.restoreCheckpoint());
        }
        catch (final CheckpointException ex)
        {
            fail(self, ex.getMessage());
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Node 0: the job's control point ({@code -Dssi.control=false} leaves it out) and, with
     * {@code -Dssi.metrics.port=P} (ssi-java --metrics-port), the scrape endpoint, which takes the control point's
     * secret.
     */
    /**
     * How a running job that waits at a join port takes in a node that comes: a checkpoint, a note of the nodes it
     * is to have, and a restart the launcher restores on them. Only a job that takes checkpoints and that the
     * launcher watches ({@code SSI_JAVA_RESTARTS}) can; null otherwise.
     */
    private static JoinServer.Growth growth(final NodeOptions options, final CheckpointService checkpoints,
        final Job job)
    {
        if (options.checkpoint().equals(CheckpointConfig.DEFAULT) || checkpoints.control() == null ||
            !"1".equals(System.getenv("SSI_JAVA_RESTARTS")))
        {
            return null;
        }
        return new JoinServer.Growth()
        {
            @Override
            public String prepare(final int nodes) throws Exception
            {
                final long id = checkpoints.control().checkpointNow().id();
                CheckpointService.noteResize(options.checkpoint(), options.jobId(), nodes);
                return "it restarts from checkpoint " + id + " on " + nodes + " nodes";
            }

            @Override
            public void restart(final String why)
            {
                job.restart(Job.RESIZE_STATUS, why);
            }
        };
    }

    /**
     * A job the launcher restored: what stopped it each time (the launcher's {@code SSI_JAVA_EVENTS}: per line,
     * epoch milliseconds, a tab, what) goes in the console's list.
     */
    private static void eventsBefore(final ConsoleState state)
    {
        final String events = System.getenv("SSI_JAVA_EVENTS");
        if (events == null)
        {
            return;
        }
        for (final String line : events.split("\n"))
        {
            final String[] f = line.split("\t", 2);
            if (f.length == 2 && f[0].matches("\\d{1,18}"))
            {
                state.event(Long.parseLong(f[0]), f[1]);
            }
        }
    }

    private static void startControl(final NodeOptions options, final ControlCommands commands, final Job job,
        final byte[] secret, final ConsoleState state)
    {
        if ("false".equals(System.getProperty("ssi.control")))
        {
            return;
        }
        final ControlServer control;
        try
        {
            control = ControlServer.start(options.jobId(), options.nodes(), commands, secret);
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            System.err.println("ssi-java: no control point for this job (ssi-java threads etc. will not find " +
                "it): " + ex.getMessage());
            return;
        }
        startConsole(control, commands, state);
        final Integer port = Integer.getInteger("ssi.metrics.port");
        if (port == null)
        {
            return;
        }
        try
        {
            final MetricsEndpoint endpoint = MetricsEndpoint.start(port, control::admits,
                () -> MetricsText.render(options.jobId(), job.metrics()));
            Runtime.getRuntime().addShutdownHook(new Thread(endpoint::close, "ssi-metrics-close"));
            System.err.println("ssi-java: metrics at http://" + InetAddress.getLoopbackAddress().getHostAddress() +
                ":" + endpoint.port() + "/metrics (bearer token: the secret in " + control.jobFile() + ")");
        }
        catch (final java.io.IOException | RuntimeException | LinkageError ex)
        {
            System.err.println("ssi-java: no metrics endpoint on port " + port + ": " + ex);
        }
    }

    /** Node 0, with {@code -Dssi.console.port=P} (ssi-java --console): the web console, behind the job's secret. */
    private static void startConsole(final ControlServer control, final ControlCommands commands,
        final ConsoleState state)
    {
        final Integer port = Integer.getInteger("ssi.console.port");
        if (port == null)
        {
            return;
        }
        try
        {
            final String given = System.getProperty("ssi.console.bind");
            final InetAddress bind = given == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(given);
            if (!bind.isLoopbackAddress())
            {
                System.err.println("ssi-java: the console listens on " + bind.getHostAddress() + ", beyond this " +
                    "machine: over plain HTTP its secret can be read on the way; use it on a network you trust");
            }
            final ConsoleServer console = ConsoleServer.start(bind, port, control::admits, state);
            Runtime.getRuntime().addShutdownHook(new Thread(console::close, "ssi-console-close"));
            final String url = console.root();
            commands.console(url, control.secretHex());
            System.err.println("ssi-java: console at " + url + " (ssi-java console prints its address with the " +
                "secret)");
        }
        catch (final java.io.IOException | RuntimeException | LinkageError ex)
        {
            System.err.println("ssi-java: no console on port " + port + ": " + ex);
        }
    }

    /**
     * Registers the node's metrics MBean (see NodeMBean), on a thread of its own and after the job has run for
     * {@code ssi.jmx.delay-ms} (2 s): starting the platform MBean server costs a node about 0.1 s of processor time,
     * which a short job need not pay, and a job worth watching runs longer. {@code -Dssi.jmx=false} leaves it out.
     */
    private static void registerMBean(final Node node, final String job)
    {
        if ("false".equals(System.getProperty("ssi.jmx")))
        {
            return;
        }
        final Thread t = new io.ssijava.rt.NodeLocalThread(() ->
        {
            try
            {
                Thread.sleep(Long.getLong("ssi.jmx.delay-ms", 2000L));
                NodeMBean.register(node, job);
            }
            catch (final InterruptedException ex)
            {
                // the node is going
            }
            catch (final javax.management.JMException | RuntimeException | LinkageError ex)
            {
                System.err.println("ssi-java: node " + node.self() + ": no metrics MBean: " + ex);
            }
        }, "ssi-jmx");
        t.setDaemon(true);
        t.start();
    }

    /**
     * How to run this job again, as {@code ssi-java restore} reads it: the program's command line (without
     * ssi-java's own JVM flags) and the job's size.
     */
    private static Map<String, String> jobDescription(final NodeOptions options)
    {
        final Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("job.id", options.jobId());
        out.put("nodes", Integer.toString(options.nodes()));
        try
        {
            final JvmCommandLine command = JvmCommandLine.current();
            final Path agent = agentJar();
            final List<String> jvm = new java.util.ArrayList<>();
            for (final String a : command.jvmArgs())
            {
                if (!JvmCommandLine.isSsiAgentFlag(a, agent) && !JdkPatch.isJvmFlag(a))
                {
                    jvm.add(a);
                }
            }
            out.put("java", command.javaExecutable());
            list(out, "jvm.args", "jvm.arg.", jvm);
            // absolute: a restore may be started from another directory
            out.put("classpath", absolutePaths(command.classPath()));
            out.put("mode", command.mode().name());
            out.put("target", command.mode() == JvmCommandLine.Mode.JAR ? absolutePaths(command.target()) :
                command.target());
            list(out, "args", "arg.", command.programArgs());
        }
        catch (final RuntimeException ex)
        {
            System.err.println("ssi-java: cannot tell this job's command line (ssi-java restore will not know how " +
                "to run it again): " + ex.getMessage());
        }
        return out;
    }

    private static String absolutePaths(final String paths)
    {
        final List<String> out = new java.util.ArrayList<>();
        for (final String p : paths.split(java.io.File.pathSeparator, -1))
        {
            out.add(p.isEmpty() ? p : Path.of(p).toAbsolutePath().normalize().toString());
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private static void list(final Map<String, String> out, final String count, final String prefix,
        final List<String> values)
    {
        out.put(count, Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++)
        {
            out.put(prefix + i, values.get(i));
        }
    }

    private static void fail(final int node, final String message)
    {
        System.err.println("ssi-java: node " + node + ": " + message);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private static Path agentJar()
    {
        try
        {
            return Path.of(SsiAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot locate the ssi-java agent jar", ex);
        }
    }
}
