package io.ssijava.agent.rewrite.inputs;

public class Cl implements Cloneable
{
    public int v;

    public Cl copy() throws CloneNotSupportedException
    {
        return (Cl)super.clone();
    }
}
