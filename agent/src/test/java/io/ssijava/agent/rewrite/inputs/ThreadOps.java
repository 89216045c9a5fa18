package io.ssijava.agent.rewrite.inputs;

public final class ThreadOps
{
    private ThreadOps()
    {
    }

    public static boolean startJoin(final Thread t) throws InterruptedException
    {
        t.start();
        t.join();
        return t.isAlive();
    }

    public static boolean startJoinWorker(final Worker w) throws InterruptedException
    {
        w.start();
        w.join(10_000);
        return w.isAlive();
    }

    public static void startCustom(final CustomStart c) throws InterruptedException
    {
        c.start();
        c.join(10_000);
    }

    /** A CustomStart seen as a plain Thread: virtual dispatch must still reach its start() override. */
    public static void startAsThread(final Thread t) throws InterruptedException
    {
        t.start();
        t.join(10_000);
    }

    public static boolean alive(final Thread t)
    {
        return t.isAlive();
    }

    public static String exit(final int status)
    {
        System.exit(status);
        return "after";
    }

    public static String runtimeExit(final int status)
    {
        Runtime.getRuntime().exit(status);
        return "after";
    }

    public static int identity(final Object o)
    {
        return System.identityHashCode(o);
    }

    public static int hash(final Object o)
    {
        return o.hashCode();
    }
}
