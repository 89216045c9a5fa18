package io.ssijava.agent.rewrite.inputs;

public class SizeEmpty
{
    
}
