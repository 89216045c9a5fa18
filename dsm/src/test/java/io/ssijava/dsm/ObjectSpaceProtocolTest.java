package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Point;
import io.ssijava.rt.Ssi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.ssijava.dsm.Access.invalid;
import static io.ssijava.dsm.Access.meta;
import static io.ssijava.dsm.Access.read;
import static io.ssijava.dsm.Access.readArray;
import static io.ssijava.dsm.Access.state;
import static io.ssijava.dsm.Access.validClean;
import static io.ssijava.dsm.Access.write;
import static io.ssijava.dsm.Access.writeArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Home-based release consistency of the object space, over three nodes in one JVM: node 0 (A) is the home of
 * everything created by the tests, node 1 (B) and node 2 (C) hold cached copies.
 */
class ObjectSpaceProtocolTest
{
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    private IpcCluster cluster;
    private Node a;
    private Node b;
    private Node c;

    @BeforeEach
    void start()
    {
        cluster = new IpcCluster(3);
        a = cluster.node(A);
        b = cluster.node(B);
        c = cluster.node(C);
    }

    @AfterEach
    void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private static Point point(final int x, final double y, final Point next, final String label)
    {
        final Point p = new Point();
        p.x = x;
        p.y = y;
        p.next = next;
        p.label = label;
        return p;
    }

    @Test
    @Timeout(20)
    void shouldFaultInFieldValuesEqualToTheHomesAndKeepOneCopyPerGlobalId()
    {
        final Point tail = point(-1, -0.25, null, null);
        final Point head = point(7, 2.5, tail, "h\u00e9llo \u2603");
        final Point headB = cluster.transfer(A, B, head);

        assertNotSame(head, headB);
        final Meta homeMeta = meta(a, head);
        final Meta copyMeta = meta(b, headB);
        assertEquals(A, homeMeta.home);
        assertEquals(homeMeta.gid, copyMeta.gid);
        assertEquals(A, copyMeta.home);
        assertTrue(headB.__ssi_s < 0, "a new copy starts invalid: " + Integer.toHexString(headB.__ssi_s));
        assertEquals(copyMeta.slot, headB.__ssi_s & Ssi.SLOT_MASK, "the state word names the metadata slot");
        assertEquals(0, headB.x, "nothing is fetched before the first read");
        assertNull(headB.label);
        assertTrue(validClean(a, head), "the home's master is valid and write-trapped once shared");

        final long faultsBefore = b.stats().faults.get();
        read(b, headB);
        assertEquals(faultsBefore + 1, b.stats().faults.get());
        assertTrue(validClean(b, headB), "after a fault the copy is valid and clean");
        assertEquals(7, headB.x);
        assertEquals(2.5, headB.y);
        assertEquals("h\u00e9llo \u2603", headB.label);
        final Point tailB = headB.next;
        assertNotNull(tailB);
        assertNotSame(tail, tailB);
        assertTrue(invalid(b, tailB), "a reference fetched with a copy resolves to an invalid copy");
        assertEquals(meta(a, tail).gid, meta(b, tailB).gid, "fetching shares the referenced object at its home");

        read(b, tailB);
        assertEquals(-1, tailB.x);
        assertEquals(-0.25, tailB.y);
        assertNull(tailB.next);
        assertNull(tailB.label);

        // identity: every resolution of one global id on one node is the same local copy
        assertSame(headB, cluster.transfer(A, B, head));
        assertSame(tailB, cluster.transfer(A, B, tail));
        final Point headC = cluster.transfer(A, C, head);
        read(c, headC);
        assertSame(headC.next, cluster.transfer(A, C, tail));
        assertSame(tailB, cluster.transfer(C, B, headC.next), "a reference coming via a third node resolves too");
        assertSame(headB, cluster.transfer(C, B, headC));
        assertSame(head, cluster.transfer(B, A, headB), "back at the home a reference is the master itself");
        assertSame(tail, cluster.transfer(C, A, headC.next));

        // a valid copy reads without messages
        final long again = b.stats().faults.get();
        read(b, headB);
        read(b, tailB);
        assertEquals(again, b.stats().faults.get());
    }

