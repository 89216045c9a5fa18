package io.ssijava.threads;

import io.ssijava.dsm.JobClasses;
import io.ssijava.dsm.MessageTypes;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.WireOut;
import io.ssijava.transport.TransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thread protocol's messages (start, register, end, join, signals, moves, loads, listings, names), with empty,
 * noisy, truncated and hostile bodies, sent by another node of a 2-node cluster in this JVM: node 0 goes on serving,
 * reports a malformed message once per type and counts the rest, and prints no stack trace of its own.
 */
class ThreadMessageFuzzTest
{
    @Test
    @Timeout(90)
    void malformedThreadMessagesAreCountedReportedOnceAndLeaveTheNodeServing() throws Exception
    {
        final PrintStream realErr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final String job = "threadfuzz-" + ProcessHandle.current().pid();
        final Node[] nodes = new Node[2];
        final List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            nodes[i] = new Node(i, 2, new JobClasses(ThreadMessageFuzzTest.class.getClassLoader()));
            new ClusterThreads(new NodeRuntime(nodes[i]), Placement.named("spread", 2));
            final TransportConfig config = TransportConfig.builder().mode(TransportConfig.Mode.IPC).nodeId(i)
                .nodeCount(2).jobId(job).connectTimeout(Duration.ofSeconds(20)).build();
            final Node n = nodes[i];
            started.add(CompletableFuture.runAsync(() -> n.start(config)));
        }
        try
        {
            for (final CompletableFuture<Void> f : started)
            {
                f.get(30, TimeUnit.SECONDS);
            }
            final Node zero = nodes[0];
            final Node one = nodes[1];
            // node 0 names threads for the cluster: a request it answers before and after the fuzz
            assertTrue(one.call(0, one.message(ThreadMessages.THREAD_NAME)).getString().startsWith("Thread-"));

            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            final Random random = new Random(Long.getLong("ssi.fuzz.seed", 20261205L));
            int sent = 0;
            for (int round = 0; round < 60; round++)
            {
                for (int type = MessageTypes.FIRST_EXTENSION; type <= ThreadMessages.THREAD_NAME; type++)
                {
                    final WireOut m = one.message((byte)type);
                    if (random.nextBoolean())
                    {
                        m.buffer().putLong(1, 1 + random.nextInt(1_000_000), java.nio.ByteOrder.LITTLE_ENDIAN);
                    }
                    body(random, m);
                    one.send(0, m);
                    sent++;
                }
            }

            // node 0 goes on serving
            final String name = one.call(0, one.message(ThreadMessages.THREAD_NAME)).getString();
            assertTrue(name.startsWith("Thread-"), name);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (zero.stats().malformedMessages.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            final long malformed = zero.stats().malformedMessages.get();
            assertTrue(malformed > 0 && malformed <= sent, malformed + " of " + sent);
        }
        finally
        {
            System.setErr(realErr);
            nodes[1].close();
            nodes[0].close();
        }
        final String err = captured.toString(StandardCharsets.UTF_8);
        final Map<String, Integer> perType = new HashMap<>();
        final Matcher m = Pattern.compile("dropped (?:a )?message of type (-?\\d+) from node 1").matcher(err);
        while (m.find())
        {
            perType.merge(m.group(1), 1, Integer::sum);
        }
        assertFalse(perType.isEmpty(), err);
        perType.forEach((type, n) -> assertEquals(1, n, "type " + type + " reported " + n + " times:\n" + err));
        assertFalse(err.contains("Exception in thread") || err.contains("\tat "), err);
    }

    /** Noise, or noise behind a plausible handle, count, flag or name. */
    private static void body(final Random random, final WireOut m)
    {
        switch (random.nextInt(6))
        {
            case 0:
                return;
            case 1:
                m.putLong(random.nextInt(16));
                break;
            case 2:
                m.putLong(random.nextInt(16)).putInt(random.nextInt(8) - 2).putBoolean(random.nextBoolean());
                break;
            case 3:
                m.putString(random.nextBoolean() ? "worker" : "java.lang.Runtime");
                break;
            case 4:
                m.putInt(random.nextBoolean() ? Integer.MAX_VALUE : -1);
                break;
            default:
                break;
        }
        final byte[] noise = new byte[random.nextInt(48)];
        random.nextBytes(noise);
        m.putBytes(noise, 0, noise.length);
    }
}
