package io.ssijava.threads;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadIdsTest
{
    @Test
    void aNodeNumbersTheThreadsItMakesAboveEveryOtherNodes()
    {
        final long before = new Thread("before").getId();
        assertTrue(before < ThreadIds.SPAN, "the JVM numbers from 1");
        assertTrue(ThreadIds.numberFrom(2), "the JVM's thread counter can be reached on this JDK");
        final long after = new Thread("after").getId();
        assertEquals(2, after / ThreadIds.SPAN, () -> "node 2's threads are numbered from 2^49, got " + after);
        assertTrue(after % ThreadIds.SPAN > before % ThreadIds.SPAN, "the count goes on, without reuse");
        final Thread started = new Thread(() -> { }, "started");
        final long id = started.getId();
        started.start();
        assertEquals(id, started.getId());
    }

    @Test
    void adoptedIdsAreAnsweredByGetId()
    {
        final Thread t = new Thread("stand-in");
        ThreadIds.adopt(t, 12345);
        assertEquals(12345, t.getId());
    }
}
