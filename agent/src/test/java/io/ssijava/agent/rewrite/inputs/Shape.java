package io.ssijava.agent.rewrite.inputs;

import java.util.List;

public interface Shape
{
    List<String> NAMES = List.of("square", "circle");
    int[] TABLE = {1, 2, 3};

    double area();

    default String describe()
    {
        return NAMES.get(0) + ":" + area() + ":" + TABLE[2];
    }

    default int sumOf(final int[] values)
    {
        int s = 0;
        for (final int v : values)
        {
            s += v;
        }
        return s;
    }

    /** A call inside the loop: no hoisting, every element read is checked. */
    default int sumAbs(final int[] values)
    {
        int s = 0;
        for (int i = 0; i < values.length; i++)
        {
            s += Math.abs(values[i]);
        }
        return s;
    }

    static Shape square(final double side)
    {
        return new Square(side);
    }
}
