package io.ssijava.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The texts the launcher prints: usage synopsis, full help, version. */
public final class HelpText {

    private HelpText() {
    }

    /**
     * The short synopsis printed after a usage error.
     *
     * @return the synopsis, ending with a line break
     */
    public static String usage() {
        return """
                usage: ssi-java [--nodes N] [--stats] [--verbose] [--placement P] [--balance]
                                [--jvm-opt OPT]... [--java PATH]
                                [--checkpoint-every D] [--checkpoint-dir DIR] [--stable-dir DIR]
                                [--mirror-every M] [--stable-every N] [--scheme A|B]
                                [--checkpoint-strict] [--metrics-port PORT] [--hosts H0,H1,...]
                                (-cp|-classpath|--class-path) CP MAIN [ARGS...]
                       ssi-java [options] -jar app.jar [ARGS...]
                       ssi-java jobs | status | threads | nodes | migrate THREAD NODE
                                | placement [P] | checkpoint | checkpoints | metrics | console
                                | stop [STATUS] [--job ID]     (a running job)
                       ssi-java restore [--nodes K] [options] CHECKPOINT
                       ssi-java node --join HOST:PORT --secret-file FILE
                       ssi-java --help | --version
                """;
    }

    /**
     * The synopsis of {@code ssi-java restore}, printed after a usage error of that command.
     *
     * @return the synopsis, ending with a line break
     */
    public static String restoreUsage() {
        return """
                usage: ssi-java restore [--nodes K] [--java PATH] [--stats] [--verbose]
                                        [--placement P] [--balance] [--checkpoint-every D]
                                        [--checkpoint-dir DIR] [--stable-dir DIR]
                                        [--mirror-every M] [--stable-every N] [--scheme A|B]
                                        CHECKPOINT
                """;
    }

    /**
     * The help of {@code ssi-java restore}.
     *
     * @return the help, ending with a line break
     */
    public static String restoreHelp() {
        return """
                ssi-java restore: start a job again from one of its committed checkpoints,
                possibly on another number of nodes.

                """ + restoreUsage() + """

                CHECKPOINT is a checkpoint directory, .../job-HEX/ckpt-NNNNNNNN, in a node's
                checkpoint directory (DIR/node-K) or in the stable directory; or a job
                directory, .../job-HEX, for the job's newest committed checkpoint. The job
                runs again with the java, JVM flags, class path, main class and arguments
                that node 0 recorded in job.properties next to its checkpoints, under a new
                job id, and goes on taking checkpoints as it did (into a new job-HEX
                directory). The options go before CHECKPOINT:
                  --nodes K            run on K nodes, 1 to 64; default: as many as the job had
                  --java PATH          java executable for the nodes; default: the job's, if it
                                       is there, else the java running ssi-java
                  --stats, --verbose, --placement P, --balance
                                       as for a run
                  --checkpoint-every D, --mirror-every M, --stable-every N, --scheme A|B
                                       how the restored job takes checkpoints, as for a run;
                                       default: as the job did
                  --checkpoint-dir DIR, --stable-dir DIR
                                       where the restored job finds the checkpoint's parts
                                       and keeps its own checkpoints; default: the tree that
                                       holds CHECKPOINT (DIR of DIR/node-K, or the stable
                                       directory it is in), else the job's
                  -h, --help           print this help and exit
                Exit status: the program's (node 0's); 2 for a usage error, a checkpoint that
                cannot be restored (missing, never committed, no job.properties) or a missing
                agent jar.
                """;
    }

    /**
     * The help of the commands that steer a running job.
     *
     * @return the help, ending with a line break
     */
    /** @return the help of {@code ssi-java node} */
    public static String joinHelp() {
        return """
                usage: ssi-java node --join HOST:PORT --secret-file FILE
                Starts a node here for a job that waits for its nodes on another machine
                (ssi-java --nodes N --join-port PORT --secret-file FILE ... there): proves the
                job's secret (the same file's text), waits until every node has joined, then
                runs as the node the job makes it. The java, agent and class path must be at
                the same paths here as there. A job that already runs takes the node in if it
                takes checkpoints (--checkpoint-every): it takes one and is restored from it
                on one node more; its nodes join it again by themselves, as they do when the
                job is restored after losing a node (a node started like this one then takes
                the lost one's place). Exit status: the node's; 1 when the job refused it or
                could not be reached; 2 for a usage error.
                """;
    }

