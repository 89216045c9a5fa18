package io.ssijava.agent.rewrite.inputs;

/** Enum with constant bodies (subclasses of an application enum). */
public enum Op
{
    PLUS
    {
        @Override
        public int apply(final int a, final int b)
        {
            return a + b;
        }
    },
    TIMES
    {
        @Override
        public int apply(final int a, final int b)
        {
            return a * b;
        }
    };

    public abstract int apply(int a, int b);
}
