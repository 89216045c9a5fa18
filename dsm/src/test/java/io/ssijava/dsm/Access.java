package io.ssijava.dsm;

import io.ssijava.rt.Managed;
import io.ssijava.rt.Ssi;

/** The checks the agent inlines into rewritten code, done by hand: read and write traps on the state word. */
final class Access
{
    private Access()
    {
    }

    static Meta meta(final Node node, final Object o)
    {
        final Meta m = node.space().metaOf(o);
        if (m == null)
        {
            throw new AssertionError("not shared on node " + node.self() + ": " + o);
        }
        return m;
    }

    /** Before reading a field: {@code if (o.__ssi_s < 0) Ssi.readMiss(o)}. */
    static void read(final Node node, final Managed o)
    {
        if (o.__ssi_state() < 0)
        {
            node.space().fault(meta(node, o));
        }
    }

    /** Before writing a field: {@code if ((o.__ssi_s & WTRAP) != 0) Ssi.writeMiss(o)}. */
    static void write(final Node node, final Managed o)
    {
        if ((o.__ssi_state() & Ssi.WTRAP) != 0)
        {
            node.space().writeMiss(meta(node, o));
        }
    }

    static void readArray(final Node node, final Object array)
    {
        final Meta m = node.space().metaOf(array);
        if (m != null && state(m) < 0)
        {
            node.space().fault(m);
        }
    }

    static void writeArray(final Node node, final Object array)
    {
        final Meta m = node.space().metaOf(array);
        if (m != null)
        {
            node.space().writeMiss(m);
        }
    }

    /** The state word as the runtime last set it (read under the Meta's monitor, as the runtime writes it). */
    static int state(final Meta m)
    {
        synchronized (m)
        {
            return m.state;
        }
    }

    static int state(final Node node, final Object o)
    {
        return state(meta(node, o));
    }

    static boolean invalid(final Node node, final Object o)
    {
        return state(node, o) < 0;
    }

    /** Valid and clean: reads do not trap, writes do. */
    static boolean validClean(final Node node, final Object o)
    {
        final int s = state(node, o);
        return s >= 0 && (s & Ssi.WTRAP) != 0;
    }
}
