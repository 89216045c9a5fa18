package io.ssijava.agent.jdk;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Methods the instrumented JDK adds to {@code java.util.concurrent.CyclicBarrier} so that a thread waiting in
 * {@code await()} can move. {@code await()} is split in two: arriving ({@link #ssi$arrive}), which happens once, and
 * waiting for the generation it arrived in to trip ({@link #ssi$awaitTrip}), which a request to capture may leave
 * without breaking the barrier and which is entered again, here or on another node. Together they do what
 * {@code CyclicBarrier.dowait} does; an interrupt of the program's still breaks the barrier
 * ({@link #ssi$interrupted}). The rewritten call site is the agent's BlockingCalls.
 * <p>
 * Written against fields and methods of the same names and types as the JDK's and merged into its class by
 * {@link JdkAdditions}, which maps this class's name to the JDK's. Never loaded as it is.
 */
final class CyclicBarrierMoves
{
    /** Stands for {@code CyclicBarrier.Generation}. */
    static final class Generation
    {
        boolean broken;
    }

    private final ReentrantLock lock;
    private final Condition trip;
    private final Runnable barrierCommand;
    private Generation generation;
    private int count;

    private CyclicBarrierMoves()
    {
        lock = null;
        trip = null;
        barrierCommand = null;
    }

    private void nextGeneration()
    {
    }

    private void breakBarrier()
    {
    }

    /**
     * Arrives, as {@code await()} does first. On a barrier shared from another node, {@link #ssi$arriveHere} and the
     * steps below run at the barrier's home (io.ssijava.rt.HomeCalls), one round trip each; the barrier's command
     * still runs on the thread that trips it, as {@code await()} runs it, here.
     *
     * @return null if this arrival tripped the barrier (its index is 0); else what to wait for: the generation
     *         arrived in and this arrival's index.
     * @throws InterruptedException and {@link BrokenBarrierException} as {@code await()}.
     */
    public Object ssi$arrive() throws InterruptedException, BrokenBarrierException
    {
        if (Thread.interrupted())
        {
            try
            {
                ssi$breakInterrupted();
            }
            catch (final BrokenBarrierException ex)
            {
                Thread.currentThread().interrupt(); // await() looks at a broken barrier first, and leaves it set
                throw ex;
            }
            throw new InterruptedException();
        }
        final Object arrival = ssi$arriveHere();
        if ("ssi$command".equals(arrival))
        {
            final Runnable command = barrierCommand;
            try
            {
                command.run();
            }
            catch (final Throwable ex)
            {
                ssi$broken();
                throw ex;
            }
            ssi$tripped();
            return null;
        }
        return arrival;
    }

    /**
     * The arrival itself, under the barrier's lock: as {@link #ssi$arrive}, except that when it runs at the home for
     * a thread of another node and trips the barrier, it leaves the command to that thread, and the next generation
     * to its {@link #ssi$tripped} once the command ran.
     *
     * @return as {@link #ssi$arrive}, or "ssi$command": run the command, then call {@link #ssi$tripped}.
     */
    public Object ssi$arriveHere() throws BrokenBarrierException
    {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            final Generation g = generation;
            if (g.broken)
            {
                throw new BrokenBarrierException();
            }
            final int index = --count;
            if (index == 0)
            {
                final Runnable command = barrierCommand;
                if (command != null)
                {
                    if (io.ssijava.rt.HomeCalls.servingAnotherNode())
                    {
                        return "ssi$command";
                    }
                    try
                    {
                        command.run();
                    }
                    catch (final Throwable ex)
                    {
                        breakBarrier();
                        throw ex;
                    }
                }
                nextGeneration();
                return null;
            }
            return new Object[] {g, index};
        }
        finally
        {
            lock.unlock();
        }
    }

    /** An interrupted thread arrives: the barrier breaks, as {@code await()} breaks it, unless it is broken already. */
    public void ssi$breakInterrupted() throws BrokenBarrierException
    {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            if (generation.broken)
            {
                throw new BrokenBarrierException();
            }
            breakBarrier();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The command of a generation that {@link #ssi$arriveHere} tripped at the home ran: the next one begins. */
    public void ssi$tripped()
    {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            nextGeneration();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** That command threw: the barrier breaks, as {@code await()} breaks it. */
    public void ssi$broken()
    {
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            breakBarrier();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits until the generation of {@code arrival} trips or breaks.
     *
     * @param arrival what {@link #ssi$arrive} answered.
     * @return the arrival's index.
     * @throws InterruptedException if interrupted while waiting; the barrier is left as it is (see
     *                              {@link #ssi$interrupted}).
     * @throws BrokenBarrierException if the generation broke.
     */
    public int ssi$awaitTrip(final Object arrival) throws InterruptedException, BrokenBarrierException
    {
        final Object[] a = (Object[])arrival;
        final Generation g = (Generation)a[0];
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            while (!g.broken && g == generation)
            {
                trip.await();
            }
            if (g.broken)
            {
                throw new BrokenBarrierException();
            }
            return (Integer)a[1];
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * As {@link #ssi$awaitTrip(Object)}, for {@code await(timeout, unit)}: waits at most {@code nanos}.
     *
     * @throws TimeoutException if the time ran out first; the barrier breaks, as {@code await(timeout, unit)}'s.
     */
    public int ssi$awaitTrip(final Object arrival, final long nanos)
        throws InterruptedException, BrokenBarrierException, TimeoutException
    {
        final Object[] a = (Object[])arrival;
        final Generation g = (Generation)a[0];
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            long left = nanos;
            while (!g.broken && g == generation)
            {
                if (left <= 0L)
                {
                    breakBarrier();
                    throw new TimeoutException();
                }
                left = trip.awaitNanos(left);
            }
            if (g.broken)
            {
                throw new BrokenBarrierException();
            }
            return (Integer)a[1];
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The program interrupted a thread in {@link #ssi$awaitTrip}: as {@code await()}, breaks the barrier and throws if
     * the generation is still waiting; otherwise the wait is over anyway, and the interrupt is set again for what
     * comes after it.
     *
     * @throws InterruptedException e, if the barrier broke.
     */
    public void ssi$interrupted(final Object arrival, final InterruptedException e) throws InterruptedException
    {
        final Generation g = (Generation)((Object[])arrival)[0];
        final ReentrantLock lock = this.lock;
        lock.lock();
        try
        {
            if (g == generation && !g.broken)
            {
                breakBarrier();
                throw e;
            }
            Thread.currentThread().interrupt();
        }
        finally
        {
            lock.unlock();
        }
    }
}
