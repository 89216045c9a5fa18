package io.ssijava.agent.metrics;

import io.ssijava.dsm.NodeMetrics;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scrape format of every node's metrics, and a sample's way between nodes. */
class MetricsTextTest
{
    private static double[] sample(final double base)
    {
        final double[] v = new double[NodeMetrics.ALL.size()];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = base + i;
        }
        return v;
    }

    @Test
    void everyMetricHasHelpTypeAndOneLinePerAnsweringNode()
    {
        final double[] zero = sample(100);
        zero[3] = 0.25; // thread_move_seconds_total: a fraction
        final String text = MetricsText.render("3fa\"b", new double[][] {zero, null, sample(200)});
        final List<String> lines = text.lines().toList();
        assertEquals(2 + 3 + NodeMetrics.ALL.size() * (2 + 2), lines.size(), text);
        assertEquals(List.of("# HELP ssi_node_up whether the node answered (1) or not (0)", "# TYPE ssi_node_up gauge",
            "ssi_node_up{job=\"3fa\\\"b\",node=\"0\"} 1", "ssi_node_up{job=\"3fa\\\"b\",node=\"1\"} 0",
            "ssi_node_up{job=\"3fa\\\"b\",node=\"2\"} 1"), lines.subList(0, 5));
        assertTrue(text.contains("# TYPE ssi_remote_faults_total counter\n"), text);
        assertTrue(text.contains("# TYPE ssi_heap_used_bytes gauge\n"), text);
        assertTrue(text.contains("ssi_thread_move_seconds_total{job=\"3fa\\\"b\",node=\"0\"} 0.25\n"), text);
        final int faults = NodeMetrics.ALL.indexOf(NodeMetrics.ALL.stream()
            .filter(m -> m.name().equals("remote_faults_total")).findFirst().orElseThrow());
        assertTrue(text.contains("ssi_remote_faults_total{job=\"3fa\\\"b\",node=\"2\"} " + (200 + faults) + "\n"),
            text);
        assertTrue(!text.contains("node=\"1\"} " + 101), "a node that did not answer has no values: " + text);
        assertTrue(text.endsWith("\n"));
    }

    @Test
    void namesFollowTheFormatsRules()
    {
        for (final NodeMetrics.Metric m : NodeMetrics.ALL)
        {
            assertTrue(m.name().matches("[a-z][a-z_]*[a-z]"), m.name());
            assertEquals(m.kind() == NodeMetrics.Kind.COUNTER, m.name().endsWith("_total"), m.name());
            assertTrue(!m.help().contains("\n"), m.name());
        }
        assertEquals(NodeMetrics.ALL.size(), NodeMetrics.ALL.stream().map(NodeMetrics.Metric::name).distinct().count());
    }

    @Test
    void numbersAreWholeWhenTheyAre()
    {
        assertEquals("123456789012", MetricsText.number(123_456_789_012d));
        assertEquals("0", MetricsText.number(0));
        assertEquals("1.5", MetricsText.number(1.5));
        assertEquals("1.0E20", MetricsText.number(1e20));
    }

    @Test
    void aSampleCrossesTheWireWhole()
    {
        final double[] v = sample(7);
        v[3] = 0.000123;
        final WireOut out = NodeMetrics.write(new WireOut(), v);
        final byte[] bytes = out.toBytes();
        assertArrayEquals(v, NodeMetrics.read(new WireIn(bytes, 0, bytes.length)));
    }
}