    @Test
    @Timeout(20)
    void shouldMakeAWriteVisibleAtTheHomeAndInvalidateOtherCopiesBeforeReleaseReturns()
    {
        final Point other = point(3, 3.0, null, "other");
        final Point p = point(1, 1.0, null, "home");
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        final Point otherB = cluster.transfer(A, B, other);
        read(b, pB);
        read(c, pC);
        read(b, otherB);
        assertEquals(1, pC.x);

        write(b, pB);
        assertEquals(0, pB.__ssi_s & Ssi.WTRAP, "a write miss leaves the copy writable without traps");
        pB.x = 42;
        pB.label = "from B";
        pB.next = otherB;
        b.space().flush();

        assertEquals(42, p.x, "the home's master has the write once the release returned");
        assertEquals("from B", p.label);
        assertSame(other, p.next, "a reference written on B is the home's own object at the home");
        assertEquals(1.0, p.y);
        assertTrue(invalid(c, pC), "C's copy is invalid once B's release returned");
        assertTrue(validClean(b, pB), "the writer's copy stays valid and is write-trapped again");

        read(c, pC);
        assertEquals(42, pC.x);
        assertEquals("from B", pC.label);
        assertSame(cluster.transfer(A, C, other), pC.next);
        assertEquals(1.0, pC.y);
        assertTrue(validClean(c, pC));
    }

