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
 * A fault of an array (object) fetches the invalid copies of the arrays (objects) made right after it at the same
 * home along with it (the rows of a matrix, the objects of an array), up to a budget, and those copies then behave
 * as if each had been faulted.
 */
@Timeout(30)
class PrefetchProtocolTest
{
    /** Rows of one chunk each: the default budget is 8 chunks, the faulting row's included. */
    private static final int ROW = ObjectSpace.CHUNK_BYTES / Integer.BYTES;

    private IpcCluster cluster;
    private Node a;
    private Node b;

    @BeforeEach
    void start()
    {
        cluster = new IpcCluster(2);
        a = cluster.node(0);
        b = cluster.node(1);
    }

    @AfterEach
    void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void aFaultOfOneRowBringsTheNextRowsAndTheHomeInvalidatesThemLater()
    {
        final int[][] matrix = new int[12][ROW];
        for (int i = 0; i < matrix.length; i++)
        {
            matrix[i][ROW - 1] = 100 + i;
        }
        final int[][] copy = cluster.transfer(0, 1, matrix);
        readArray(b, copy);
        for (final int[] row : copy)
        {
            assertTrue(invalid(b, row), "rows start invalid on B");
        }
        final long faults = b.stats().faults.get();
        readArray(b, copy[0]);
        assertEquals(faults + 1, b.stats().faults.get(), "one remote fault");
        for (int i = 0; i < 8; i++)
        {
            assertFalse(invalid(b, copy[i]), "row " + i + " came with the fault");
            assertEquals(100 + i, copy[i][ROW - 1]);
        }
        for (int i = 8; i < copy.length; i++)
        {
            assertTrue(invalid(b, copy[i]), "row " + i + " is past the budget");
        }

        // B is in the copyset of a prefetched row: a write at the home invalidates it
        writeArray(a, matrix[3]);
        matrix[3][0] = -1;
        a.space().flush();
        assertTrue(invalid(b, copy[3]));
        assertFalse(invalid(b, copy[2]));
        readArray(b, copy[3]);
        assertEquals(-1, copy[3][0]);
    }

    @Test
    void aWalkOverTheRowsInOrderDoublesWhatEachFaultBringsUpToTheMost()
    {
        final int most = (int)(Prefetches.MAX_BYTES / ObjectSpace.CHUNK_BYTES);
        assertEquals(64, most, "1 MiB of rows of one chunk");
        final int[][] matrix = new int[8 + 16 + 32 + 64 + 64 + 10][ROW];
        for (int i = 0; i < matrix.length; i++)
        {
            matrix[i][0] = i;
        }
        final int[][] copy = cluster.transfer(0, 1, matrix);
        readArray(b, copy);
        final long faults = b.stats().faults.get();
        int expected = 0;
        int next = 0;
        for (final int rows : new int[] {8, 16, 32, 64, 64, 10})
        {
            for (int i = next; i < matrix.length; i++)
            {
                assertTrue(invalid(b, copy[i]), "row " + i + " is not fetched before the fault of row " + next);
            }
            readArray(b, copy[next]);
            expected++;
            assertEquals(faults + expected, b.stats().faults.get(), "faults up to row " + next);
            for (int i = next; i < next + rows; i++)
            {
                assertFalse(invalid(b, copy[i]), "row " + i + " came with the fault of row " + next);
                assertEquals(i, copy[i][0]);
            }
            next += rows;
        }

        // out of order: a fault starts again at the first budget
        final int[][] other = cluster.transfer(0, 1, new int[20][ROW]);
        readArray(b, other);
        readArray(b, other[4]);
        for (int i = 4; i < 12; i++)
        {
            assertFalse(invalid(b, other[i]), "row " + i);
        }
        assertTrue(invalid(b, other[12]), "the first budget is 8 rows");
        assertTrue(invalid(b, other[3]));
    }

    @Test
    void aFaultOfOneObjectBringsTheNextObjectsOfItsArray()
    {
        final Point[] points = new Point[Prefetches.OBJECTS + 8];
        for (int i = 0; i < points.length; i++)
        {
            points[i] = new Point();
            points[i].x = 10 + i;
        }
        final Point[] copy = cluster.transfer(0, 1, points);
        readArray(b, copy);
        final long faults = b.stats().faults.get();
        read(b, copy[0]);
        assertEquals(faults + 1, b.stats().faults.get(), "one remote fault");
        for (int i = 0; i <= Prefetches.OBJECTS; i++)
        {
            assertFalse(invalid(b, copy[i]), "point " + i + " came with the fault");
            assertEquals(10 + i, copy[i].x);
        }
        assertTrue(invalid(b, copy[Prefetches.OBJECTS + 1]), "the next point is past the budget");

        write(a, points[5]);
        points[5].x = -5;
        a.space().flush();
        assertTrue(invalid(b, copy[5]), "B is in the copyset of a prefetched object");
        read(b, copy[5]);
        assertEquals(-5, copy[5].x);
    }

    @Test
    void objectsFetchedAlongStopAtTheByteBudget()
    {
        final String large = "x".repeat(100_000); // a value: it travels inside each point's fields
        final Point[] points = new Point[10];
        for (int i = 0; i < points.length; i++)
        {
            points[i] = new Point();
            points[i].label = large;
        }
        final Point[] copy = cluster.transfer(0, 1, points);
        readArray(b, copy);
        read(b, copy[0]);
        assertFalse(invalid(b, copy[1]));
        assertFalse(invalid(b, copy[2]), "100 KB along is under the budget of 128 KB");
        assertTrue(invalid(b, copy[3]), "200 KB along is over it");
        read(b, copy[3]);
        assertEquals(large, copy[3].label);
    }
}
