package io.ssijava.agent.control;

import io.ssijava.checkpoint.CheckpointControl;
import io.ssijava.checkpoint.CheckpointControl.Summary;
import io.ssijava.checkpoint.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkpoint commands against a fake checkpoint service, and what other commands refuse before they act. */
@Timeout(10)
class ControlCommandsTest
{
    private static final Summary FIRST = new Summary(1, "1", 4096, 12, 80, 3, 250,
        Instant.parse("2024-03-05T10:15:30.789Z").toEpochMilli(), 0);
    private static final Summary SECOND = new Summary(2, "1MN", 123_456_789, 7, 1500, 11, 42_000,
        Instant.parse("2024-03-05T10:16:00Z").toEpochMilli(), 0);

    /** Answers checkpointNow with the next summary (or fails with the message given), and lists what it took. */
    private static final class FakeControl implements CheckpointControl
    {
        private final List<Summary> taken = new ArrayList<>();
        private final List<Summary> next;
        private final String failure;
        private int asked;

        FakeControl(final String failure, final Summary... next)
        {
            this.failure = failure;
            this.next = List.of(next);
        }

        @Override
        public Summary checkpointNow() throws CheckpointException
        {
            asked++;
            if (failure != null)
            {
                throw new CheckpointException(failure);
            }
            final Summary s = next.get(taken.size());
            taken.add(s);
            return s;
        }

        @Override
        public List<Summary> list()
        {
            return List.copyOf(taken);
        }
    }

    private static List<String> run(final CheckpointControl control, final String line)
    {
        final StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text))
        {
            new ControlCommands(null, control, null, "job1").run(line, out);
        }
        return List.of(text.toString().split("\\R"));
    }

    @Test
    void checkpointReportsWhatWasCommitted()
    {
        final FakeControl control = new FakeControl(null, SECOND);
        assertEquals(List.of("checkpoint 2 committed: levels 1MN, 123456789 bytes, paused 7 ms, took 1500 ms, " +
            "11 threads, 42000 objects", "OK"), run(control, "checkpoint"));
        assertEquals(1, control.asked);
    }

    @Test
    void checkpointThatFailsSaysWhyAndIsAnError()
    {
        final FakeControl control = new FakeControl("checkpoint 3 not taken: thread worker-3 reached no safe point");
        assertEquals(List.of("ERROR checkpoint 3 not taken: thread worker-3 reached no safe point"),
            run(control, "checkpoint"));
        assertEquals(1, control.asked);
    }

    @Test
    void checkpointsListsEveryCommittedOneOldestFirst()
    {
        final FakeControl control = new FakeControl(null, FIRST, SECOND);
        run(control, "checkpoint");
        run(control, "checkpoint");
        final List<String> lines = run(control, "checkpoints");
        assertEquals(4, lines.size(), lines.toString());
        assertEquals(List.of("ID", "LEVELS", "BYTES", "PAUSE_MS", "TOTAL_MS", "THREADS", "OBJECTS", "CREATED"),
            List.of(lines.get(0).split(" +")));
        // CREATED in UTC, to the second (the fake's first was taken at 10:15:30.789)
        assertEquals(List.of("1", "1", "4096", "12", "80", "3", "250", "2024-03-05T10:15:30Z"),
            List.of(lines.get(1).split(" +")));
        assertEquals(List.of("2", "1MN", "123456789", "7", "1500", "11", "42000", "2024-03-05T10:16:00Z"),
            List.of(lines.get(2).split(" +")));
        assertEquals("OK", lines.get(3));
        // the columns line up under the header
        assertEquals(lines.get(0).indexOf("CREATED"), lines.get(1).indexOf("2024-"));
        assertEquals(lines.get(0).indexOf("OBJECTS"), lines.get(2).indexOf("42000"));
    }

    @Test
    void checkpointsSaysSoWhenThereAreNone()
    {
        final List<String> lines = run(new FakeControl(null), "checkpoints");
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("ID "), lines.get(0));
        assertEquals("no checkpoints yet", lines.get(1));
        assertEquals("OK", lines.get(2));
    }

    @Test
    void checkpointCommandsTakeNoArguments()
    {
        final FakeControl control = new FakeControl(null, FIRST);
        assertEquals(List.of("ERROR usage: checkpoint (takes no arguments)"), run(control, "checkpoint now"));
        assertEquals(List.of("ERROR usage: checkpoints (takes no arguments)"), run(control, "checkpoints all"));
        assertEquals(0, control.asked);
    }

    @Test
    void withoutACheckpointServiceBothCommandsAreErrors()
    {
        assertEquals(List.of("ERROR this job has no checkpoint service"), run(null, "checkpoint"));
        assertEquals(List.of("ERROR this job has no checkpoint service"), run(null, "checkpoints"));
    }

    @Test
    void unknownCommandsListTheCheckpointCommands()
    {
        final List<String> lines = run(null, "snapshot");
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("ERROR unknown command \"snapshot\"; commands: status | threads | " +
            "nodes | "), lines.get(0));
        assertTrue(lines.get(0).endsWith(" | checkpoint | checkpoints | metrics | console | stop [STATUS]"), lines.get(0));
    }

    @Test
    void stopRefusesAStatusOutsideTheExitRange()
    {
        // refused before the job is reached: none is given here
        for (final String bad : List.of("256", "-1", "x", "1e3"))
        {
            assertEquals(List.of("ERROR the exit status must be a number from 0 to 255, not \"" + bad + "\""),
                run(null, "stop " + bad));
        }
        assertEquals(List.of("ERROR usage: stop [STATUS] (the job's exit status, 0 to 255; default 143)"),
            run(null, "stop 1 2"));
        assertEquals(List.of("ERROR usage: metrics (takes no arguments)"), run(null, "metrics now"));
        assertEquals(List.of("ERROR usage: status (takes no arguments)"), run(null, "status all"));
    }

    @Test
    void uptimeIsReadable()
    {
        assertEquals("4.2 s", ControlCommands.uptime(4_200_000_000L));
        assertEquals("3 min 05 s", ControlCommands.uptime(185_000_000_000L));
        assertEquals("2 h 03 min", ControlCommands.uptime((2 * 3600 + 3 * 60 + 59) * 1_000_000_000L));
    }

    @Test
    void formattingHelpersGiveTheCommandsLines()
    {
        assertEquals("checkpoint 1 committed: levels 1, 4096 bytes, paused 12 ms, took 80 ms, 3 threads, " +
            "250 objects", ControlCommands.committed(FIRST));
        assertTrue(ControlCommands.row(FIRST).endsWith(" 2024-03-05T10:15:30Z"), ControlCommands.row(FIRST));
    }
}
