package io.ssijava.agent.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * The web console ({@code ssi-java --console PORT}), served by node 0 on a loopback port: {@code /} is the page,
 * which holds no data; {@code /api/state} is the job's state as JSON ({@link ConsoleState}), only to a request that
 * carries the job's secret as a bearer token. The page takes the secret from its address's fragment (which browsers
 * never send) or from a form, and sends it only in that header.
 */
public final class ConsoleServer implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] page;

    private ConsoleServer(final HttpServer server, final ExecutorService executor, final byte[] page)
    {
        this.server = server;
        this.executor = executor;
        this.page = page;
    }

    /**
     * @param port   the loopback port (0: any free one).
     * @param admits whether a token is the job's secret.
     * @param state  the job's state.
     * @return the console, serving.
     * @throws IOException if the port cannot be bound or the page is missing.
     */
    public static ConsoleServer start(final int port, final Predicate<String> admits, final ConsoleState state)
        throws IOException
    {
        final byte[] page;
        try (InputStream in = ConsoleServer.class.getResourceAsStream("console.html"))
        {
            if (in == null)
            {
                throw new IOException("the console page is missing from the agent jar");
            }
            page = in.readAllBytes();
        }
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new io.ssijava.rt.NodeLocalThread(r, "ssi-console");
            t.setDaemon(true);
            return t;
        });
        final ConsoleServer console = new ConsoleServer(server, executor, page);
        server.createContext("/", exchange -> console.handle(exchange, admits, state));
        server.setExecutor(executor);
        server.start();
        return console;
    }

    /** @return the port it serves on. */
    public int port()
    {
        return server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange, final Predicate<String> admits, final ConsoleState state)
        throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET");
                answer(exchange, 405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final String path = exchange.getRequestURI().getPath();
            if (path.equals("/") || path.equals("/index.html"))
            {
                answer(exchange, 200, "text/html; charset=utf-8", page);
                return;
            }
            if (!path.equals("/api/state"))
            {
                answer(exchange, 404, "text/plain; charset=utf-8", "no such page\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !admits.test(auth.substring("Bearer ".length()).trim()))
            {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ssi-java\"");
                answer(exchange, 401, "text/plain; charset=utf-8",
                    "the job's secret is needed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            answer(exchange, 200, "application/json; charset=utf-8", state.json().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void answer(final HttpExchange exchange, final int code, final String type, final byte[] body)
        throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(body);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