    public static String controlHelp() {
        return """
                Steering a running job, from another terminal (as the user who started it):
                  ssi-java jobs                 the jobs of yours that are running
                  ssi-java status               the job at a glance: its main class, nodes,
                                                uptime, threads by state, each node's heap,
                                                faults, lock transfers, moves and traffic,
                                                its newest checkpoint
                  ssi-java threads              the program's threads: id, node, state, whether
                                                they can move, name
                  ssi-java nodes                each node's load, threads and placement policy
                  ssi-java migrate THREAD NODE  move a thread (id or name) to a node; it moves
                                                at its next safe point outside JDK code, with
                                                the monitors it holds
                  ssi-java placement [P]        show, or switch every node to, placement policy P
                  ssi-java checkpoint           take a checkpoint now and wait until it is
                                                committed (jobs of 2 or more nodes, or run
                                                with checkpoint options)
                  ssi-java checkpoints          the job's committed checkpoints, oldest first:
                                                id, levels, bytes, pause, time taken, threads,
                                                objects, when (UTC)
                  ssi-java metrics              every node's counters and gauges, in the text
                                                format monitoring systems scrape (each node's
                                                JVM also has them as the MBean
                                                io.ssijava:type=Node,job=ID,node=K)
                  ssi-java console              the web console's address, with the secret
                                                (a job started with --console)
                  ssi-java stop [STATUS]        end the job as System.exit(STATUS) would, on
                                                every node; default status 143
                With several jobs running, name one with --job ID. Node 0 of a job serves these
                on a loopback port; they need the job's secret, which its job file holds,
                readable by its owner only, in $SSI_JAVA_RUN, else $XDG_RUNTIME_DIR/ssi-java,
                else ~/.ssi-java/run. Exit status: 0 done, 1 refused by the job, 2 no such
                job or a usage error, 3 a move asked that has not happened yet.
                """;
    }

