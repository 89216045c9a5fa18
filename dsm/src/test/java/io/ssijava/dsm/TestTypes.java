package io.ssijava.dsm;

import io.ssijava.rt.Managed;

/**
 * Stand-ins for application classes as the agent would rewrite them: the injected state word {@code __ssi_s} and
 * the two {@link Managed} accessors, written by hand.
 */
final class TestTypes
{
    private TestTypes()
    {
    }

    static final class Point implements Managed
    {
        public int __ssi_s;
        int x;
        double y;
        Point next;
        String label;

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

    static final class Counter implements Managed
    {
        public int __ssi_s;
        int value;
        boolean flag;

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

    /** A class with a volatile field, as the JDK's lock and queue nodes have. */
    static final class Flag implements Managed
    {
        public int __ssi_s;
        volatile int status;
        int data;

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

    /** A rewritten abstract class: never a valid type for a copy. */
    abstract static class AbstractShape implements Managed
    {
        public int __ssi_s;
        int sides;

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

    /** A rewritten interface: never a valid type for a copy. */
    interface ManagedShape extends Managed
    {
    }

    record Pair(int a, String b)
    {
    }

    enum Color
    {
        RED, GREEN, BLUE
    }
}
