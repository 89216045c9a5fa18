package io.ssijava.agent.rewrite.inputs;

import io.ssijava.agent.rewrite.Probe;

public class Point
{
    public int x;
    public long l;
    public double d;
    public Object ref;
    public volatile int v;
    public volatile long vl;

    public Point()
    {
    }

    /** Writes and reads {@code this} around a hook that may change the state word: none of these is checked. */
    public Point(final int x)
    {
        this.x = x;
        Probe.hook(this);
        this.x = this.x + 1;
        this.l = this.x * 10L;
        this.d = this.l / 4.0;
    }

    /** Copy constructor: the reads of {@code other} are checked, the writes to {@code this} are not. */
    public Point(final Point other)
    {
        this.x = other.x;
        this.l = other.l;
        this.d = other.d;
        this.ref = other.ref;
    }
}
