package io.ssijava.agent.rewrite.inputs;

import java.io.Serializable;
import java.util.function.Function;
import java.util.function.Supplier;

public final class Lambdas
{
    private Lambdas()
    {
    }

    public static Supplier<String> capture(final String s)
    {
        return () -> s + "!";
    }

    public static Function<String, Integer> methodRef()
    {
        return String::length;
    }

    public static Runnable serializable(final int[] box)
    {
        return (Runnable & Serializable)() -> box[0]++;
    }

    public static String concat(final String a, final int b, final long c, final double d, final Object o)
    {
        return a + b + "-" + c + "-" + d + "-" + o;
    }
}
