package io.ssijava.agent.rewrite.inputs;

public class Statics
{
    public static int counter;
    public static long big;
    public static volatile int vol;
    public static final Object FINAL_OBJ = new Object();

    public static int getCounter()
    {
        return counter;
    }

    public static void setCounter(final int v)
    {
        counter = v;
    }

    public static long getBig()
    {
        return big;
    }

    public static void setBig(final long v)
    {
        big = v;
    }

    public static long addBig(final long by)
    {
        return big += by;
    }

    public static Object getFinal()
    {
        return FINAL_OBJ;
    }

    public static void setVol(final int v)
    {
        vol = v;
    }
}