    /**
     * The full help text.
     *
     * @return the help, ending with a line break
     */
    public static String help() {
        return """
                ssi-java: run an unmodified multithreaded Java program on several JVMs
                ("nodes") as if they were one JVM.

                """ + usage() + """

                Options (they go before MAIN or -jar; everything after MAIN, or after
                -jar app.jar, is passed to the program untouched):
                  --nodes N            number of nodes (JVMs), 1 to 64; default 1
                  --stats              print per-node statistics on stderr at exit
                  --verbose            log what ssi-java and the runtime do, on stderr
                  --placement P        where threads run: spread (new threads round robin
                                       over the nodes, the default), local (on the node
                                       that starts them), least-loaded (on the node running
                                       the fewest), follow-data (spread, then each thread
                                       moves to the node homing the objects it faults most);
                                       ssi-java placement P switches a running job
                  --balance            move running threads from busy nodes to idle ones
                  --checkpoint-every D take a checkpoint every D: 30s, 500ms, 2m, 1h (a bare
                                       number is seconds); default: only when asked, with
                                       ssi-java checkpoint
                  --checkpoint-dir DIR where node K keeps its checkpoints (DIR/node-K) and
                                       the mirror of its neighbour's; default:
                                       ssi-java-checkpoints in the temporary directory
                                       (java.io.tmpdir, e.g. /tmp)
                  --stable-dir DIR     stable storage for every M*N-th checkpoint, e.g. a
                                       shared file system; default: none
                  --mirror-every M     mirror every M-th checkpoint on the neighbour node;
                                       default 4
                  --stable-every N     write every M*N-th checkpoint to --stable-dir (needs
                                       it); default 4
                  --scheme A|B         B (the default): every checkpoint on the node's disk,
                                       every M-th also mirrored; A: every checkpoint
                                       mirrored. Both: every M*N-th to --stable-dir
                  --checkpoint-strict  take no checkpoint while the program holds something
                                       a restore could not open again (a socket); open
                                       files are kept and reopened at their offsets
                  --join-port PORT     wait on TCP port PORT for the other nodes to join
                                       (ssi-java node --join HOST:PORT on their machines)
                                       instead of starting them; needs --secret-file
                  --secret-file FILE   the job's secret: FILE's text (16 bytes or more),
                                       readable by its owner only; default: a new one
                  --hosts H0,H1,...    node k on host k: node 0 here (H0: this host as the
                                       others reach it), the others started over ssh
                                       ($SSI_JAVA_SSH, default ssh -o BatchMode=yes) in
                                       this directory, which the hosts must share; the
                                       k-th node of a host uses UDP port 47000+k
                  --console PORT       serve a web console at http://127.0.0.1:PORT/ (nodes,
                                       threads, rates, checkpoints, failures); it needs the
                                       job's secret (ssi-java console prints its address
                                       with it); 0 for any free port
                  --console-bind ADDR  serve the console on ADDR instead of loopback, e.g.
                                       0.0.0.0 (plain HTTP: a network you trust)
                  --metrics-port PORT  serve every node's metrics (see ssi-java metrics) at
                                       http://127.0.0.1:PORT/metrics, to a scraper that
                                       sends the job's secret as a bearer token; 0 for
                                       any free port (node 0 prints the address)
                  --jvm-opt OPT        add a flag to every node's JVM, e.g. --jvm-opt -Xmx2g;
                                       repeat for several flags
                  --java PATH          java executable for the nodes; default: the java
                                       running ssi-java ($JAVA_HOME/bin/java via the script)
                  -cp, -classpath, --class-path CP
                                       the program's class path (as for java)
                  -jar app.jar         run the jar's Main-Class (as java -jar)
                  -h, --help           print this help and exit
                  --version            print the version and exit
                Long options also accept --name=value.

                How it runs: ssi-java starts one JVM, node 0, with the ssi agent attached:
                  java <jvm-opts> --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
                       -javaagent:ssi-agent.jar=nodes=N[,stats][,verbose] -cp CP MAIN ARGS
                Node 0 runs main; it starts nodes 1..N-1 itself on this machine, with the
                same java, JVM flags, class path, main class and arguments. All nodes write
                to this terminal. Ctrl-C stops every node; no node outlives node 0. Nodes on
                one machine talk through shared memory (Aeron IPC, node 0's media driver).

                Agent-only mode (no launcher; same effect):
                  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \\
                       -javaagent:ssi-agent.jar=nodes=3 -cp app.jar com.example.Main

                Manual per-node mode (e.g. one node per machine): start every node yourself
                with its id and the endpoints (host:UDP port) of all nodes, in id order:
                  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \\
                       '-javaagent:ssi-agent.jar=node=1,nodes=3,peers=h0:7000;h1:7000;h2:7000' \\
                       -cp app.jar com.example.Main
                (quoted: ';' separates shell commands). Node 0 runs main; the others serve
                the cluster until the job ends. All nodes need the same peers list; the
                job id is derived from it unless job=ID is given.

                Agent options (comma-separated, no spaces): nodes=N, node=I,
                peers=host:port;..., job=ID, stats, verbose, placement=P,
                balance, connect-timeout=20s, transport=ipc|udp (default: ipc when
                node 0 starts the nodes, udp when peers are given; transport=ipc with
                peers runs hand-started nodes of one machine over shared memory),
                checkpoint-every=MILLISECONDS, checkpoint-dir=DIR, stable-dir=DIR,
                mirror-every=M, stable-every=N, scheme=A|B (as the flags above; give
                every node the same ones).

                Restarting a job from a committed checkpoint, possibly on another number of
                nodes (see ssi-java restore --help):
                  ssi-java restore [--nodes K] [options] CHECKPOINT
                CHECKPOINT is a checkpoint directory (.../job-HEX/ckpt-NNNNNNNN) or a job
                directory (.../job-HEX: its newest committed checkpoint). The job runs again
                with the command line it ran with, recorded in its job.properties, on K
                nodes (default: as many as it had), and takes checkpoints as it did.

                Recovery: when a node of a job that has a committed checkpoint dies (killed,
                or silent for 3 s), the launcher restores the job from its newest readable
                checkpoint, each part from the nearest level that holds it, on as many
                nodes (one fewer if the dead node's checkpoint directory is gone too), and
                shows the program's output once: what the restored job prints again after
                its checkpoint is dropped. Five failed restores in a row give up.

                """ + controlHelp() + """

                Environment:
                  SSI_AGENT_JAR        the agent jar to use (also -Dssi.agent.jar=...);
                                       default: agent/target/ssi-agent.jar of this checkout
                  JAVA_HOME            the java that the ssi-java script runs
                  SSI_JAVA_NO_BUILD=1  the ssi-java script never (re)builds the jars
                  SSI_JAVA_RUN         where jobs leave their job files (see above)

                Exit status: the program's (node 0's) exit status; 2 for a usage error, a
                missing agent jar or a java that cannot be started; 75 when a node was lost
                and the job could not be recovered.

                Examples:
                  ssi-java --nodes 4 -cp target/classes com.example.Crunch input.txt
                  ssi-java --nodes 2 --stats --jvm-opt -Xmx1g -jar app.jar --port 8080
                """;
    }

    /**
     * The launcher's version, from the filtered {@code version.properties} resource.
     *
     * @return the version, or {@code unknown}
     */
    public static String version() {
        try (InputStream in = HelpText.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
