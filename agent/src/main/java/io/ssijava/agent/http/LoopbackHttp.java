package io.ssijava.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A small HTTP server of node 0, on a loopback port unless asked otherwise (the JDK's jdk.httpserver), for the scrape
 * endpoint and the console: one runtime thread answers, and what is not public needs the job's secret as a bearer
 * token.
 */
public final class LoopbackHttp implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService executor;

    private LoopbackHttp(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param port    the loopback port (0: any free one).
     * @param thread  the name of the thread that answers.
     * @param handler what answers every request.
     * @return the server, serving.
     * @throws IOException if the port cannot be bound.
     */
    public static LoopbackHttp start(final int port, final String thread, final HttpHandler handler)
        throws IOException
    {
        return start(InetAddress.getLoopbackAddress(), port, thread, handler);
    }

    /**
     * As {@link #start(int, String, HttpHandler)}, on another address than loopback (the console, when asked).
     *
     * @param bind the address to listen on.
     */
    public static LoopbackHttp start(final InetAddress bind, final int port, final String thread,
        final HttpHandler handler) throws IOException
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 8);
        // a runtime thread of this node: the program's thread placement must not take it
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
            new io.ssijava.rt.NodeLocalThread(r, thread));
        server.createContext("/", handler);
        server.setExecutor(executor);
        // its dispatcher thread takes the daemon state of the thread that starts it: started from main it would
        // keep the job's JVM alive after the program ends
        final Thread starter = new io.ssijava.rt.NodeLocalThread(server::start, thread + "-start");
        starter.start();
        try
        {
            starter.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            server.stop(0);
            executor.shutdownNow();
            throw new IOException("interrupted while starting " + thread);
        }
        return new LoopbackHttp(server, executor);
    }

    /** @return the port it serves on. */
    public int port()
    {
        return server.getAddress().getPort();
    }

    /** @return the address of its root, e.g. {@code http://127.0.0.1:4242/}. */
    public String root()
    {
        final InetAddress a = server.getAddress().getAddress();
        String host = a.isAnyLocalAddress() ? "localhost" : a.getHostAddress();
        if (a.isAnyLocalAddress())
        {
            try
            {
                host = InetAddress.getLocalHost().getHostName();
            }
            catch (final IOException ex)
            {
                // localhost, then
            }
        }
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    /**
     * @return whether the request carries the job's secret as a bearer token; if not, it has been answered 401.
     */
    public static boolean holdsSecret(final HttpExchange exchange, final Predicate<String> admits) throws IOException
    {
        final String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Bearer ") && admits.test(auth.substring("Bearer ".length()).trim()))
        {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ssi-java\"");
        answer(exchange, 401, "text/plain; charset=utf-8",
            "the job's secret is needed, as a bearer token (it is in the job file)\n");
        return false;
    }

    /** Answers text. */
    public static void answer(final HttpExchange exchange, final int code, final String type, final String text)
        throws IOException
    {
        answer(exchange, code, type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers a body (none to a HEAD request), never to be cached. */
    public static void answer(final HttpExchange exchange, final int code, final String type, final byte[] body)
        throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : body.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
