package io.ssijava.agent.rewrite.inputs;

public class Square implements Shape
{
    private final double side;

    public Square(final double side)
    {
        this.side = side;
    }

    @Override
    public double area()
    {
        return side * side;
    }
}
