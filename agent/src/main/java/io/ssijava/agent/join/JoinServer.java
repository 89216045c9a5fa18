package io.ssijava.agent.join;

import io.ssijava.agent.boot.JvmCommandLine;
import io.ssijava.agent.boot.NodeOptions;
import io.ssijava.agent.boot.NodeSpawner;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A waiting job ({@code ssi-java --nodes N --join-port PORT}): node 0 does not start the other nodes; it waits on a
 * TCP port for N-1 nodes started elsewhere with {@code ssi-java node --join HOST:PORT}, admits each that proves the
 * job's secret, and once all are there tells each its node number and the command that runs it (node 0's own, with
 * the agent options of that node: every node's UDP endpoint, the job, its options). The protocol, one line each:
 * <pre>
 *   node 0:  SSI-JOIN 1 &lt;job&gt; &lt;nonce hex&gt;
 *   joiner:  JOIN &lt;HMAC-SHA256(secret, "join|job|nonce") hex&gt; &lt;its UDP port&gt;
 *   node 0:  WAIT &lt;nodes still to come&gt;            (again as others join)
 *   node 0:  NODE &lt;k&gt; &lt;n&gt;, then n lines: the command's words, percent-encoded
 *            or ERROR &lt;why&gt;
 * </pre>
 * A joiner whose address node 0 reaches it at, with the port it sent, becomes its endpoint; node 0's is the address
 * the first joiner reached it at, with a port free there. Once the job runs, the port stays open: a node that
 * comes to join then is answered {@code RESTART <what happens>} (the job takes a checkpoint and restarts from it on
 * one node more; every node joins it again) or {@code ERROR <why>}.
 */
public final class JoinServer {

    private static final String GREETING = "SSI-JOIN 1 ";
    private static final int LINE_TIMEOUT_MS = 10_000;

    /** The options of node 0 with every node's endpoint, once all joined. */
    private final NodeOptions options;
    /** The join port, open while the job runs. */
    private final ServerSocket server;
    private final byte[] secret;

    private JoinServer(NodeOptions options, ServerSocket server, byte[] secret) {
        this.options = options;
        this.server = server;
        this.secret = secret;
    }

    /** @return node 0's options with every node's endpoint and the UDP transport */
    public NodeOptions options() {
        return options;
    }

    /**
     * How a running job takes in a node that comes to join: it takes a checkpoint and notes the number of nodes
     * it is to be restored on, then stops to be restored on them.
     */
    public interface Growth {
        /**
         * Prepares the restart on {@code nodes} nodes.
         *
         * @return what happens, for the joining node and the log
         * @throws Exception why the job cannot take the node in now (it is told, and the job goes on)
         */
        String prepare(int nodes) throws Exception;

        /** Stops the job to be restored; does not return. */
        void restart(String why);
    }

