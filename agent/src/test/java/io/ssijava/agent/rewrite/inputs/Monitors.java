package io.ssijava.agent.rewrite.inputs;

public class Monitors
{
    public int count;

    public static boolean block(final Object lock)
    {
        synchronized (lock)
        {
            return Thread.holdsLock(lock);
        }
    }

    public static int nested(final Object a, final Object b)
    {
        int n = 0;
        synchronized (a)
        {
            n++;
            synchronized (b)
            {
                n += Thread.holdsLock(a) && Thread.holdsLock(b) ? 10 : 0;
            }
        }
        return n;
    }

    public static void blockThrows(final Object lock)
    {
        synchronized (lock)
        {
            throw new IllegalStateException("boom");
        }
    }

    public synchronized boolean syncMethod()
    {
        count++;
        return Thread.holdsLock(this);
    }

    public synchronized long syncLong(final long a)
    {
        if (a < 0)
        {
            return -a;
        }
        return a * 2;
    }

    public synchronized void syncThrows()
    {
        count++;
        throw new IllegalStateException("boom");
    }

    public static synchronized boolean staticSync()
    {
        return Thread.holdsLock(Monitors.class);
    }

    public static synchronized void staticSyncThrows()
    {
        throw new IllegalStateException("boom");
    }

    public static void waitNotify(final Object o) throws InterruptedException
    {
        synchronized (o)
        {
            o.wait(1);
            o.wait(1, 5);
            o.notify();
            o.notifyAll();
        }
    }

    public static void waitForever(final Object o) throws InterruptedException
    {
        synchronized (o)
        {
            o.wait();
        }
    }

    public static void notifyThroughInterface(final Runnable r)
    {
        synchronized (r)
        {
            r.notifyAll();
        }
    }
}
