package io.ssijava.dsm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.ssijava.dsm.TestTypes.Point;

import static io.ssijava.dsm.Access.invalid;
import static io.ssijava.dsm.Access.read;
import static io.ssijava.dsm.Access.readArray;
import static io.ssijava.dsm.Access.write;
import static io.ssijava.dsm.Access.writeArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A home with writes it has not released serves a fault at once when none of them can be in what it serves (the
 * entity was not written there since it was shared); a fault of an entity it wrote still waits for its flush, and
 * sees the write.
 */
@Timeout(30)
class BusyHomeFetchProtocolTest
{
    /** Rows of one chunk each: a fault brings up to 8 of them. */
    private static final int ROW = ObjectSpace.CHUNK_BYTES / Integer.BYTES;
    private static final String FLUSH_PERIOD = "ssi.flushPeriodMs";

    private IpcCluster cluster;
    private Node a;
    private Node b;

    @BeforeEach
    void start()
    {
        // no periodic release: the writes of a test stay pending until it flushes, or a fault does
        System.setProperty(FLUSH_PERIOD, "3600000");
        cluster = new IpcCluster(2);
        a = cluster.node(0);
        b = cluster.node(1);
    }

    @AfterEach
    void stop()
    {
        System.clearProperty(FLUSH_PERIOD);
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /** Shares p with b and has b read it: b holds a valid copy, in p's copyset at a. */
    private Point sharedAndRead(final Point p)
    {
        final Point copy = cluster.transfer(0, 1, p);
        read(b, copy);
        assertFalse(invalid(b, copy));
        return copy;
    }

    @Test
    void aFaultOfWhatTheHomeDidNotWriteIsServedWithoutItsFlush()
    {
        final Point pending = new Point();
        final Point pendingCopy = sharedAndRead(pending);
        final int[] untouched = new int[ROW];
        untouched[ROW - 1] = 7;
        final int[] untouchedCopy = cluster.transfer(0, 1, untouched);

        write(a, pending); // written at the home, not released: a flush would invalidate b's copy
        pending.x = 42;
        assertTrue(a.space().hasPendingWrites());

        readArray(b, untouchedCopy);
        assertEquals(7, untouchedCopy[ROW - 1]);
        assertFalse(invalid(b, pendingCopy), "no flush ran for a fault of an array the home never wrote");
        assertEquals(0, pendingCopy.x);

        a.space().flush();
        assertTrue(invalid(b, pendingCopy), "the release still reaches the copy");
        read(b, pendingCopy);
        assertEquals(42, pendingCopy.x);
    }

    @Test
    void aFaultOfWhatTheHomeWroteAndReleasedIsServedWithoutItsNextFlush()
    {
        final Point pending = new Point();
        final Point pendingCopy = sharedAndRead(pending);
        final int[] released = new int[ROW];
        final int[] releasedCopy = cluster.transfer(0, 1, released);
        writeArray(a, released);
        released[ROW - 1] = 9;
        a.space().flush();

        write(a, pending);
        pending.x = 3;
        readArray(b, releasedCopy);
        assertEquals(9, releasedCopy[ROW - 1]);
        assertFalse(invalid(b, pendingCopy), "served at once: the array holds nothing unreleased");

        writeArray(a, released); // b is in its copyset now: the next release reaches b's copy
        released[0] = 10;
        a.space().flush();
        assertTrue(invalid(b, releasedCopy));
        readArray(b, releasedCopy);
        assertEquals(10, releasedCopy[0]);
    }

    @Test
    void aFaultOfWhatTheHomeWroteWaitsForItsFlushAndSeesTheWrite()
    {
        final Point pending = new Point();
        final Point pendingCopy = sharedAndRead(pending);
        final Point written = new Point();
        final Point writtenCopy = cluster.transfer(0, 1, written);

        write(a, pending);
        pending.x = 1;
        write(a, written);
        written.x = 2;

        read(b, writtenCopy);
        assertEquals(2, writtenCopy.x);
        assertTrue(invalid(b, pendingCopy), "the fault waited for the home's flush, which released every write");
        read(b, pendingCopy);
        assertEquals(1, pendingCopy.x);
    }

    @Test
    void rowsTheHomeWroteDoNotComeAlongWithAFaultServedAtOnce()
    {
        final Point pending = new Point();
        final Point pendingCopy = sharedAndRead(pending);
        final int[][] matrix = new int[8][ROW];
        for (int i = 0; i < matrix.length; i++)
        {
            matrix[i][0] = 100 + i;
        }
        final int[][] copy = cluster.transfer(0, 1, matrix);
        readArray(b, copy);

        write(a, pending);
        pending.x = 5;
        writeArray(a, matrix[3]);
        matrix[3][0] = -3;

        readArray(b, copy[0]);
        assertFalse(invalid(b, pendingCopy), "served at once: row 0 was never written at the home");
        for (int i = 0; i < matrix.length; i++)
        {
            assertEquals(i != 3, !invalid(b, copy[i]), "row " + i + " came along unless the home wrote it");
        }
        readArray(b, copy[3]);
        assertEquals(-3, copy[3][0], "row 3's own fault waited for the flush");
        assertTrue(invalid(b, pendingCopy));
        read(b, pendingCopy);
        assertEquals(5, pendingCopy.x);
    }
}
