package io.ssijava.dsm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.ssijava.dsm.Access.invalid;
import static io.ssijava.dsm.Access.readArray;
import static io.ssijava.dsm.Access.writeArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fault of an array fetches the invalid copies of the arrays made right after it at the same home along with it
 * (the rows of a matrix), up to a budget, and those copies then behave as if each had been faulted.
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
}
