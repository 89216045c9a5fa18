package io.ssijava.agent.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job's control point, served by node 0 on a loopback TCP port: {@code ssi-java status|threads|nodes|migrate|
 * placement|checkpoint|checkpoints|metrics|stop} from another terminal connect here. A connection first proves it
 * holds the job's secret (from the job file, which only the job's owner can read), then sends one command line; the
 * answer is text lines, the last of which is {@code OK}, {@code PENDING <why>} or {@code ERROR <why>}.
 * <pre>
 *   SSI-CONTROL 1 &lt;secret&gt;
 *   migrate worker-1 1
 * </pre>
 */
public final class ControlServer
{
    static final String GREETING = "SSI-CONTROL 1 ";
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_LINE = 4096;

    private final ControlCommands commands;
    private final byte[] secret;
    private final ServerSocket socket;
    private final AtomicLong refused = new AtomicLong();
    private JobFile file;

    private ControlServer(final ControlCommands commands, final byte[] secret, final ServerSocket socket)
    {
        this.commands = commands;
        this.secret = secret;
        this.socket = socket;
    }

    /**
     * Opens the control port, writes the job file and starts serving.
     *
     * @param job      the job id.
     * @param nodes    nodes in the job.
     * @param commands what the commands do.
     * @param given    the job's secret, which its nodes prove to each other; null: one of the control point's own.
     * @return the server, serving.
     */
    public static ControlServer start(final String job, final int nodes, final ControlCommands commands,
        final byte[] given) throws IOException
    {
        final byte[] secret = given != null ? given.clone() : new byte[32];
        if (given == null)
        {
            new SecureRandom().nextBytes(secret);
        }
        final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        final ControlServer server = new ControlServer(commands, secret, socket);
        final Properties fields = new Properties();
        fields.setProperty("job", job);
        fields.setProperty("host", socket.getInetAddress().getHostAddress());
        fields.setProperty("port", Integer.toString(socket.getLocalPort()));
        fields.setProperty("secret", HexFormat.of().formatHex(secret));
        fields.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        fields.setProperty("nodes", Integer.toString(nodes));
        fields.setProperty("main", mainClass());
        fields.setProperty("started", Instant.now().toString());
        server.file = JobFile.write(job, fields);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ssi-control-close"));
        final Thread t = new io.ssijava.rt.NodeLocalThread(server::serve, "ssi-control");
        t.setDaemon(true);
        t.start();
        return server;
    }

    /** @return the program's main class (or jar), as the JVM was told it. */
    static String mainClass()
    {
        final String command = System.getProperty("sun.java.command", "");
        final int space = command.indexOf(' ');
        return space < 0 ? command : command.substring(0, space);
    }

    /** @return the job file's path. */
    public java.nio.file.Path jobFile()
    {
        return file.path();
    }

    private void serve()
    {
        while (!socket.isClosed())
        {
            try (Socket s = socket.accept())
            {
                handle(s);
            }
            catch (final IOException ex)
            {
                if (!socket.isClosed())
                {
                    System.err.println("ssi-java: control connection failed: " + ex.getMessage());
                }
            }
        }
    }

    /** One command at a time: commands are rare and quick, and a slow client cannot hold it for long. */
    private void handle(final Socket s) throws IOException
    {
        s.setSoTimeout(READ_TIMEOUT_MS);
        final BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
        try
        {
            final String hello = readLine(in);
            if (hello == null || !hello.startsWith(GREETING) || !holdsSecret(hello.substring(GREETING.length())))
            {
                final long n = refused.incrementAndGet();
                if (n == 1 || Long.bitCount(n) == 1)
                {
                    System.err.println("ssi-java: refused a control connection without the job's secret (" + n +
                        " so far)");
                }
                out.println("ERROR wrong secret: this job's file is " + file.path());
                return;
            }
            final String command = readLine(in);
            if (command == null)
            {
                out.println("ERROR no command");
                return;
            }
            commands.run(command.trim(), out);
        }
        catch (final SocketTimeoutException ex)
        {
            out.println("ERROR timed out waiting for the command");
        }
        catch (final RuntimeException ex)
        {
            out.println("ERROR " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        }
        finally
        {
            out.flush();
        }
    }

    /** @return the job's secret in hex, as the job file holds it (for the console's address). */
    public String secretHex()
    {
        return HexFormat.of().formatHex(secret);
    }

    /** @return whether a token (hex, as the job file holds it) is the job's secret: for the scrape endpoint. */
    public boolean admits(final String given)
    {
        return holdsSecret(given);
    }

    private boolean holdsSecret(final String given)
    {
        final byte[] bytes;
        try
        {
            bytes = HexFormat.of().parseHex(given.trim());
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
        return MessageDigest.isEqual(secret, bytes);
    }

    private static String readLine(final BufferedReader in) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n')
        {
            if (sb.length() >= MAX_LINE)
            {
                throw new IllegalArgumentException("line longer than " + MAX_LINE + " characters");
            }
            sb.append((char)c);
        }
        return c < 0 && sb.length() == 0 ? null : sb.toString().strip();
    }

    /** @return control connections refused for want of the secret. */
    public long refused()
    {
        return refused.get();
    }

    /** Stops serving and removes the job file. */
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
        if (file != null)
        {
            file.delete();
        }
    }
}