    /**
     * A release must not return before the writes it covers are acknowledged, even when the node's background
     * flusher took them first: the lock hand-over and every other release rely on it. The write is left for a
     * random 0-4 ms before the explicit release so that the 3 ms background flush often has it in flight then.
     */
    @Test
    @Timeout(25)
    void shouldNotReturnFromReleaseWhileABackgroundFlushOfTheSameWritesIsInFlight()
    {
        final Point p = point(0, 0, null, null);
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        final Random random = new Random(42);
        final List<String> failures = new ArrayList<>();
        final int rounds = 400;
        for (int i = 1; i <= rounds; i++)
        {
            read(c, pC);
            write(b, pB);
            pB.x = i;
            LockSupport.parkNanos(random.nextInt(4_000_000));
            b.space().flush();
            final int atHome;
            synchronized (meta(a, p))
            {
                atHome = p.x;
            }
            final boolean cInvalid = invalid(c, pC);
            if (atHome != i || !cInvalid)
            {
                failures.add("round " + i + ": home has " + atHome + ", C's copy " + (cInvalid ? "invalid" : "still valid"));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + rounds + " releases returned early: " +
            failures.subList(0, Math.min(5, failures.size())));
    }

    @Test
    @Timeout(25)
    void shouldMergeConcurrentWritesToDifferentFieldsOfOneObject() throws Exception
    {
        final Point p = point(0, 0, null, null);
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        final CyclicBarrier barrier = new CyclicBarrier(2);
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            for (int round = 1; round <= 100; round++)
            {
                read(b, pB);
                read(c, pC);
                final int r = round;
                final Future<?> onB = pool.submit(() ->
                {
                    barrier.await(5, TimeUnit.SECONDS);
                    write(b, pB);
                    pB.x = r;
                    b.space().flush();
                    return null;
                });
                final Future<?> onC = pool.submit(() ->
                {
                    barrier.await(5, TimeUnit.SECONDS);
                    write(c, pC);
                    pC.y = r + 0.5;
                    pC.label = "c" + r;
                    c.space().flush();
                    return null;
                });
                onB.get(10, TimeUnit.SECONDS);
                onC.get(10, TimeUnit.SECONDS);
                synchronized (meta(a, p))
                {
                    assertEquals(r, p.x, "round " + r + ": B's write was lost");
                    assertEquals(r + 0.5, p.y, "round " + r + ": C's write was lost");
                    assertEquals("c" + r, p.label, "round " + r + ": C's write was lost");
                }
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        // each side sees the other's write after a fault
        read(b, pB);
        read(c, pC);
        assertEquals(100.5, pB.y);
        assertEquals("c100", pB.label);
        assertEquals(100, pC.x);
    }

    @Test
    @Timeout(20)
    void shouldInvalidateCopiesWhenTheHomeWritesAndReleases()
    {
        final Point tail = point(5, 5, null, "tail");
        final Point p = point(1, 1.5, tail, "before");
        final Point pB = cluster.transfer(A, B, p);
        read(b, pB);
        final Point tailB = pB.next;
        assertEquals("before", pB.label);

        write(a, p);
        assertEquals(0, p.__ssi_s & Ssi.WTRAP, "the home's write miss leaves the master writable");
        final Point fresh = point(77, 7.5, null, "made on A after sharing");
        p.x = 99;
        p.label = "after";
        p.next = fresh; // a local object becomes reachable from a shared one
        a.space().flush();

        assertTrue(invalid(b, pB), "B's copy is invalid once the home's release returned");
        assertTrue(validClean(a, p), "the home's master is write-trapped again after its release");
        read(b, pB);
        assertEquals(99, pB.x);
        assertEquals(1.5, pB.y);
        assertEquals("after", pB.label);
        assertNotNull(pB.next);
        assertNotSame(tailB, pB.next);
        assertNotNull(a.space().metaOf(fresh), "serving the copy shared the newly referenced object");
        read(b, pB.next);
        assertEquals(77, pB.next.x);
        assertEquals("made on A after sharing", pB.next.label);
        assertSame(tailB, cluster.transfer(A, B, tail), "the old referent is still the same copy on B");

        // a second round: the trap was re-armed, so a new write is caught and released again
        write(a, p);
        p.x = 100;
        a.space().flush();
        assertTrue(invalid(b, pB));
        read(b, pB);
        assertEquals(100, pB.x);
    }

    @Test
    @Timeout(20)
    void shouldArmTheArrayWriteSiteBeforeAnArrayIsSharedAndCountItsWriteTrap()
    {
        // as the agent does when a node starts: the write checks answer "no write-trapped array" until armed
        final int[] trappedWhenArmed = {-1};
        io.ssijava.rt.ArrayWriteSite.fold(() -> { }, () -> trappedWhenArmed[0] = io.ssijava.rt.ArrayGuard.trappedArrays);
        assertFalse(io.ssijava.rt.ArrayWriteSite.armed());
        final int before = io.ssijava.rt.ArrayGuard.trappedArrays;
        final int[] copy = cluster.transfer(A, B, new int[] {1, 2, 3});
        assertTrue(io.ssijava.rt.ArrayWriteSite.armed(), "an array is shared, but the write checks may be folded");
        assertEquals(before, trappedWhenArmed[0], "armed before the array was counted as write-trapped");
        assertTrue(io.ssijava.rt.ArrayGuard.trappedArrays >= before + 2, "the home array and its copy are trapped");
        assertEquals(3, copy.length);
    }

    @Test
    @Timeout(20)
    void shouldInvalidateOnlyTheWrittenChunkOfALargeArray()
    {
        final int length = 100_000;
        final double[] array = new double[length];
        for (int i = 0; i < length; i++)
        {
            array[i] = i * 0.5;
        }
        final double[] arrayB = cluster.transfer(A, B, array);
        final double[] arrayC = cluster.transfer(A, C, array);
        assertEquals(length, arrayB.length);
        final Meta mB = meta(b, arrayB);
        final Meta mC = meta(c, arrayC);
        final int chunkElems = ObjectSpace.CHUNK_BYTES / Double.BYTES;
        final int chunks = (length + chunkElems - 1) / chunkElems;
        assertEquals(chunkElems, mC.chunkElems);
        assertEquals(chunks, mC.chunks);
        assertTrue(chunks > 40);
        assertTrue(state(mB) < 0 && state(mC) < 0, "new array copies start invalid");

        readArray(b, arrayB);
        readArray(c, arrayC);
        assertArrayEquals(array, arrayB);
        assertArrayEquals(array, arrayC);
        assertTrue(state(mC) >= 0);
        synchronized (mC)
        {
            for (int k = 0; k < chunks; k++)
            {
                assertTrue(mC.chunkValid[k], "chunk " + k + " valid after the fault");
            }
        }

        final int index = 5 * chunkElems + 17;
        final int written = index / chunkElems;
        writeArray(b, arrayB);
        arrayB[index] = -123.25;
        b.space().flush();

        assertEquals(-123.25, array[index], "the home has B's element");
        assertEquals((index + 1) * 0.5, array[index + 1], "and nothing else changed");
        assertTrue(state(mC) < 0, "C's copy traps");
        synchronized (mC)
        {
            for (int k = 0; k < chunks; k++)
            {
                assertEquals(k != written, mC.chunkValid[k], "validity of C's chunk " + k);
            }
        }
        assertTrue(state(mB) >= 0, "the writer's copy stays valid");
        synchronized (mB)
        {
            for (int k = 0; k < chunks; k++)
            {
                assertTrue(mB.chunkValid[k], "B's chunk " + k);
            }
        }

        final long sentBefore = a.stats().bytesSent.get();
        readArray(c, arrayC);
        final long served = a.stats().bytesSent.get() - sentBefore;
        assertTrue(served < 2L * ObjectSpace.CHUNK_BYTES, "the refetch moved only the invalid chunk, not " +
            served + " bytes");
        assertTrue(served >= ObjectSpace.CHUNK_BYTES, "the refetch moved the invalid chunk: " + served + " bytes");
        assertEquals(-123.25, arrayC[index]);
        assertArrayEquals(array, arrayC);
        assertTrue(state(mC) >= 0);
        synchronized (mC)
        {
            for (int k = 0; k < chunks; k++)
            {
                assertTrue(mC.chunkValid[k]);
            }
        }
        assertFalse(state(mC) < 0);
    }

    @Test
    @Timeout(20)
    void shouldHomeAnObjectFirstPublishedThroughAWriteOnACopyAtTheWritingNode()
    {
        final Point p = point(1, 1, null, "on A");
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        read(b, pB);
        read(c, pC);

        final Point made = point(10, 10.5, null, "made on B"); // local to B: no state, no traps
        write(b, pB);
        pB.next = made;
        made.x = 11; // still local: written without any check
        b.space().flush();

        final Meta madeMeta = meta(b, made);
        assertEquals(B, madeMeta.home, "an object first shared by a diff is homed where it was created");
        assertTrue(validClean(b, made), "once shared, its writes trap on its home too");
        final Point madeOnA = p.next;
        assertNotNull(madeOnA, "the home has B's reference");
        assertNotSame(made, madeOnA);
        assertTrue(invalid(a, madeOnA), "node 0 holds an invalid copy of B's object");
        read(a, madeOnA);
        assertEquals(11, madeOnA.x, "fetched from its home, node 1");
        assertEquals("made on B", madeOnA.label);

        read(c, pC);
        assertSame(cluster.transfer(A, C, madeOnA), pC.next);
        read(c, pC.next);
        assertEquals(10.5, pC.next.y);

        // the new home's own writes are caught and released like any home's
        write(b, made);
        made.x = 12;
        b.space().flush();
        assertTrue(invalid(a, madeOnA), "node 0's copy is invalid after node 1 released");
        assertTrue(invalid(c, pC.next), "node 2's copy is invalid after node 1 released");
        read(a, madeOnA);
        assertEquals(12, madeOnA.x);
        assertSame(made, cluster.transfer(A, B, madeOnA), "back at its home the reference is the object itself");
    }

    @Test
    @Timeout(20)
    void shouldNeverShowAnOlderValueAfterANewerOneToAConcurrentReader() throws Exception
    {
        final Point p = point(0, 0, null, null);
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        final int last = 1_500;
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try
        {
            final Future<?> writer = pool.submit(() ->
            {
                for (int i = 1; i <= last; i++)
                {
                    write(b, pB);
                    pB.x = i;
                    pB.y = -i;
                    if (i % 3 == 0)
                    {
                        b.space().flush(); // the others are left to the background flusher
                    }
                }
                b.space().flush();
                return null;
            });
            int seen = 0;
            double seenY = 0;
            int reads = 0;
            while (!writer.isDone() || seen != last)
            {
                read(c, pC);
                final int x;
                final double y;
                synchronized (meta(c, pC))
                {
                    x = pC.x;
                    y = pC.y;
                }
                reads++;
                assertTrue(x >= seen, "node 2 saw " + x + " after " + seen);
                assertTrue(-y >= seenY, "node 2 saw y " + y + " after " + -seenY);
                seen = x;
                seenY = -y;
                if (writer.isDone() && seen != last)
                {
                    writer.get();
                    assertTrue(invalid(c, pC) || pC.x == last, "a stale copy of node 2 is still valid after the release");
                }
            }
            writer.get();
            System.out.println("coherence: " + reads + " reads on node 2, " + c.stats().faults.get() + " faults");
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(20)
    void shouldKeepOwnUnreleasedWritesWhenAnInvalidatedDirtyCopyIsFaultedIn()
    {
        final Point p = point(1, 1, null, "x");
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        final double[] array = new double[3 * ObjectSpace.CHUNK_BYTES / Double.BYTES];
        final double[] arrayB = cluster.transfer(A, B, array);
        final double[] arrayC = cluster.transfer(A, C, array);
        read(b, pB);
        read(c, pC);
        readArray(b, arrayB);
        readArray(c, arrayC);

        write(b, pB);
        pB.x = 5;             // B's write, maybe not yet released
        writeArray(b, arrayB);
        arrayB[10] = 1.25;
        write(c, pC);
        pC.y = 7.5;
        pC.label = "c";
        writeArray(c, arrayC);
        arrayC[11] = 2.5;     // same chunk as B's element
        c.space().flush();    // invalidates B's copies, dirty or not

        read(b, pB);
        readArray(b, arrayB);
        assertEquals(5, pB.x, "B's own write survives the refetch");
        assertEquals(7.5, pB.y, "and C's write arrives");
        assertEquals("c", pB.label);
        assertEquals(1.25, arrayB[10], "B's own element survives the refetch of its chunk");
        assertEquals(2.5, arrayB[11], "and C's element arrives");

        write(b, pB);
        pB.label = "b";
        b.space().flush();
        assertEquals(5, p.x);
        assertEquals(7.5, p.y);
        assertEquals("b", p.label);
        assertEquals(1.25, array[10]);
        assertEquals(2.5, array[11]);
        read(c, pC);
        readArray(c, arrayC);
        assertEquals(5, pC.x);
        assertEquals("b", pC.label);
        assertEquals(1.25, arrayC[10]);
        assertEquals(2.5, arrayC[11]);
    }

    /**
     * Read-your-writes across a background release: B writes, C's release invalidates B's copy, B faults it in. If
     * B's background flusher has B's diff in flight at that moment, the home may serve B's fetch before it applied
     * that diff; the copy must still show B's own write (and must not stay valid with the old value).
     */
    @Test
    @Timeout(25)
    void shouldSeeItsOwnWriteWhenFaultingWhileItsReleaseIsInFlight()
    {
        final Point p = point(0, 0, null, null);
        final Point pB = cluster.transfer(A, B, p);
        final Point pC = cluster.transfer(A, C, p);
        final Random random = new Random(7);
        final List<String> failures = new ArrayList<>();
        final int rounds = 400;
        for (int i = 1; i <= rounds; i++)
        {
            read(b, pB);
            read(c, pC);
            write(b, pB);
            pB.x = i;
            LockSupport.parkNanos(random.nextInt(4_000_000));
            write(c, pC);
            pC.y = i;
            c.space().flush(); // invalidates B's copy
            read(b, pB);
            if (pB.x != i)
            {
                b.space().flush();
                failures.add("round " + i + ": B reads " + pB.x + " after writing " + i + " (home has " + p.x +
                    ", B's copy " + (invalid(b, pB) ? "invalid" : "valid") + " after B's release)");
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + rounds + " rounds lost B's own write: " +
            failures.subList(0, Math.min(5, failures.size())));
    }
}
