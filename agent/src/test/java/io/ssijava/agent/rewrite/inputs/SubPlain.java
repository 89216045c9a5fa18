package io.ssijava.agent.rewrite.inputs;

public class SubPlain extends Plain
{
    public int extra;
}
