package io.ssijava.agent.rewrite.inputs;

public class SubPoint extends Point
{
    public int y;

    public SubPoint()
    {
    }

    public SubPoint(final Point other, final int y)
    {
        super(other);
        this.y = y + other.x;
    }
}
