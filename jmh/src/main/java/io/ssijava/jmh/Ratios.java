package io.ssijava.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the ratios the design sets targets for from JMH JSON result files ({@code -rf json}):
 * agent/plain per kernel of {@link RewriteOverheadBenchmark} (target {@code <= 1.10}), and the raw round trips of
 * {@link TransportRoundTripBenchmark} that remote-fault and lock-transfer benchmarks are to be divided by.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.ssijava.jmh.Ratios result.json...}. Self-contained (a tiny JSON reader)
 * so that it needs nothing but a JDK.
 */
public final class Ratios
{
    private static final double REWRITE_TARGET = 1.10;

    private Ratios()
    {
    }

    /** One JMH result: benchmark method, parameters, score and its error. */
    private record Result(String className, String method, Map<String, String> params, double score, double error,
        String unit, Map<?, ?> percentiles)
    {
    }

    /**
     * Print the tables.
     *
     * @param args JMH JSON result files.
     * @throws IOException if a file cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length == 0)
        {
            System.err.println("usage: java -cp benchmarks.jar io.ssijava.jmh.Ratios jmh-result.json...");
            System.exit(2);
        }
        final List<Result> results = new ArrayList<>();
        for (final String file : args)
        {
            for (final Object o : (List<?>)new Json(Files.readString(Path.of(file))).value())
            {
                results.add(toResult((Map<?, ?>)o));
            }
        }
        printRewriteOverhead(results);
        printRoundTrips(results);
    }

    private static void printRewriteOverhead(final List<Result> results)
    {
        // kernel -> variant -> result
        final Map<String, Map<String, Result>> byKernel = new TreeMap<>();
        for (final Result r : results)
        {
            if (r.className.endsWith("RewriteOverheadBenchmark"))
            {
                byKernel.computeIfAbsent(r.method, k -> new TreeMap<>()).put(r.params.get("variant"), r);
            }
        }
        if (byKernel.isEmpty())
        {
            return;
        }
        System.out.printf(Locale.ROOT, "Single-node rewrite overhead (target agent/plain <= %.2f)%n", REWRITE_TARGET);
        System.out.printf(Locale.ROOT, "  %-8s %22s %22s %8s  %s%n", "kernel", "plain", "agent", "ratio", "");
        byKernel.forEach((kernel, variants) ->
        {
            final Result plain = variants.get("plain");
            final Result agent = variants.get("agent");
            if (plain != null && agent != null)
            {
                final double ratio = agent.score / plain.score;
                System.out.printf(Locale.ROOT, "  %-8s %22s %22s %7.3fx  %s%n", kernel, format(plain), format(agent),
                    ratio, ratio <= REWRITE_TARGET ? "ok" : "OVER TARGET");
            }
        });
        System.out.println();
    }

    private static void printRoundTrips(final List<Result> results)
    {
        boolean header = false;
        for (final Result r : results)
        {
            if (r.className.endsWith("TransportRoundTripBenchmark"))
            {
                if (!header)
                {
                    System.out.println("Raw transport round trip, 32 bytes (the baseline for remote faults <= 1.5x " +
                        "and lock transfers <= 2x)");
                    header = true;
                }
                System.out.printf(Locale.ROOT, "  %-22s mean %22s   p50 %8.2f   p99 %8.2f%n", "mode=" +
                    r.params.get("mode") + " wait=" + r.params.get("wait"), format(r), percentile(r, "50.0"),
                    percentile(r, "99.0"));
            }
        }
        if (header)
        {
            System.out.println();
        }
    }

    private static double percentile(final Result r, final String which)
    {
        return r.percentiles.get(which) instanceof Double d ? d : Double.NaN;
    }

    private static String format(final Result r)
    {
        return String.format(Locale.ROOT, "%.2f ± %.2f %s", r.score, r.error, r.unit);
    }

    private static Result toResult(final Map<?, ?> json)
    {
        final String benchmark = (String)json.get("benchmark");
        final int dot = benchmark.lastIndexOf('.');
        final Map<String, String> params = new LinkedHashMap<>();
        if (json.get("params") instanceof Map<?, ?> p)
        {
            p.forEach((k, v) -> params.put((String)k, String.valueOf(v)));
        }
        final Map<?, ?> metric = (Map<?, ?>)json.get("primaryMetric");
        final Object error = metric.get("scoreError");
        return new Result(benchmark.substring(0, dot), benchmark.substring(dot + 1), params,
            (Double)metric.get("score"), error instanceof Double d ? d : Double.NaN, (String)metric.get("scoreUnit"),
            metric.get("scorePercentiles") instanceof Map<?, ?> p ? p : Map.of());
    }

    /** A minimal JSON reader: objects, arrays, strings, numbers (as double), booleans and null. */
    private static final class Json
    {
        private final String s;
        private int i;

        Json(final String s)
        {
            this.s = s;
        }

        Object value()
        {
            skipSpace();
            final char c = s.charAt(i);
            switch (c)
            {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                default:
                    return literal();
            }
        }

        private Map<String, Object> object()
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (s.charAt(i) == '}')
            {
                i++;
                return map;
            }
            while (true)
            {
                skipSpace();
                final String key = string();
                skipSpace();
                expect(':');
                map.put(key, value());
                skipSpace();
                if (s.charAt(i++) == '}')
                {
                    return map;
                }
            }
        }

        private List<Object> array()
        {
            final List<Object> list = new ArrayList<>();
            i++;
            skipSpace();
            if (s.charAt(i) == ']')
            {
                i++;
                return list;
            }
            while (true)
            {
                list.add(value());
                skipSpace();
                if (s.charAt(i++) == ']')
                {
                    return list;
                }
            }
        }

        private String string()
        {
            expect('"');
            final StringBuilder out = new StringBuilder();
            while (true)
            {
                final char c = s.charAt(i++);
                if (c == '"')
                {
                    return out.toString();
                }
                if (c != '\\')
                {
                    out.append(c);
                    continue;
                }
                final char e = s.charAt(i++);
                switch (e)
                {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' ->
                    {
                        out.append((char)Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
        }

        private Object literal()
        {
            final int start = i;
            while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0)
            {
                i++;
            }
            final String word = s.substring(start, i);
            switch (word)
            {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    // JMH writes "NaN" (quoted) for missing errors, so unquoted words are numbers.
                    return Double.parseDouble(word);
            }
        }

        private void expect(final char c)
        {
            if (s.charAt(i++) != c)
            {
                throw new IllegalArgumentException("expected '" + c + "' at offset " + (i - 1));
            }
        }

        private void skipSpace()
        {
            while (Character.isWhitespace(s.charAt(i)))
            {
                i++;
            }
        }
    }
}
