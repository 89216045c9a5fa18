package io.ssijava.agent.rewrite.inputs;

import io.ssijava.agent.rewrite.Probe;

/** Static fields of all kinds and an initializer with a visible side effect. */
public class Init
{
    public static int b = 2;
    public static long a = 1L;
    public static String c = "orig";
    public static final Object d = Probe.log("Init.d");
    public static boolean e = true;
    public static double[] f = {1.5, 2.5};
    public static char g = 'g';

    static
    {
        Probe.log("Init.<clinit>");
    }

    private Init()
    {
    }

    /** An array access: the class has an ArrayGuard, which must be set up on either path. */
    public static double firstF()
    {
        return f[0];
    }

    public static String dump()
    {
        return a + "," + b + "," + c + "," + d + "," + e + "," + f.length + "," + g;
    }
}
