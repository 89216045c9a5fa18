package io.ssijava.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportConfigTest
{
    private static final List<InetSocketAddress> TWO = List.of(
        new InetSocketAddress("127.0.0.1", 40100), new InetSocketAddress("127.0.0.1", 40101));

    @Test
    @Timeout(5)
    void shouldApplyDefaults()
    {
        final TransportConfig config = TransportConfig.builder().nodeId(1).endpoints(TWO).build();
        assertEquals(TransportConfig.Mode.UDP, config.mode());
        assertEquals(2, config.nodeCount());
        assertEquals(TransportConfig.HEARTBEAT_INTERVAL_DEFAULT, config.heartbeatInterval());
        assertEquals(TransportConfig.FAILURE_TIMEOUT_DEFAULT, config.failureTimeout());
        assertEquals(TransportConfig.CONNECT_TIMEOUT_DEFAULT, config.connectTimeout());
        assertEquals(TransportConfig.JOB_ID_DEFAULT, config.jobId());
        assertEquals(null, config.aeronDirectoryBase());
        assertEquals(config.toString(), config.toBuilder().build().toString());
    }

    @Test
    @Timeout(5)
    void shouldRejectInvalidOptionsNamingThem()
    {
        assertMessage("endpoints are required", TransportConfig.builder().nodeId(0).nodeCount(2));
        assertMessage("nodeId 2", TransportConfig.builder().nodeId(2).endpoints(TWO));
        assertMessage("duplicates", TransportConfig.builder().nodeId(0).endpoints(List.of(TWO.get(0), TWO.get(0))));
        assertMessage("unresolved", TransportConfig.builder().nodeId(0)
            .endpoints(List.of(InetSocketAddress.createUnresolved("nowhere.invalid", 1), TWO.get(1))));
        assertMessage("does not match", TransportConfig.builder().nodeId(0).nodeCount(3).endpoints(TWO));
        assertMessage("twice heartbeatInterval", TransportConfig.builder().nodeId(0).endpoints(TWO)
            .heartbeatInterval(Duration.ofSeconds(2)).failureTimeout(Duration.ofSeconds(3)));
        assertMessage("jobId", TransportConfig.builder().nodeId(0).endpoints(TWO).jobId("a/b"));
        assertMessage("termBufferLength", TransportConfig.builder().nodeId(0).endpoints(TWO).termBufferLength(100_000));
        assertMessage("connectTimeout",
            TransportConfig.builder().nodeId(0).endpoints(TWO).connectTimeout(Duration.ZERO));
        assertEquals(3, TransportConfig.builder().mode(TransportConfig.Mode.IPC).nodeId(2).nodeCount(3).build()
            .nodeCount());
    }

    private static void assertMessage(final String expected, final TransportConfig.Builder builder)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
