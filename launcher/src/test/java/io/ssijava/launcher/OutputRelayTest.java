package io.ssijava.launcher;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputRelayTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final OutputRelay relay = new OutputRelay(out, new PrintStream(err, true, StandardCharsets.UTF_8));

    private void run(String printed, long start) {
        relay.copy(new ByteArrayInputStream(printed.getBytes(StandardCharsets.UTF_8)), () -> start);
    }

    private String shown() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRestoredJobShowsOnlyWhatTheFailedOneHadNotShown() {
        run("round 0\nround 1\nround 2\n", 0);
        assertEquals(24, relay.shown());
        // its checkpoint was taken after round 0: rounds 1 and 2 come again
        run("round 1\nround 2\nround 3\ndone\n", 8);
        assertEquals("round 0\nround 1\nround 2\nround 3\ndone\n", shown());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("printed again 16 bytes"), err::toString);
    }

    @Test
    void aRestoreFromWhereTheOutputEndedDropsNothing() {
        run("a\n", 0);
        run("b\n", 2);
        assertEquals("a\nb\n", shown());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStartPastWhatWasShownNeverSkipsAhead() {
        run("a\n", 0);
        // a checkpoint cannot be ahead of what was shown; if told so, nothing is dropped and nothing lost
        run("b\n", 10);
        assertEquals("a\nb\n", shown());
    }

    /** What a node of a run prints after that run's node 0 ended (a stale node that came back) is never shown. */
    @Test
    void outputOfAStoppedRunIsFencedOnceItsNode0Ended() throws Exception {
        java.io.PipedOutputStream node = new java.io.PipedOutputStream();
        java.io.PipedInputStream pipe = new java.io.PipedInputStream(node);
        OutputRelay.Relaying run = relay.relay(pipe, () -> 0);
        node.write("round 0\n".getBytes(StandardCharsets.UTF_8));
        node.flush();
        run.finish(10_000); // as after node 0 ended: the round is passed on, then the output is fenced
        assertEquals("round 0\n", shown());
        node.write("stale\n".getBytes(StandardCharsets.UTF_8));
        node.close();
        run.awaitEnd();
        assertEquals("round 0\n", shown());
        assertEquals(8, relay.shown());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("dropped output printed by a node of a run that "
                + "had stopped"), err::toString);
    }
}
