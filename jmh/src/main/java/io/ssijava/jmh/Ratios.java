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
 * <ul>
 *   <li>agent/plain per kernel of {@link RewriteOverheadBenchmark} (target {@code <= 1.10}), and agent/nocapture
 *   (the continuation checks alone, target {@code <= 1.05});</li>
 *   <li>jdk/plain per operation of {@link JdkCollectionsBenchmark} (target {@code <= 1.2});</li>
 *   <li>the raw round trips of {@link TransportRoundTripBenchmark};</li>
 *   <li>remote fault ({@code io.ssijava.dsm.RemoteFaultBenchmark.fault}) / raw round trip, {@code wait=park}, same
 *   mode (target {@code <= 1.5});</li>
 *   <li>lock transfer ({@code io.ssijava.dsm.LockTransferBenchmark.pingPong}) / raw round trip, {@code wait=park},
 *   same mode (target {@code <= 2});</li>
 *   <li>owned re-acquire / local {@code synchronized} ({@code io.ssijava.dsm.OwnedLockBenchmark}, target
 *   {@code <= 1.5}).</li>
 * </ul>
 * Ratios are of the means (the scores); for the sampled benchmarks the ratio of the medians is printed alongside.
 * <p>
 * Usage: {@code java -cp benchmarks.jar io.ssijava.jmh.Ratios result.json...}. Self-contained (a tiny JSON reader)
 * so that it needs nothing but a JDK.
 */
public final class Ratios
{
    private static final double REWRITE_TARGET = 1.10;
    /** Capture readiness (the continuation checks) when no capture is asked, against the same rewriting without them. */
    private static final double CAPTURE_TARGET = 1.05;
    private static final double JDK_TARGET = 1.2;
    private static final double FAULT_TARGET = 1.5;
    private static final double TRANSFER_TARGET = 2.0;
    private static final double OWNED_TARGET = 1.5;

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
        printVariants(results, "JdkCollectionsBenchmark", "plain", "jdk", String.format(Locale.ROOT,
            "Uncontended JDK collections and java.util.concurrent, instrumented JDK / plain (target <= %.1f)",
            JDK_TARGET), JDK_TARGET);
        printRoundTrips(results);
        printAgainstRoundTrip(results, "RemoteFaultBenchmark", "fault", "Remote fault of a small object", FAULT_TARGET);
        printAgainstRoundTrip(results, "LockTransferBenchmark", "pingPong",
            "Lock acquire+release, token last held on the other node", TRANSFER_TARGET);
        printOwnedLock(results);
    }

    /** A protocol benchmark (per mode) divided by the {@code wait=park} round trip of the same mode. */
    private static void printAgainstRoundTrip(final List<Result> results, final String benchmark, final String method,
        final String title, final double target)
    {
        final Map<String, Result> roundTrips = new TreeMap<>();
        final Map<String, Result> measured = new TreeMap<>();
        for (final Result r : results)
        {
            if (r.className.endsWith("TransportRoundTripBenchmark") && "park".equals(r.params.get("wait")))
            {
                roundTrips.put(r.params.get("mode"), r);
            }
            else if (r.className.endsWith("." + benchmark) && r.method.equals(method))
            {
                measured.put(r.params.get("mode"), r);
            }
        }
        if (measured.isEmpty())
        {
            return;
        }
        System.out.printf(Locale.ROOT, "%s / raw round trip (wait=park, same mode; target <= %.1fx)%n", title, target);
        System.out.printf(Locale.ROOT, "  %-5s %28s %24s %8s  %-11s %s%n", "mode", benchmark + "." + method,
            "round trip", "ratio", "", "p50 ratio");
        measured.forEach((mode, r) ->
        {
            final Result rt = roundTrips.get(mode);
            if (rt == null)
            {
                System.out.printf(Locale.ROOT, "  %-5s %28s %24s   (no TransportRoundTripBenchmark mode=%s wait=park " +
                    "result to divide by)%n", mode, format(r), "-", mode);
                return;
            }
            if (!r.unit.equals(rt.unit))
            {
                System.out.printf(Locale.ROOT, "  %-5s units differ: %s vs %s%n", mode, r.unit, rt.unit);
                return;
            }
            final double ratio = r.score / rt.score;
            System.out.printf(Locale.ROOT, "  %-5s %28s %24s %7.2fx  %-11s %.2fx (%.1f / %.1f)%n", mode, format(r),
                format(rt), ratio, ratio <= target ? "ok" : "OVER TARGET", percentile(r, "50.0") /
                percentile(rt, "50.0"), percentile(r, "50.0"), percentile(rt, "50.0"));
        });
        System.out.println();
    }

    /** Owned cluster-lock re-acquire / local synchronized. */
    private static void printOwnedLock(final List<Result> results)
    {
        Result owned = null;
        Result local = null;
        for (final Result r : results)
        {
            if (r.className.endsWith(".OwnedLockBenchmark"))
            {
                if (r.method.equals("ownedClusterLock"))
                {
                    owned = r;
                }
                else if (r.method.equals("localSynchronized"))
                {
                    local = r;
                }
            }
        }
        if (owned == null || local == null || !owned.unit.equals(local.unit))
        {
            return;
        }
        final double ratio = owned.score / local.score;
        System.out.printf(Locale.ROOT, "Re-acquire of an owned cluster lock / local synchronized (target <= %.1fx)%n",
            OWNED_TARGET);
        System.out.printf(Locale.ROOT, "  owned %s, local %s: %.2fx  %s%n%n", format(owned), format(local), ratio,
            ratio <= OWNED_TARGET ? "ok" : "OVER TARGET");
    }

    private static void printRewriteOverhead(final List<Result> results)
    {
        printVariants(results, "RewriteOverheadBenchmark", "plain", "agent", String.format(Locale.ROOT,
            "Single-node rewrite overhead (target agent/plain <= %.2f)", REWRITE_TARGET), REWRITE_TARGET);
        printVariants(results, "RewriteOverheadBenchmark", "nocapture", "agent", String.format(Locale.ROOT,
            "Capture readiness: continuation checks, no capture asked (target agent/nocapture <= %.2f)",
            CAPTURE_TARGET), CAPTURE_TARGET);
    }

    /** One line per benchmark method: the {@code variant} parameter's value against {@code base}. */
    private static void printVariants(final List<Result> results, final String benchmark, final String base,
        final String variant, final String title, final double target)
    {
        // method -> variant -> result
        final Map<String, Map<String, Result>> byMethod = new TreeMap<>();
        for (final Result r : results)
        {
            if (r.className.endsWith(benchmark))
            {
                byMethod.computeIfAbsent(r.method, k -> new TreeMap<>()).put(r.params.get("variant"), r);
            }
        }
        if (byMethod.isEmpty())
        {
            return;
        }
        System.out.println(title);
        System.out.printf(Locale.ROOT, "  %-24s %22s %22s %8s  %s%n", "benchmark", base, variant, "ratio", "");
        byMethod.forEach((method, variants) ->
        {
            final Result plain = variants.get(base);
            final Result other = variants.get(variant);
            if (plain != null && other != null)
            {
                final double ratio = other.score / plain.score;
                System.out.printf(Locale.ROOT, "  %-24s %22s %22s %7.3fx  %s%n", method, format(plain), format(other),
                    ratio, ratio <= target ? "ok" : "OVER TARGET");
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
