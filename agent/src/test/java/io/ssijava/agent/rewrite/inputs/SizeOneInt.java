package io.ssijava.agent.rewrite.inputs;

public class SizeOneInt
{
    public int i;
}
