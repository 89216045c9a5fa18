package io.ssijava.agent.rewrite.inputs;

import java.util.function.IntSupplier;

public class Outer
{
    private int secret = 41;

    public class Inner
    {
        private final int add;

        public Inner(final int add)
        {
            this.add = add;
        }

        public int peek()
        {
            secret += add;
            return secret;
        }
    }

    public static class Nested
    {
        public int v = 5;
    }

    public int viaAnonymous(final int k)
    {
        final IntSupplier s = new IntSupplier()
        {
            private final int base = secret;

            @Override
            public int getAsInt()
            {
                return base + k;
            }
        };
        return s.getAsInt();
    }

    public int viaLocalClass()
    {
        class Local
        {
            int twice()
            {
                return secret * 2;
            }
        }
        return new Local().twice();
    }
}
