package io.ssijava.threads;

import java.util.HashMap;
import java.util.Map;

/**
 * Node 0's record of every cluster thread's liveness, and what keeps node 0's JVM (and so the job) running while
 * non-daemon threads run on other nodes: a non-daemon keep-alive thread exists exactly while such threads live.
 */
final class ThreadRegistry
{
    private final Map<Long, Boolean> alive = new HashMap<>();
    private int liveNonDaemon;
    private Thread keepAlive;

    synchronized void register(final long handle, final boolean daemon)
    {
        alive.put(handle, Boolean.TRUE);
        if (!daemon)
        {
            liveNonDaemon++;
            if (keepAlive == null)
            {
                keepAlive = new Thread(this::keepAlive, "ssi-keepalive");
                keepAlive.setDaemon(false);
                keepAlive.start();
            }
        }
        daemonFlags.put(handle, daemon);
    }

    private final Map<Long, Boolean> daemonFlags = new HashMap<>();

    synchronized void ended(final long handle)
    {
        final Boolean was = alive.put(handle, Boolean.FALSE);
        if (was == Boolean.TRUE && !daemonFlags.getOrDefault(handle, true))
        {
            liveNonDaemon--;
        }
        notifyAll();
    }

    synchronized boolean isAlive(final long handle)
    {
        return alive.getOrDefault(handle, Boolean.FALSE);
    }

    /** Waits until the thread ends or the time is up; 0 means forever. @return whether it has ended. */
    synchronized boolean awaitEnd(final long handle, final long millis) throws InterruptedException
    {
        final long deadline = millis == 0 ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
        while (alive.getOrDefault(handle, Boolean.FALSE))
        {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0)
            {
                return false;
            }
            wait(Math.min(left, 1000));
        }
        return true;
    }

    private synchronized void keepAlive()
    {
        while (liveNonDaemon > 0)
        {
            try
            {
                wait(1000);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
        keepAlive = null;
    }
}
