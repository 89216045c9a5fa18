package io.ssijava.agent.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.ssijava.agent.http.LoopbackHttp;

import java.io.IOException;
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

    private final AtomicLong refused = new AtomicLong();
    private LoopbackHttp http;

    private MetricsEndpoint()
    {
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
        final MetricsEndpoint endpoint = new MetricsEndpoint();
        endpoint.http = LoopbackHttp.start(port, "ssi-metrics", exchange -> endpoint.handle(exchange, admits,
            metrics));
        return endpoint;
    }

    /** @return the port it serves on. */
    public int port()
    {
        return http.port();
    }

    private void handle(final HttpExchange exchange, final Predicate<String> admits, final Supplier<String> metrics)
        throws IOException
    {
        try (exchange)
        {
            if (!PATH.equals(exchange.getRequestURI().getPath()))
            {
                LoopbackHttp.answer(exchange, 404, "text/plain; charset=utf-8", "only " + PATH + " is served here\n");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                LoopbackHttp.answer(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
                return;
            }
            if (!LoopbackHttp.holdsSecret(exchange, admits))
            {
                final long n = refused.incrementAndGet();
                if (n == 1 || Long.bitCount(n) == 1)
                {
                    System.err.println("ssi-java: refused a metrics scrape without the job's secret (" + n +
                        " so far)");
                }
                return;
            }
            LoopbackHttp.answer(exchange, 200, MetricsText.CONTENT_TYPE, metrics.get());
        }
    }

    @Override
    public void close()
    {
        http.close();
    }
}
