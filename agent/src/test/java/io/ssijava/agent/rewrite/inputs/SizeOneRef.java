package io.ssijava.agent.rewrite.inputs;

public class SizeOneRef
{
    public Object r;
}
