package io.ssijava.agent.rewrite.inputs;

public class WithHash
{
    @Override
    public int hashCode()
    {
        return 77;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof WithHash;
    }
}
