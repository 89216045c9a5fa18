package io.ssijava.agent.rewrite.inputs;

public record Pair(int a, String b)
{
    public static int created;

    public Pair
    {
        created++;
    }

    public int twice()
    {
        return a * 2;
    }
}
