package io.ssijava.checkpoint.levels;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest
{
    private static final Set<Level> L1 = EnumSet.of(Level.LOCAL);
    private static final Set<Level> L1_M = EnumSet.of(Level.LOCAL, Level.MIRROR);
    private static final Set<Level> ALL = EnumSet.allOf(Level.class);

    @Test
    void schemeBMirrorsEveryMthAndStoresEveryMnth()
    {
        final Schedule s = new Schedule(Schedule.Scheme.B, 2, 3);
        final Object[] want = {L1, L1_M, L1, L1_M, L1, ALL, L1, L1_M, L1, L1_M, L1, ALL};
        for (int c = 1; c <= want.length; c++)
        {
            assertEquals(want[c - 1], s.levels(c), "checkpoint " + c);
        }
        assertEquals(Level.STABLE, s.highest(6));
        assertEquals(Level.MIRROR, s.highest(4));
        assertEquals(Level.LOCAL, s.highest(5));
    }

    @Test
    void schemeAMirrorsEveryCheckpoint()
    {
        final Schedule s = new Schedule(Schedule.Scheme.A, 2, 3);
        for (int c = 1; c <= 12; c++)
        {
            assertEquals(c % 6 == 0 ? ALL : L1_M, s.levels(c), "checkpoint " + c);
        }
    }

    @Test
    void everyCheckpointCanGoEverywhere()
    {
        final Schedule s = new Schedule(Schedule.Scheme.B, 1, 1);
        assertEquals(ALL, s.levels(1));
        assertEquals(ALL, s.levels(2));
    }

    @Test
    void badSettingsAreRefusedWithTheOptionsNamed()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new Schedule(Schedule.Scheme.B, 0, 4));
        assertTrue(ex.getMessage().contains("--mirror-every"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Schedule(Schedule.Scheme.B, 4, -1));
        assertThrows(IllegalArgumentException.class, () -> Schedule.DEFAULT.levels(0));
        assertEquals(Schedule.Scheme.A, Schedule.Scheme.named(" a"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schedule.Scheme.named("C")).getMessage()
            .contains("A or B"));
    }
}
