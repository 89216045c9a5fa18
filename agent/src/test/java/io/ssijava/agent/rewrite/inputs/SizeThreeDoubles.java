package io.ssijava.agent.rewrite.inputs;

public class SizeThreeDoubles
{
    public double a, b, c;
}
