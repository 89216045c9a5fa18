package io.ssijava.dsm;

import io.ssijava.rt.Managed;

/**
 * Stand-ins for application classes as the agent would rewrite them (after the dsm module's test fixture
 * {@code TestTypes}): the injected state word {@code __ssi_s} and the two {@link Managed} accessors, written by
 * hand. Public, so that the JMH-generated code in another package may name them if it ever needs to.
 */
public final class BenchTypes
{
    private BenchTypes()
    {
    }

    /** A small shared object: two ints and a double (three fields on the wire). */
    public static final class Sample implements Managed
    {
        public int __ssi_s;
        int a;
        int b;
        double c;

        @Override
        public int __ssi_state()
        {
            return __ssi_s;
        }

        @Override
        public void __ssi_state(final int state)
        {
            __ssi_s = state;
        }
    }

    /** An object used as a monitor, with a counter that the critical section bumps. */
    public static final class LockBox implements Managed
    {
        public int __ssi_s;
        int count;

        @Override
        public int __ssi_state()
        {
            return __ssi_s;
        }

        @Override
        public void __ssi_state(final int state)
        {
            __ssi_s = state;
        }
    }
}
