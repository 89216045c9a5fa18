package io.ssijava.agent.rewrite.inputs;

/** No statics of its own: accesses through this class name check the declaring class's statics. */
public class SubStatics extends Statics
{
    public static int readInherited()
    {
        return SubStatics.counter;
    }

    public static void writeInherited(final int v)
    {
        SubStatics.counter = v;
    }
}
