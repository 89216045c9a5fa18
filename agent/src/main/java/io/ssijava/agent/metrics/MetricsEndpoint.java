package io.ssijava.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Node 0's scrape endpoint ({@code --metrics-port PORT}): {@code GET /metrics} on a loopback port answers every
 * node's metrics in the text format (see {@link MetricsText}), to a scraper that sends the job's secret as a bearer
 * token ({@code Authorization: Bearer <secret>}, the secret as the job file holds it). Anything else is refused.
 */
public final class MetricsEndpoint implements AutoCloseable
{
    private static final String PATH = "/metrics";
    private static final String BEARER = "Bearer ";

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong refused = new AtomicLong();

    private MetricsEndpoint(final HttpServer server, final ExecutorService executor)
    {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param port    the loopback port to serve on (0 for any free one).
     * @param admits  whether a token is the job's secret.
     * @param metrics the text to answer, made anew for each scrape.
     * @return the endpoint, serving.
     * @throws IOException if the port cannot be bound.
     */
    public static MetricsEndpoint start(final int port, final Predicate<String> admits, final Supplier<String> metrics)
        throws IOException
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        // a runtime thread of this node: the program's thread placement must not take it
        final ExecutorService executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new io.ssijava.rt.NodeLocalThread(r, "ssi-metrics");
            t.setDaemon(true);
            return t;
        });
        final MetricsEndpoint endpoint = new MetricsEndpoint(server, executor);
        server.createContext("/", exchange -> endpoint.handle(exchange, admits, metrics));
        server.setExecutor(executor);
        server.start();
        return endpoint;
    }

    /** @return the port it serves on. */
    public int port()
    {
        return server.getAddress().getPort();
    }

    private void handle(final HttpExchange exchange, final Predicate<String> admits, final Supplier<String> metrics)
        throws IOException
    {
        try (exchange)
        {
            if (!PATH.equals(exchange.getRequestURI().getPath()))
            {
                answer(exchange, 404, "only " + PATH + " is served here\n");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                answer(exchange, 405, "only GET\n");
                return;
            }
            final String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith(BEARER) || !admits.test(auth.substring(BEARER.length()).trim()))
            {
                final long n = refused.incrementAndGet();
                if (n == 1 || Long.bitCount(n) == 1)
                {
                    System.err.println("ssi-java: refused a metrics scrape without the job's secret (" + n +
                        " so far)");
                }
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ssi-java\"");
                answer(exchange, 401, "the job's secret is needed, as a bearer token (it is in the job file)\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", MetricsText.CONTENT_TYPE);
            answer(exchange, 200, metrics.get());
        }
    }

    private static void answer(final HttpExchange exchange, final int code, final String text) throws IOException
    {
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
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
