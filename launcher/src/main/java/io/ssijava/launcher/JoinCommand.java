package io.ssijava.launcher;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code ssi-java node --join HOST:PORT --secret-file FILE}: starts a node on this machine for a job that waits for
 * its nodes ({@code ssi-java --nodes N --join-port PORT --secret-file FILE}, on another). It proves the job's secret
 * to node 0, tells it the UDP port it will listen on, waits until every node has joined, then runs the command node
 * 0 gives (node 0's own, as this node; the java, agent and class path must be at the same paths here) and exits
 * with its status. A job that runs takes a node in by restarting from a checkpoint on one node more; its nodes, and
 * one whose job stops to be restored after the loss of another, join it again at the same port. See the agent's
 * JoinServer for the protocol.
 */
final class JoinCommand {

    static final String NAME = "node";
    private static final String PREFIX = "ssi-java: ";
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** How long a node that joins again waits for the restored job to open its port. */
    private static final long REJOIN_WAIT_MS = 120_000;
    private static final long RETRY_MS = 300;

    private JoinCommand() {
    }

    /** @return the node's exit status; 2 for a usage error, 1 when the job refused it or could not be reached */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String join = null;
        Path secretFile = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(HelpText.joinHelp());
                return 0;
            } else if (a.equals("--join") && i + 1 < args.length) {
                join = args[++i];
            } else if (a.startsWith("--join=")) {
                join = a.substring("--join=".length());
            } else if (a.equals("--secret-file") && i + 1 < args.length) {
                secretFile = Path.of(args[++i]);
            } else if (a.startsWith("--secret-file=")) {
                secretFile = Path.of(a.substring("--secret-file=".length()));
            } else {
                err.println(PREFIX + "node: unknown or incomplete option '" + a + "'");
                err.print(HelpText.joinHelp());
                return 2;
            }
        }
        if (join == null || secretFile == null) {
            err.println(PREFIX + "node needs --join HOST:PORT and --secret-file FILE");
            err.print(HelpText.joinHelp());
            return 2;
        }
        int colon = join.lastIndexOf(':');
        if (colon <= 0 || !join.substring(colon + 1).matches("\\d{1,5}")) {
            err.println(PREFIX + "--join needs HOST:PORT, not '" + join + "'");
            return 2;
        }
        byte[] secret;
        try {
            secret = readSecret(secretFile);
        } catch (IllegalArgumentException e) {
            err.println(PREFIX + e.getMessage());
            return 2;
        }
        String host = join.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(join.substring(colon + 1));
        boolean again = false;
        while (true) {
            Answer a = join(host, port, join, secret, again, err);
            if (a.status >= 0) {
                return a.status;
            }
            int status = runNode(a.command, secret, err);
            if (status != Recovery.RECOVERABLE && status != Recovery.RESIZE) {
                return status;
            }
            // the job stopped to be restored from a checkpoint (a node was lost, or one joins): it waits for its
            // nodes at the same port again
            err.println(PREFIX + "the job stopped to be restored" + (status == Recovery.RESIZE ? " with another node"
                    : " without a lost node") + "; joining it again at " + join);
            again = true;
        }
    }

    /** A join's outcome: the command to run as the node, or the status to exit with. */
    private record Answer(List<String> command, int status) {
    }

    /**
     * Joins the job at the port. Joining again (after the job stopped to be restored, or to take this node in),
     * a port that is not open yet, or one whose job still runs, is tried again for up to {@link #REJOIN_WAIT_MS}.
     */
    private static Answer join(String host, int port, String join, byte[] secret, boolean again, PrintStream err) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(REJOIN_WAIT_MS);
        boolean retry = again;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8));
                Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
                String hello = in.readLine();
                String[] words = hello == null ? new String[0] : hello.split(" ");
                if (words.length != 4 || !words[0].equals("SSI-JOIN") || !words[1].equals("1")) {
                    err.println(PREFIX + join + " is not the join port of an ssi-java job");
                    return new Answer(null, 1);
                }
                int udpPort;
                try (DatagramSocket probe = new DatagramSocket(0, s.getLocalAddress())) {
                    udpPort = probe.getLocalPort();
                }
                w.write("JOIN " + proof(secret, words[2], words[3]) + " " + udpPort + "\n");
                w.flush();
                Reply r = awaitCommand(in, words[2], err, retry);
                if (r.command != null) {
                    return new Answer(r.command, -1);
                }
                if (!r.retry) {
                    return new Answer(null, 1);
                }
                retry = true; // the job takes this node in: it restarts, and waits for its nodes
            } catch (IOException e) {
                if (!retry) {
                    err.println(PREFIX + "cannot join the job at " + join + ": " + e.getMessage());
                    return new Answer(null, 1);
                }
            }
            if (System.nanoTime() > deadline) {
                err.println(PREFIX + "the job at " + join + " did not wait for its nodes again within "
                        + REJOIN_WAIT_MS / 1000 + " s");
                return new Answer(null, 1);
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Answer(null, 1);
            }
        }
    }

    private static int runNode(List<String> command, byte[] secret, PrintStream err) {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("SSI_JAVA_SECRET", HexFormat.of().formatHex(secret));
        try {
            Process p = pb.start();
            return p.waitFor();
        } catch (IOException e) {
            err.println(PREFIX + "cannot start the node (" + command.get(0) + "): " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** What node 0 answered: the node's command; or none, and whether to try again. */
    private record Reply(List<String> command, boolean retry) {
    }

    /**
     * Reads node 0's answer. Joining again, a refusal because the job still runs is to be tried again: its node 0
     * has not stopped yet.
     */
    private static Reply awaitCommand(BufferedReader in, String job, PrintStream err, boolean again)
            throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("WAIT ")) {
                String more = line.substring("WAIT ".length());
                err.println(PREFIX + "joined job " + job + (more.equals("0") ? "" : "; waiting for " + more
                        + " more node" + (more.equals("1") ? "" : "s")));
            } else if (line.startsWith("RESTART ")) {
                err.println(PREFIX + "job " + job + " takes this node in: " + line.substring("RESTART ".length()));
                return new Reply(null, true);
            } else if (line.startsWith("ERROR ")) {
                String why = line.substring("ERROR ".length());
                if (again && why.contains(" is running with all its ")) {
                    return new Reply(null, true);
                }
                err.println(PREFIX + "job " + job + " refused this node: " + why);
                return new Reply(null, false);
            } else if (line.startsWith("NODE ")) {
                String[] w = line.split(" ");
                int n = Integer.parseInt(w[2]);
                List<String> command = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String word = in.readLine();
                    if (word == null) {
                        break;
                    }
                    command.add(decode(word));
                }
                if (command.size() != n || n == 0) {
                    break;
                }
                err.println(PREFIX + "starting node " + w[1] + " of job " + job);
                return new Reply(command, false);
            }
        }
        err.println(PREFIX + "job " + job + " closed the connection before this node could start");
        return new Reply(null, again);
    }

    static String decode(String word) {
        return word.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%");
    }

    /** The answer to node 0's challenge, as the agent's JoinServer checks it: HMAC-SHA256 of join|JOB|NONCE. */
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

    /** The secret as the agent reads -Dssi.secret.file: the file's text, stripped; only its owner may read it. */
    static byte[] readSecret(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IllegalArgumentException("the secret file " + file + " may be read by others than its "
                        + "owner (chmod 600 it)");
            }
            byte[] s = Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
            if (s.length < 16) {
                throw new IllegalArgumentException("the secret file " + file + " holds " + s.length
                        + " bytes; a secret needs at least 16");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the secret file " + file + ": " + e);
        }
    }
}
