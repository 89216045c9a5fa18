package io.ssijava.agent.rewrite.inputs;

/** Declares hashCode in terms of Object's: the super call is the identity hash and goes through the facade. */
public class SuperHash
{
    @Override
    public int hashCode()
    {
        return super.hashCode() + 1;
    }
}
