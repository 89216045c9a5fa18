package io.ssijava.agent.metrics;

import io.ssijava.dsm.NodeMetrics;
import io.ssijava.dsm.NodeMetrics.Metric;

import java.util.Locale;

/**
 * Every node's metrics in the plain text format that monitoring systems scrape (Prometheus' exposition format 0.0.4):
 * per metric a {@code # HELP} and a {@code # TYPE} line, then one line per node, labelled with the job and the node.
 * A node that did not answer has no line, and {@code ssi_node_up} says so.
 */
public final class MetricsText
{
    /** The media type of the format, for an HTTP answer. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PREFIX = "ssi_";

    private MetricsText()
    {
    }

    /**
     * @param job  the job's id.
     * @param rows per node, its sample (see {@link NodeMetrics#sample}); null for a node that did not answer.
     * @return the text, ending in a newline.
     */
    public static String render(final String job, final double[][] rows)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("# HELP ").append(PREFIX).append("node_up whether the node answered (1) or not (0)\n");
        sb.append("# TYPE ").append(PREFIX).append("node_up gauge\n");
        for (int n = 0; n < rows.length; n++)
        {
            line(sb, "node_up", job, n, rows[n] == null ? 0 : 1);
        }
        for (int m = 0; m < NodeMetrics.ALL.size(); m++)
        {
            final Metric metric = NodeMetrics.ALL.get(m);
            sb.append("# HELP ").append(PREFIX).append(metric.name()).append(' ').append(metric.help()).append('\n');
            sb.append("# TYPE ").append(PREFIX).append(metric.name()).append(' ')
                .append(metric.kind().name().toLowerCase(Locale.ROOT)).append('\n');
            for (int n = 0; n < rows.length; n++)
            {
                if (rows[n] != null)
                {
                    line(sb, metric.name(), job, n, rows[n][m]);
                }
            }
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final String name, final String job, final int node,
        final double value)
    {
        sb.append(PREFIX).append(name).append("{job=\"").append(escape(job)).append("\",node=\"").append(node)
            .append("\"} ").append(number(value)).append('\n');
    }

    /** Whole numbers without a fraction, the rest as Java prints doubles (which the format reads). */
    static String number(final double v)
    {
        if (v == Math.rint(v) && Math.abs(v) < 1e15)
        {
            return Long.toString((long)v);
        }
        return Double.toString(v);
    }

    private static String escape(final String label)
    {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
