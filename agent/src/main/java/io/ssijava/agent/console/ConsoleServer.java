package io.ssijava.agent.console;

import com.sun.net.httpserver.HttpExchange;
import io.ssijava.agent.http.LoopbackHttp;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Predicate;

/**
 * The web console ({@code ssi-java --console PORT}), served by node 0 on a loopback port (another address only with
 * {@code --console-bind}): {@code /} is the page,
 * which holds no data; {@code /api/state} is the job's state as JSON ({@link ConsoleState}), only to a request that
 * carries the job's secret as a bearer token. The page takes the secret from its address's fragment (which browsers
 * never send) or from a form, and sends it only in that header.
 */
public final class ConsoleServer implements AutoCloseable
{
    private static final String TEXT = "text/plain; charset=utf-8";

    private final byte[] page;
    private LoopbackHttp http;

    private ConsoleServer(final byte[] page)
    {
        this.page = page;
    }

    /**
     * @param bind   the address to listen on (loopback unless the user asks otherwise).
     * @param port   the port (0: any free one).
     * @param admits whether a token is the job's secret.
     * @param state  the job's state.
     * @return the console, serving.
     * @throws IOException if the port cannot be bound or the page is missing.
     */
    public static ConsoleServer start(final java.net.InetAddress bind, final int port, final Predicate<String> admits,
        final ConsoleState state) throws IOException
    {
        try (InputStream in = ConsoleServer.class.getResourceAsStream("console.html"))
        {
            if (in == null)
            {
                throw new IOException("the console page is missing from the agent jar");
            }
            final ConsoleServer console = new ConsoleServer(in.readAllBytes());
            console.http = LoopbackHttp.start(bind, port, "ssi-console", exchange -> console.handle(exchange,
                admits, state));
            return console;
        }
    }

    /** @return the address of the page. */
    public String root()
    {
        return http.root();
    }

    private void handle(final HttpExchange exchange, final Predicate<String> admits, final ConsoleState state)
        throws IOException
    {
        try (exchange)
        {
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET");
                LoopbackHttp.answer(exchange, 405, TEXT, "only GET\n");
                return;
            }
            final String path = exchange.getRequestURI().getPath();
            if (path.equals("/") || path.equals("/index.html"))
            {
                LoopbackHttp.answer(exchange, 200, "text/html; charset=utf-8", page);
            }
            else if (!path.equals("/api/state"))
            {
                LoopbackHttp.answer(exchange, 404, TEXT, "no such page\n");
            }
            else if (LoopbackHttp.holdsSecret(exchange, admits))
            {
                LoopbackHttp.answer(exchange, 200, "application/json; charset=utf-8", state.json());
            }
        }
    }

    @Override
    public void close()
    {
        http.close();
    }
}