    /**
     * Waits for the other nodes of a waiting job and starts them.
     *
     * @param options  node 0's options (no peers yet)
     * @param port     the TCP port to wait on
     * @param secret   the job's secret
     * @param agentJar the agent jar
     * @param waitFor  how long to wait for every node
     * @return the join server, with node 0's options with every node's endpoint and the UDP transport; its port
     *         stays open (see {@link #whileRunning})
     * @throws IOException when the port cannot be opened, or the nodes do not all come in time
     */
    public static JoinServer await(NodeOptions options, int port, byte[] secret, Path agentJar, long waitFor)
            throws IOException {
        int missing = options.nodes() - 1;
        List<Joiner> joined = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitFor);
        ServerSocket server = new ServerSocket();
        boolean running = false;
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port));
            System.err.println("ssi-java: job " + options.jobId() + " waits for " + missing + " more node"
                    + (missing == 1 ? "" : "s") + ": ssi-java node --join HOST:" + server.getLocalPort()
                    + " --secret-file FILE");
            while (joined.size() < missing) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    for (Joiner j : joined) {
                        j.refuse("the job did not get all its nodes in time");
                    }
                    throw new IOException((missing - joined.size()) + " of " + missing + " nodes did not join within "
                            + waitFor / 1000 + " s");
                }
                server.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                Joiner j = admit(s, options.jobId(), secret);
                if (j == null) {
                    continue;
                }
                joined.add(j);
                int more = missing - joined.size();
                System.err.println("ssi-java: node " + joined.size() + " joined from "
                        + j.socket.getInetAddress().getHostAddress()
                        + (more == 0 ? "" : " (" + more + " more to come)"));
                for (Joiner w : joined) {
                    w.out.println("WAIT " + more);
                    w.out.flush();
                }
            }
            // node 0's endpoint: where the first joiner reached it, on a port free there
            InetAddress self = joined.get(0).socket.getLocalAddress();
            List<InetSocketAddress> peers = new ArrayList<>();
            try (DatagramSocket probe = new DatagramSocket(0, self)) {
                peers.add(new InetSocketAddress(self, probe.getLocalPort()));
            }
            for (Joiner j : joined) {
                peers.add(new InetSocketAddress(j.socket.getInetAddress(), j.udpPort));
            }
            NodeOptions all = options.withPeers(peers).withTransport(NodeOptions.TransportKind.UDP);
            for (int k = 1; k <= joined.size(); k++) {
                Joiner j = joined.get(k - 1);
                List<String> command = new ArrayList<>(NodeSpawner.workerCommand(JvmCommandLine.current(), all,
                        agentJar, k));
                // its output is not node 0's: what the program prints there goes through node 0
                command.add(1, "-D" + io.ssijava.agent.output.OutputForwarding.PROPERTY + "=true");
                j.out.println("NODE " + k + " " + command.size());
                for (String word : command) {
                    j.out.println(encode(word));
                }
                j.out.flush();
                j.socket.close();
            }
            running = true;
            return new JoinServer(all.withNode(0), server, secret); // node 0 starts nobody: they all joined
        } finally {
            for (Joiner j : joined) {
                j.close();
            }
            if (!running) {
                server.close();
            }
        }
    }

    /**
     * The job runs: the port stays open for as long. A node that comes to join (one more, or one that was lost and
     * fenced) and proves the secret is taken in by {@code growth} (the job restarts from a checkpoint with it), or,
     * without one, hears why it is refused rather than finding nothing there; the job goes on.
     *
     * @param growth how the job takes a node in; null if it cannot (it takes no checkpoints)
     */
    public void whileRunning(Growth growth) {
        String job = options.jobId();
        int nodes = options.nodes();
        Thread t = new io.ssijava.rt.NodeLocalThread(() -> {
            while (true) {
                Socket s;
                try {
                    server.setSoTimeout(0);
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                Joiner j = admit(s, job, secret);
                if (j == null) {
                    continue;
                }
                String from = s.getInetAddress().getHostAddress();
                if (growth == null || nodes >= NodeOptions.MAX_NODES) {
                    j.refuse("job " + job + " is running with all its " + nodes + " nodes; it takes no other node "
                            + "while it runs" + (growth == null ? " (it would restart with it from a checkpoint: "
                            + "start it with --checkpoint-every)" : ""));
                    j.close();
                    System.err.println("ssi-java: refused a node from " + from + ": the job is running with all its "
                            + "nodes");
                    continue;
                }
                String why;
                try {
                    why = growth.prepare(nodes + 1);
                } catch (Exception e) {
                    j.refuse("job " + job + " cannot take a node in now: " + e.getMessage());
                    j.close();
                    System.err.println("ssi-java: refused a node from " + from + ": " + e.getMessage());
                    continue;
                }
                j.out.println("RESTART " + why);
                j.out.flush();
                j.close();
                growth.restart("a node from " + from + " joins the job: " + why);
            }
        }, "ssi-join-running");
        t.start();
    }

    /** A node that proved the secret; its connection stays open until it gets its command. */
    private static final class Joiner {
        final Socket socket;
        final PrintWriter out;
        final int udpPort;

        Joiner(Socket socket, PrintWriter out, int udpPort) {
            this.socket = socket;
            this.out = out;
            this.udpPort = udpPort;
        }

        void refuse(String why) {
            out.println("ERROR " + why);
            out.flush();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    /** @return the joiner, or null if it did not prove the secret (told why, and reported here) */
    private static Joiner admit(Socket s, String job, byte[] secret) {
        try {
            s.setSoTimeout(LINE_TIMEOUT_MS);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            String nonceHex = HexFormat.of().formatHex(nonce);
            out.println(GREETING + job + " " + nonceHex);
            out.flush();
            String line = in.readLine();
            String[] words = line == null ? new String[0] : line.split(" ");
            String from = s.getInetAddress().getHostAddress();
            if (words.length != 3 || !words[0].equals("JOIN") || !words[2].matches("\\d{1,5}")
                    || Integer.parseInt(words[2]) < 1 || Integer.parseInt(words[2]) > 65_535) {
                out.println("ERROR not a join request");
                out.flush();
                System.err.println("ssi-java: refused a connection from " + from + " to the join port: not a node "
                        + "joining");
                s.close();
                return null;
            }
            if (!MessageDigest.isEqual(proof(secret, job, nonceHex).getBytes(StandardCharsets.US_ASCII),
                    words[1].getBytes(StandardCharsets.US_ASCII))) {
                out.println("ERROR wrong secret: job " + job + " admits only nodes that hold its secret");
                out.flush();
                System.err.println("ssi-java: refused a node from " + from + ": it did not prove the job's secret");
                s.close();
                return null;
            }
            s.setSoTimeout(0);
            return new Joiner(s, out, Integer.parseInt(words[2]));
        } catch (IOException | RuntimeException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone
            }
            return null;
        }
    }

    /**
     * @return the joiner's answer to a challenge: HMAC-SHA256 of {@code join|JOB|NONCE} under the secret, in hex
     *         (the launcher's JoinCommand computes the same on the joining side: it runs on the JDK alone)
     */
    static String proof(byte[] secret, String job, String nonceHex) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("join|" + job + "|" + nonceHex)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this JDK: " + e, e);
        }
    }

    /** A command word on one line: '%' and line breaks percent-encoded. */
    static String encode(String word) {
        return word.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D");
    }
}
