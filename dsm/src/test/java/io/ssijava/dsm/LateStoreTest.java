package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Flag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.ssijava.dsm.Access.read;
import static io.ssijava.dsm.Access.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A thread on the home passes its write check while the object is dirty, is held up (descheduled), and stores only
 * after a release re-armed the trap and the other node fetched the object again. Two nodes in one JVM.
 */
class LateStoreTest
{
    private static final int A = 0;
    private static final int B = 1;

    private IpcCluster cluster;

    @BeforeEach
    void start()
    {
        cluster = new IpcCluster(2);
    }

    @AfterEach
    void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /**
     * The store lands later than the recheck that follows every release (50 ms): for an object whose class has
     * volatile fields (the JDK's lock and queue nodes), the next release on the home must still invalidate the copy
     * that was fetched before the store. It did not, and a node spinning on such a copy never saw the store.
     */
    @Test
    @Timeout(30)
    void shouldInvalidateCopiesForAStoreThatLandsLongAfterItsCheck() throws Exception
    {
        final Node a = cluster.node(A);
        final Node b = cluster.node(B);
        final Flag f = new Flag();
        f.data = 1;
        final Flag fB = cluster.transfer(A, B, f);

        write(a, f); // the check: the object is dirty from now on, stores do not trap
        a.space().flush(); // a release on the home re-arms the trap; nothing has changed yet
        read(b, fB);
        assertEquals(1, fB.data);
        // the held-up thread is still away when the recheck after the release ends ...
        Thread.sleep(120);
        a.space().flush();
        // ... and stores only now, without a trap: its check passed long ago
        f.data = 2;
        a.space().flush(); // the release that must publish the store, e.g. a lock handed to B
        read(b, fB);
        assertEquals(2, fB.data, "B's copy from before the store was not invalidated by the home's release");
    }
}
