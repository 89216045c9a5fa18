package io.ssijava.threads.cont;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop-header poll: free while no thread has a request, and still seen by a thread in a compiled loop once one
 * has (arming the site deoptimizes the code that inlined it). The surefire configuration of this module disarms the
 * site after 200 ms of no requests.
 */
@Timeout(60)
class PollSiteTest
{
    /** A loop that calls (so the poll sits at its header, as in rewritten code) and stops when the poll says so. */
    private static long spin(final int[] cells, final AtomicLong rounds)
    {
        long sum = 0;
        for (int i = 0; ; i++)
        {
            if (Cont.poll() != 0)
            {
                return sum;
            }
            sum += cells[i & (cells.length - 1)]++;
            if ((i & 0xFFFFF) == 0)
            {
                rounds.lazySet(i);
            }
        }
    }

    @Test
    void aThreadInACompiledLoopSeesARequestOnceTheSiteIsArmed() throws Exception
    {
        final int[] cells = new int[1024];
        final AtomicLong rounds = new AtomicLong();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread t = new Thread(() ->
        {
            spin(cells, rounds);
            stopped.countDown();
        }, "spinner");
        t.setDaemon(true);
        t.start();
        // long enough for C2 to compile the loop with the disarmed poll inlined (a constant 0)
        while (rounds.get() < 200_000_000L)
        {
            Thread.onSpinWait();
            assertTrue(t.isAlive());
        }
        assertFalse(stopped.await(100, TimeUnit.MILLISECONDS), "the disarmed poll answered non-zero");
        Cont.count(1);
        try
        {
            assertTrue(PollSite.armed());
            assertTrue(stopped.await(20, TimeUnit.SECONDS), "the spinning thread never saw the request");
        }
        finally
        {
            Cont.count(-1);
        }
    }

    @Test
    void theSiteIsDisarmedOnlyAfterNoThreadHasHadARequestForAWhile() throws Exception
    {
        Cont.count(1);
        assertTrue(PollSite.armed());
        assertEquals(1, Cont.poll());
        Cont.count(-1);
        assertTrue(PollSite.armed(), "disarming at once would deoptimize the program at every request");
        assertEquals(0, Cont.poll());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (PollSite.armed())
        {
            assertTrue(System.nanoTime() < deadline, "still armed 20 s after the last request");
            Thread.sleep(10);
        }
        assertEquals(0, Cont.poll());
        // a request again arms it again
        Cont.count(1);
        try
        {
            assertTrue(PollSite.armed());
            assertEquals(1, Cont.poll());
        }
        finally
        {
            Cont.count(-1);
        }
    }
}
