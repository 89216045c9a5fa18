package io.ssijava.dsm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.ssijava.dsm.Access.invalid;
import static io.ssijava.dsm.Access.meta;
import static io.ssijava.dsm.Access.readArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arrays a thread holds (the write check of a call-free loop, made once in front of it): writes made after
 * another thread's release re-armed the array's write trap, which such a loop never looks at again, and writes to a
 * local array that became shared while the loop ran, still reach the other nodes with the holder's release. The
 * test thread plays the loop: it writes the arrays directly after holding them.
 */
@Timeout(30)
class ArrayHoldsProtocolTest
{
    private IpcCluster cluster;
    private Node a;
    private Node b;
    /** Another thread of the nodes, whose releases re-arm the traps. */
    private ExecutorService other;

    @BeforeEach
    void start()
    {
        cluster = new IpcCluster(2);
        a = cluster.node(0);
        b = cluster.node(1);
        other = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop()
    {
        other.shutdownNow();
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /** A release by the other thread; then more of them until even the recheck of racing stores let m go. */
    private void otherThreadReleasesUntilQuiet(final Node node, final Meta m) throws Exception
    {
        do
        {
            other.submit(() -> node.space().flush()).get();
        }
        while (node.space().onRecheckList(m));
    }

    @Test
    void aHomeArrayWrittenAfterAnotherThreadsReleaseInvalidatesTheCopiesAtTheHoldersRelease() throws Exception
    {
        final int[] array = new int[8];
        final int[] copy = cluster.transfer(0, 1, array);
        readArray(b, copy);
        a.space().holds.hold(array);
        array[0] = 1;
        otherThreadReleasesUntilQuiet(a, meta(a, array));
        readArray(b, copy);
        assertEquals(1, copy[0], "the other thread's release took the holder's first write along");

        array[1] = 2; // the loop goes on: its write trap is armed again, but it does not look
        a.space().flush(); // the holder's own release
        assertTrue(invalid(b, copy), "the holder's release invalidated the copy");
        readArray(b, copy);
        assertEquals(2, copy[1]);
        assertEquals(0, a.space().holds.heldCount(), "the hold ended with the holder's release");
    }

    @Test
    void aCopyWrittenAfterAnotherThreadsReleaseSendsItsDiffAtTheHoldersRelease() throws Exception
    {
        final int[] array = new int[8];
        final int[] copy = cluster.transfer(0, 1, array);
        b.space().holds.hold(copy);
        copy[0] = 5;
        otherThreadReleasesUntilQuiet(b, meta(b, copy));
        assertEquals(5, array[0]);

        copy[1] = 6;
        b.space().flush();
        assertEquals(6, array[1], "the home has the write made after the trap was re-armed");
        assertEquals(0, b.space().holds.heldCount());
    }

    @Test
    void aLocalArraySharedWhileHeldIsComparedFromItsSharing() throws Exception
    {
        final int[] local = new int[8];
        a.space().holds.hold(local); // still local: the hold only remembers it
        local[0] = 1;
        final int[] copy = cluster.transfer(0, 1, local); // shared in the middle of the loop
        readArray(b, copy);
        assertEquals(1, copy[0]);
        otherThreadReleasesUntilQuiet(a, meta(a, local));

        local[1] = 2;
        a.space().flush();
        assertTrue(invalid(b, copy), "the write made after the sharing invalidated the copy");
        readArray(b, copy);
        assertEquals(2, copy[1]);
    }

    @Test
    void onlyTheLocalArraysAThreadHeldAreHeldWhenShared()
    {
        final int[][] rows = new int[1000][4];
        for (final int[] row : rows)
        {
            a.space().holds.hold(row); // a loop over the rows of a local matrix
        }
        final int[] other = new int[4];
        cluster.transfer(0, 1, other);
        assertEquals(0, a.space().holds.heldCount(), "an array the thread never held is not held");
        cluster.transfer(0, 1, rows[500]);
        assertEquals(1, a.space().holds.heldCount(), "a held row is, from its sharing on");
        a.space().flush();
        assertEquals(0, a.space().holds.heldCount());
    }
}
