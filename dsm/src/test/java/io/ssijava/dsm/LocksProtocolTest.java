package io.ssijava.dsm;

import io.ssijava.dsm.TestTypes.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.ssijava.dsm.Access.read;
import static io.ssijava.dsm.Access.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster monitors: a token per shared object, managed by its home (node 0). A thread "synchronizes" the way
 * rewritten code does: {@code Ssi.monitorEnter} (here {@link Locks#enter}), then the JVM monitor of the local copy,
 * and the reverse on the way out.
 */
class LocksProtocolTest
{
    private IpcCluster cluster;

    @BeforeEach
    void start()
    {
        cluster = new IpcCluster(3);
    }

    @AfterEach
    void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /** A test thread that records what it threw. */
    private static Thread spawn(final String name, final AtomicReference<Throwable> error, final ThrowingRunnable body)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                error.compareAndSet(null, ex);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    interface ThrowingRunnable
    {
        void run() throws Exception;
    }

    private static void join(final Thread t, final long millis) throws InterruptedException
    {
        t.join(millis);
        assertFalse(t.isAlive(), t.getName() + " did not finish within " + millis + " ms");
    }

    private static void rethrow(final AtomicReference<Throwable> error)
    {
        if (error.get() != null)
        {
            throw new AssertionError("a node's thread failed: " + error.get(), error.get());
        }
    }

    @Test
    @Timeout(25)
    void shouldSerializeIncrementsFromThreeNodesUnderTheClusterLock() throws Exception
    {
        final int iterations = 200;
        final Counter counter = new Counter();
        final Counter[] copies = {counter, cluster.transfer(0, 1, counter), cluster.transfer(0, 2, counter)};
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < 3; n++)
        {
            final Node node = cluster.node(n);
            final Locks locks = cluster.locks(n);
            final Counter copy = copies[n];
            threads.add(spawn("incrementer-" + n, error, () ->
            {
                go.await();
                for (int i = 0; i < iterations; i++)
                {
                    locks.enter(copy);
                    try
                    {
                        synchronized (copy)
                        {
                            if (inside.incrementAndGet() != 1)
                            {
                                overlaps.incrementAndGet();
                            }
                            read(node, copy);
                            final int v = copy.value;
                            write(node, copy);
                            copy.value = v + 1;
                            inside.decrementAndGet();
                        }
                    }
                    finally
                    {
                        locks.exit(copy);
                    }
                }
            }));
        }
        go.countDown();
        for (final Thread t : threads)
        {
            join(t, 20_000);
        }
        rethrow(error);
        assertEquals(0, overlaps.get(), "threads of different nodes were inside the monitor together");

        // acquire on the home: the last holder released before handing the token over
        final Node home = cluster.node(0);
        final Locks homeLocks = cluster.locks(0);
        homeLocks.enter(counter);
        try
        {
            synchronized (counter)
            {
                read(home, counter);
                assertEquals(3 * iterations, counter.value, "increments were lost");
            }
        }
        finally
        {
            homeLocks.exit(counter);
        }
        long transfers = 0;
        for (int n = 0; n < 3; n++)
        {
            transfers += cluster.node(n).stats().lockTransfers.get();
        }
        System.out.println("lock transfers for " + 3 * iterations + " increments on 3 nodes: " + transfers);
        assertTrue(transfers >= 3, "the token must have reached nodes 1 and 2 and come back to 0: " + transfers);
        // and every copy agrees after a fault
        for (int n = 1; n < 3; n++)
        {
            final Locks locks = cluster.locks(n);
            locks.enter(copies[n]);
            try
            {
                synchronized (copies[n])
                {
                    read(cluster.node(n), copies[n]);
                    assertEquals(3 * iterations, copies[n].value, "node " + n + " after acquiring");
                }
            }
            finally
            {
                locks.exit(copies[n]);
            }
        }
    }

    @Test
    @Timeout(20)
    void shouldWakeAWaiterOnAnotherNodeWithTheWritesMadeBeforeNotify() throws Exception
    {
        final Counter flag = new Counter();
        final Counter onB = cluster.transfer(0, 1, flag);
        final Counter onC = cluster.transfer(0, 2, flag);
        final Node b = cluster.node(1);
        final Node c = cluster.node(2);
        final Locks locksB = cluster.locks(1);
        final Locks locksC = cluster.locks(2);
        final CountDownLatch waiting = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger wakeUps = new AtomicInteger();
        final AtomicReference<Boolean> sawFlag = new AtomicReference<>();
        final AtomicInteger sawValue = new AtomicInteger(-1);

        final Thread waiter = spawn("waiter-on-1", error, () ->
        {
            locksB.enter(onB);
            try
            {
                synchronized (onB)
                {
                    read(b, onB);
                    waiting.countDown();
                    while (!onB.flag)
                    {
                        locksB.await(onB, 0, 0);
                        wakeUps.incrementAndGet();
                        read(b, onB);
                    }
                    sawFlag.set(onB.flag);
                    sawValue.set(onB.value);
                }
            }
            finally
            {
                locksB.exit(onB);
            }
        });
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "the waiter did not get the lock");
        final Thread notifier = spawn("notifier-on-2", error, () ->
        {
            locksC.enter(onC);
            try
            {
                synchronized (onC)
                {
                    read(c, onC);
                    write(c, onC);
                    onC.value = 4711;
                    onC.flag = true;
                    locksC.notify(onC, true);
                }
            }
            finally
            {
                locksC.exit(onC);
            }
        });
        join(notifier, 10_000);
        join(waiter, 10_000);
        rethrow(error);
        assertEquals(Boolean.TRUE, sawFlag.get());
        assertEquals(4711, sawValue.get(), "the waiter sees every write made under the lock before notify");
        assertEquals(1, wakeUps.get(), "one notify, one wake-up");
    }

    @Test
    @Timeout(20)
    void shouldWakeExactlyOneOfTwoWaitersOnDifferentNodesOnNotify() throws Exception
    {
        final long timeoutMs = 4_000;
        final Counter monitor = new Counter();
        final Counter onB = cluster.transfer(0, 1, monitor);
        final Counter onC = cluster.transfer(0, 2, monitor);
        final Counter[] copies = {monitor, onB, onC};
        final CountDownLatch bWaiting = new CountDownLatch(1);
        final CountDownLatch cWaiting = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicLong[] waited = {new AtomicLong(-1), new AtomicLong(-1), new AtomicLong(-1)};

        final List<Thread> waiters = new ArrayList<>();
        for (int n = 1; n <= 2; n++)
        {
            final int node = n;
            final Locks locks = cluster.locks(n);
            final Counter copy = copies[n];
            waiters.add(spawn("waiter-on-" + n, error, () ->
            {
                if (node == 2)
                {
                    // enter only once B waits, so that both waiter ids are on the token when node 0 notifies
                    assertTrue(bWaiting.await(10, TimeUnit.SECONDS));
                }
                locks.enter(copy);
                try
                {
                    synchronized (copy)
                    {
                        (node == 1 ? bWaiting : cWaiting).countDown();
                        final long t0 = System.nanoTime();
                        locks.await(copy, timeoutMs, 0);
                        waited[node].set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    }
                }
                finally
                {
                    locks.exit(copy);
                }
            }));
        }
        assertTrue(cWaiting.await(10, TimeUnit.SECONDS), "both waiters should be waiting");
        final Locks homeLocks = cluster.locks(0);
        homeLocks.enter(monitor);
        try
        {
            synchronized (monitor)
            {
                homeLocks.notify(monitor, false);
            }
        }
        finally
        {
            homeLocks.exit(monitor);
        }
        for (final Thread t : waiters)
        {
            join(t, timeoutMs + 8_000);
        }
        rethrow(error);
        final long b = waited[1].get();
        final long c = waited[2].get();
        final String times = "waited " + b + " ms on node 1, " + c + " ms on node 2 (timeout " + timeoutMs + " ms)";
        final int woken = (b < timeoutMs - 1_000 ? 1 : 0) + (c < timeoutMs - 1_000 ? 1 : 0);
        final int timedOut = (b >= timeoutMs ? 1 : 0) + (c >= timeoutMs ? 1 : 0);
        assertEquals(1, woken, "exactly one waiter is woken: " + times);
        assertEquals(1, timedOut, "the other one times out: " + times);
        assertNull(error.get());
    }

    /**
     * A waiter that timed out is no longer in the wait set, so a later notify must wake one that still waits. Here
     * the waiter on node 2 registers first and times out while node 0 holds the lock; node 0's notify then must
     * reach the waiter on node 1, which would otherwise wait out its whole (long) timeout.
     */
    @Test
    @Timeout(20)
    void shouldNotLoseANotifyToAWaiterThatAlreadyTimedOut() throws Exception
    {
        final long shortMs = 300;
        final long longMs = 6_000;
        final Counter monitor = new Counter();
        final Counter onB = cluster.transfer(0, 1, monitor);
        final Counter onC = cluster.transfer(0, 2, monitor);
        final CountDownLatch cWaiting = new CountDownLatch(1);
        final CountDownLatch bWaiting = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicLong bWaited = new AtomicLong(-1);
        final AtomicLong cWaited = new AtomicLong(-1);

        final Thread onNode2 = spawn("short-waiter-on-2", error, () ->
        {
            final Locks locks = cluster.locks(2);
            locks.enter(onC);
            try
            {
                synchronized (onC)
                {
                    cWaiting.countDown();
                    final long t0 = System.nanoTime();
                    locks.await(onC, shortMs, 0);
                    cWaited.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
            }
            finally
            {
                locks.exit(onC);
            }
        });
        assertTrue(cWaiting.await(10, TimeUnit.SECONDS));
        final Thread onNode1 = spawn("long-waiter-on-1", error, () ->
        {
            final Locks locks = cluster.locks(1);
            locks.enter(onB);
            try
            {
                synchronized (onB)
                {
                    bWaiting.countDown();
                    final long t0 = System.nanoTime();
                    locks.await(onB, longMs, 0);
                    bWaited.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
            }
            finally
            {
                locks.exit(onB);
            }
        });
        assertTrue(bWaiting.await(10, TimeUnit.SECONDS));
        final Locks homeLocks = cluster.locks(0);
        homeLocks.enter(monitor);
        final long notifiedAt;
        try
        {
            synchronized (monitor)
            {
                Thread.sleep(shortMs + 400); // node 2's wait times out meanwhile
                homeLocks.notify(monitor, false);
                notifiedAt = System.nanoTime();
            }
        }
        finally
        {
            homeLocks.exit(monitor);
        }
        join(onNode2, 10_000);
        join(onNode1, longMs + 8_000);
        final long afterNotify = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - notifiedAt);
        rethrow(error);
        assertTrue(cWaited.get() >= shortMs, "node 2's waiter timed out: " + cWaited.get() + " ms");
        assertTrue(bWaited.get() < longMs - 1_000, "node 1's waiter is the one the notify must wake; it waited " +
            bWaited.get() + " ms of its " + longMs + " ms timeout (" + afterNotify + " ms after the notify)");
    }

    @Test
    @Timeout(20)
    void shouldKeepTheTokenUntilTheOutermostExitOfAReentrantEnter() throws Exception
    {
        final Counter counter = new Counter();
        final Counter onB = cluster.transfer(0, 1, counter);
        final Counter onC = cluster.transfer(0, 2, counter);
        final Node b = cluster.node(1);
        final Node c = cluster.node(2);
        final Locks locksB = cluster.locks(1);
        final Locks locksC = cluster.locks(2);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch cIn = new CountDownLatch(1);
        final AtomicInteger cSaw = new AtomicInteger(-1);

        locksB.enter(onB);
        locksB.enter(onB);
        read(b, onB);
        write(b, onB);
        onB.value = 1;
        final Thread contender = spawn("contender-on-2", error, () ->
        {
            locksC.enter(onC);
            try
            {
                read(c, onC);
                cSaw.set(onC.value);
                cIn.countDown();
            }
            finally
            {
                locksC.exit(onC);
            }
        });
        assertFalse(cIn.await(300, TimeUnit.MILLISECONDS), "node 2 got in while node 1 holds the lock twice");
        locksB.exit(onB);
        write(b, onB); // the background release may have re-armed the trap meanwhile
        onB.value = 2; // still inside the outer monitor
        assertFalse(cIn.await(300, TimeUnit.MILLISECONDS), "node 2 got in after the inner exit on node 1");
        locksB.exit(onB);
        assertTrue(cIn.await(10, TimeUnit.SECONDS), "node 2 never got the lock after the outermost exit");
        join(contender, 5_000);
        rethrow(error);
        assertEquals(2, cSaw.get(), "node 2 sees the writes made up to the outermost exit");
    }

    /** Plain {@code new Object()} locks carry no state word and no fields, only identity and a cluster monitor. */
    @Test
    @Timeout(20)
    void shouldSerializeIncrementsUnderASharedPlainObjectLock() throws Exception
    {
        final int iterations = 150;
        final Object lock = new Object();
        final Counter counter = new Counter();
        final Object[] locks = {lock, cluster.transfer(0, 1, lock), cluster.transfer(0, 2, lock)};
        final Counter[] copies = {counter, cluster.transfer(0, 1, counter), cluster.transfer(0, 2, counter)};
        assertTrue(locks[1].getClass() == Object.class && locks[1] != lock);
        assertTrue(locks[1] == cluster.transfer(0, 1, lock), "one stand-in per global id");
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < 3; n++)
        {
            final Node node = cluster.node(n);
            final Locks l = cluster.locks(n);
            final Object mon = locks[n];
            final Counter copy = copies[n];
            threads.add(spawn("plain-incrementer-" + n, error, () ->
            {
                for (int i = 0; i < iterations; i++)
                {
                    l.enter(mon);
                    try
                    {
                        synchronized (mon)
                        {
                            if (inside.incrementAndGet() != 1)
                            {
                                overlaps.incrementAndGet();
                            }
                            read(node, copy);
                            final int v = copy.value;
                            write(node, copy);
                            copy.value = v + 1;
                            inside.decrementAndGet();
                        }
                    }
                    finally
                    {
                        l.exit(mon);
                    }
                }
            }));
        }
        for (final Thread t : threads)
        {
            join(t, 15_000);
        }
        rethrow(error);
        assertEquals(0, overlaps.get());
        final Locks homeLocks = cluster.locks(0);
        homeLocks.enter(lock);
        try
        {
            assertEquals(3 * iterations, counter.value);
        }
        finally
        {
            homeLocks.exit(lock);
        }
    }

    @Test
    @Timeout(20)
    void shouldWakeEveryWaiterOnEveryNodeOnNotifyAll() throws Exception
    {
        final long timeoutMs = 8_000;
        final Counter monitor = new Counter();
        final Counter[] copies = {monitor, cluster.transfer(0, 1, monitor), cluster.transfer(0, 2, monitor)};
        final CountDownLatch[] waiting = {null, new CountDownLatch(1), new CountDownLatch(1)};
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicLong[] waited = {null, new AtomicLong(-1), new AtomicLong(-1)};
        final List<Thread> waiters = new ArrayList<>();
        for (int n = 1; n <= 2; n++)
        {
            final int node = n;
            final Locks locks = cluster.locks(n);
            final Counter copy = copies[n];
            waiters.add(spawn("waiter-on-" + n, error, () ->
            {
                if (node == 2)
                {
                    assertTrue(waiting[1].await(10, TimeUnit.SECONDS));
                }
                locks.enter(copy);
                try
                {
                    synchronized (copy)
                    {
                        waiting[node].countDown();
                        final long t0 = System.nanoTime();
                        locks.await(copy, timeoutMs, 0);
                        waited[node].set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    }
                }
                finally
                {
                    locks.exit(copy);
                }
            }));
        }
        assertTrue(waiting[2].await(10, TimeUnit.SECONDS));
        final Locks homeLocks = cluster.locks(0);
        homeLocks.enter(monitor);
        try
        {
            synchronized (monitor)
            {
                homeLocks.notify(monitor, true);
            }
        }
        finally
        {
            homeLocks.exit(monitor);
        }
        for (final Thread t : waiters)
        {
            join(t, timeoutMs + 5_000);
        }
        rethrow(error);
        assertTrue(waited[1].get() < timeoutMs / 2 && waited[2].get() < timeoutMs / 2,
            "both waiters are woken: waited " + waited[1] + " and " + waited[2] + " ms");
    }

    /**
     * A thread may enter a monitor while its object is still local (no cluster lock is counted then) and share
     * the object from inside, e.g. by starting a thread that uses it. Another node must still not get in before the
     * first thread leaves the monitor.
     */
    @Test
    @Timeout(20)
    void shouldNotHandTheTokenOverWhileAThreadHoldsAMonitorItEnteredBeforeTheObjectWasShared() throws Exception
    {
        final Counter counter = new Counter(); // local on node 0
        final Node home = cluster.node(0);
        final Node b = cluster.node(1);
        final Locks homeLocks = cluster.locks(0);
        final Locks locksB = cluster.locks(1);
        final AtomicReference<Counter> onB = new AtomicReference<>();
        final CountDownLatch shared = new CountDownLatch(1);
        final AtomicInteger homeInside = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger bSawInside = new AtomicInteger(-1);
        final AtomicInteger bSawValue = new AtomicInteger(-1);

        final Thread owner = spawn("owner-on-0", error, () ->
        {
            homeLocks.enter(counter); // a no-op: the object is local
            try
            {
                synchronized (counter)
                {
                    homeInside.set(1);
                    onB.set(cluster.transfer(0, 1, counter)); // shared from inside the monitor
                    shared.countDown();
                    Thread.sleep(500);
                    read(home, counter);
                    write(home, counter);
                    counter.value = 1;
                    homeInside.set(0);
                }
            }
            finally
            {
                homeLocks.exit(counter);
            }
        });
        assertTrue(shared.await(10, TimeUnit.SECONDS));
        final Thread contender = spawn("contender-on-1", error, () ->
        {
            final Counter copy = onB.get();
            locksB.enter(copy);
            try
            {
                synchronized (copy)
                {
                    bSawInside.set(homeInside.get());
                    read(b, copy);
                    bSawValue.set(copy.value);
                }
            }
            finally
            {
                locksB.exit(copy);
            }
        });
        join(owner, 10_000);
        join(contender, 10_000);
        rethrow(error);
        assertEquals(0, bSawInside.get(), "node 1 entered while node 0's thread was still inside the monitor");
        assertEquals(1, bSawValue.get(), "node 1 sees what was written inside the monitor");
    }

    /**
     * A thread finds an object still local in {@code Ssi.monitorEnter} (no cluster lock is counted then), and is held
     * up before its {@code monitorenter}. Meanwhile the object is shared and its token leaves for node 1, whose
     * thread is inside. The JVM then lets the first thread into its monitor on node 0: {@code Ssi.monitorEntered}
     * must keep it out until the token is back.
     */
    @Test
    @Timeout(20)
    void shouldKeepOutAThreadThatFoundTheObjectLocalJustBeforeItsTokenLeft() throws Exception
    {
        final Counter counter = new Counter(); // local on node 0
        final Locks locksB = cluster.locks(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch checked = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        final CountDownLatch bInside = new CountDownLatch(1);
        final CountDownLatch bLeave = new CountDownLatch(1);
        final AtomicInteger onBInside = new AtomicInteger();
        final AtomicInteger homeSawBInside = new AtomicInteger(-1);
        io.ssijava.rt.Ssi.install(new NodeRuntime(cluster.node(0)));
        try
        {
            final Thread late = spawn("late-on-0", error, () ->
            {
                io.ssijava.rt.Ssi.monitorEnter(counter); // local: nothing counted
                checked.countDown();
                resume.await();
                synchronized (counter)
                {
                    io.ssijava.rt.Ssi.monitorEntered(counter);
                    homeSawBInside.set(onBInside.get());
                }
                io.ssijava.rt.Ssi.monitorExit(counter);
            });
            assertTrue(checked.await(10, TimeUnit.SECONDS));
            final Counter copy = cluster.transfer(0, 1, counter);
            final Thread holder = spawn("holder-on-1", error, () ->
            {
                locksB.enter(copy);
                try
                {
                    synchronized (copy)
                    {
                        onBInside.set(1);
                        bInside.countDown();
                        bLeave.await();
                        onBInside.set(0);
                    }
                }
                finally
                {
                    locksB.exit(copy);
                }
            });
            assertTrue(bInside.await(10, TimeUnit.SECONDS));
            resume.countDown();
            // the late thread must now wait inside its JVM monitor (entered polls with o.wait) or leave it wrongly
            while (late.isAlive() && late.getState() != Thread.State.TIMED_WAITING)
            {
                Thread.onSpinWait();
            }
            bLeave.countDown();
            join(holder, 10_000);
            join(late, 10_000);
            rethrow(error);
            assertEquals(0, homeSawBInside.get(), "node 0's thread got in while node 1's thread held the token");
        }
        finally
        {
            io.ssijava.rt.Ssi.install(null);
        }
    }

    /**
     * Many rounds of a fresh object homed on node 0, used as a job counter's lock by a thread on node 0 (which goes
     * through {@code Ssi} as rewritten code does, and may be held up between {@code Ssi.monitorEnter} and
     * {@code monitorenter}), two on node 1 and one on node 2, while node 0 shares it with the others. Every round
     * must hand out its 8 jobs once each, with never two threads inside, and end.
     */
    @Test
    @Timeout(120)
    void shouldHandOutEveryJobOnceWhileThreeNodesRaceForFreshlySharedLocks() throws Exception
    {
        final int rounds = 400;
        final int jobs = 8;
        final int[] placement = {0, 1, 1, 2};
        final AtomicInteger overlaps = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        io.ssijava.rt.Ssi.install(new NodeRuntime(cluster.node(0)));
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                final Counter counter = new Counter(); // local on node 0 until shared below
                final Counter[] copies = {counter, null, null};
                final AtomicInteger taken = new AtomicInteger();
                final AtomicInteger inside = new AtomicInteger();
                final CountDownLatch shared = new CountDownLatch(1);
                final List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < placement.length; t++)
                {
                    final int n = placement[t];
                    threads.add(spawn("worker-" + t + "-on-" + n, error, () ->
                    {
                        if (n != 0)
                        {
                            shared.await();
                        }
                        final Counter o = copies[n];
                        final Node node = cluster.node(n);
                        final Locks locks = cluster.locks(n);
                        final ThreadLocalRandom random = ThreadLocalRandom.current();
                        while (true)
                        {
                            final int job;
                            if (n == 0)
                            {
                                io.ssijava.rt.Ssi.monitorEnter(o);
                                if (random.nextInt(4) == 0)
                                {
                                    Thread.sleep(0, random.nextInt(50_000)); // held up before monitorenter
                                }
                            }
                            else
                            {
                                locks.enter(o);
                            }
                            try
                            {
                                synchronized (o)
                                {
                                    if (n == 0)
                                    {
                                        io.ssijava.rt.Ssi.monitorEntered(o);
                                    }
                                    if (inside.incrementAndGet() != 1)
                                    {
                                        overlaps.incrementAndGet();
                                    }
                                    read(node, o);
                                    job = o.value;
                                    if (job < jobs)
                                    {
                                        write(node, o);
                                        o.value = job + 1;
                                    }
                                    inside.decrementAndGet();
                                }
                            }
                            finally
                            {
                                if (n == 0)
                                {
                                    io.ssijava.rt.Ssi.monitorExit(o);
                                }
                                else
                                {
                                    locks.exit(o);
                                }
                            }
                            if (job >= jobs)
                            {
                                return;
                            }
                            taken.incrementAndGet();
                            final long until = System.nanoTime() + random.nextInt(100_000);
                            while (System.nanoTime() < until)
                            {
                                Thread.onSpinWait();
                            }
                        }
                    }));
                }
                copies[1] = cluster.transfer(0, 1, counter);
                copies[2] = cluster.transfer(0, 2, counter);
                shared.countDown();
                for (final Thread t : threads)
                {
                    join(t, 10_000);
                }
                rethrow(error);
                assertEquals(jobs, taken.get(), "jobs taken in round " + round);
            }
            assertEquals(0, overlaps.get(), "threads of different nodes were inside the monitor together");
        }
        finally
        {
            io.ssijava.rt.Ssi.install(null);
        }
    }
}
