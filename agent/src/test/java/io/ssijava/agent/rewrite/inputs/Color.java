package io.ssijava.agent.rewrite.inputs;

public enum Color
{
    RED, GREEN, BLUE;

    public static int counter;

    public Color next()
    {
        counter++;
        return values()[(ordinal() + 1) % values().length];
    }
}
