package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Point;
import io.ssijava.rt.JdkOps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.ssijava.dsm.Access.read;
import static io.ssijava.dsm.Access.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Atomic operations at the home over three nodes in one JVM: node 0 (A) homes the object, B and C hold copies. */
class AtomicsProtocolTest
{
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    private IpcCluster cluster;
    private final ExecutorService pool = Executors.newCachedThreadPool(r ->
    {
        final Thread t = new Thread(r, "atomics-test");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void start()
    {
        cluster = new IpcCluster(3);
    }

    @AfterEach
    void stop()
    {
        pool.shutdownNow();
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /**
     * An atomic operation is an acquire: once B's compare-and-set succeeded on what C's release wrote, B must not
     * read its copy from before that release. The home applies C's diff, then sends the invalidation of B's copy;
     * here the test holds it there while B's compare-and-set arrives. A home that answered at once (it did) lets B
     * read its stale copy; it must answer only once B's invalidation is acknowledged.
     */
    @Test
    @Timeout(40)
    void shouldAnswerAnAtomicOnlyAfterTheInvalidationsOfTheDiffItReadAreAcknowledged() throws Exception
    {
        final Node a = cluster.node(A);
        final Node b = cluster.node(B);
        final Node c = cluster.node(C);
        new Atomics(a);
        final Atomics atomicsB = new Atomics(b);
        new Atomics(c);
        final Point p = new Point();
        p.x = 1;
        p.y = 1.0;
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        read(b, pB);
        read(c, pC);
        assertEquals(1.0, pB.y);

        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch letGo = new CountDownLatch(1);
        a.space().beforeInvalidating = () ->
        {
            held.countDown();
            try
            {
                letGo.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        };
        // C releases: y first, then x set free, as a lock's owner writes its data and then the lock's state
        write(c, pC);
        pC.y = 2.0;
        pC.x = 0;
        final Future<?> release = pool.submit(() -> c.space().flush());
        assertTrue(held.await(15, TimeUnit.SECONDS), "the home should apply C's diff");
        a.space().beforeInvalidating = null;
        assertEquals(0, p.x, "the home's master holds C's release");

        final Future<Double> seen = pool.submit(() ->
        {
            final Object swapped = atomicsB.run(pB, 0, Point.class.getName() + ".x", JdkOps.CAS, 0, 1);
            assertEquals(Boolean.TRUE, swapped, "B's compare-and-set");
            read(b, pB);
            return pB.y;
        });
        try
        {
            // long enough for a home that does not wait to answer, and for B to read its copy
            final double y = seen.get(2, TimeUnit.SECONDS);
            assertEquals(2.0, y, "B read its copy from before C's release after acquiring what C released");
        }
        catch (final TimeoutException expected)
        {
            // the home waits for the held invalidation, as it must
        }
        finally
        {
            letGo.countDown();
        }
        assertEquals(2.0, seen.get(15, TimeUnit.SECONDS));
        release.get(15, TimeUnit.SECONDS);
        assertEquals(1, p.x, "the compare-and-set ran on the home's master");
    }
}
