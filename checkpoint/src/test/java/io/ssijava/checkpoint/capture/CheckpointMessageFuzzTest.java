package io.ssijava.checkpoint.capture;

import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.levels.Schedule;
import io.ssijava.dsm.JobClasses;
import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeRuntime;
import io.ssijava.dsm.WireOut;
import io.ssijava.threads.ClusterThreads;
import io.ssijava.threads.Placement;
import io.ssijava.transport.TransportConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * The checkpoint protocol's messages (pause, capture, resume, write), with empty, noisy, truncated and hostile
 * bodies, sent to node 0 by node 1 of a 2-node cluster in this JVM: node 0, which alone coordinates checkpoints,
 * refuses them all (none pauses it), reports them once per type, prints no stack trace, and still pauses node 1
 * for a checkpoint and lets it go on.
 */
class CheckpointMessageFuzzTest
{
    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void malformedCheckpointMessagesLeaveTheProtocolWorking() throws Exception
    {
        final PrintStream realErr = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final String job = "ckptfuzz-" + ProcessHandle.current().pid();
        final CheckpointConfig config = new CheckpointConfig(0, tmp.resolve("ck"), null, Schedule.DEFAULT, 2_000);
        final Node[] nodes = new Node[2];
        final Capture[] captures = new Capture[2];
        final List<CompletableFuture<Void>> started = new ArrayList<>();
        for (int i = 0; i < 2; i++)
        {
            nodes[i] = new Node(i, 2, new JobClasses(CheckpointMessageFuzzTest.class.getClassLoader()));
            final NodeRuntime runtime = new NodeRuntime(nodes[i]);
            final ClusterThreads threads = new ClusterThreads(runtime, Placement.named("spread", 2));
            captures[i] = Capture.start(runtime, threads, config, 0x5eed, false);
            final TransportConfig transport = TransportConfig.builder().mode(TransportConfig.Mode.IPC).nodeId(i)
                .nodeCount(2).jobId(job).connectTimeout(Duration.ofSeconds(20)).build();
            final Node n = nodes[i];
            started.add(CompletableFuture.runAsync(() -> n.start(transport)));
        }
        try
        {
            for (final CompletableFuture<Void> f : started)
            {
                f.get(30, TimeUnit.SECONDS);
            }
            final Node one = nodes[1];
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            final Random random = new Random(Long.getLong("ssi.fuzz.seed", 20261205L));
            for (int round = 0; round < 60; round++)
            {
                for (int type = CheckpointMessages.PAUSE; type <= CheckpointMessages.WRITE + 2; type++)
                {
                    final WireOut m = one.message((byte)type);
                    if (random.nextBoolean())
                    {
                        m.buffer().putLong(1, 1 + random.nextInt(1_000_000), java.nio.ByteOrder.LITTLE_ENDIAN);
                    }
                    switch (random.nextInt(4))
                    {
                        case 0 -> { }
                        case 1 -> m.putLong(random.nextInt(4) + 1);
                        case 2 -> m.putLong(random.nextInt(4) + 1).putLong(random.nextInt(50)).putBoolean(true);
                        default -> m.putInt(random.nextBoolean() ? Integer.MAX_VALUE : -1);
                    }
                    final byte[] noise = new byte[random.nextInt(32)];
                    random.nextBytes(noise);
                    m.putBytes(noise, 0, noise.length);
                    one.send(0, m);
                }
            }
            // none of it took: node 1 may not pause node 0, and node 0 still pauses node 1 and lets it go on
            final Node zero = nodes[0];
            final io.ssijava.dsm.SsiException refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.ssijava.dsm.SsiException.class, () -> one.call(0, one.message(CheckpointMessages.PAUSE)
                    .putLong(4242).putLong(1_000)));
            assertTrue(refused.getMessage().contains("checkpoint messages come from node 0 only"),
                refused.getMessage());
            final Participant.Answer paused = Participant.answer(zero.call(1, zero.message(CheckpointMessages.PAUSE)
                .putLong(4242).putLong(1_000)));
            assertTrue(paused.ok(), paused.why());
            zero.call(1, zero.message(CheckpointMessages.RESUME).putLong(4242));
        }
        finally
        {
            System.setErr(realErr);
            captures[1].close();
            captures[0].close();
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
        perType.forEach((type, n) -> assertEquals(1, n, "type " + type + " reported " + n + " times:\n" + err));
        assertFalse(err.contains("Exception in thread") || err.contains("\tat "), err);
        assertTrue(nodes[0].stats().malformedMessages.get() > 0, err);
    }
}
