package io.ssijava.dsm;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * How many times each local thread is counted into a cluster monitor (its depth). A monitor mostly has one thread in
 * at a time: that one is kept in two fields, which spares an uncontended enter and exit the map's lookups and
 * updates; more threads (those let in and then blocked in the JVM's monitorenter) go to a map. Guarded by the
 * monitor of the {@link LockState} that holds it.
 */
final class Holders
{
    private Thread one;
    private int oneDepth;
    private Map<Thread, Integer> more;

    /** @return the thread's depth, 0 if it is not counted in. */
    int get(final Thread t)
    {
        if (t == one)
        {
            return oneDepth;
        }
        return more == null ? 0 : more.getOrDefault(t, 0);
    }

    boolean contains(final Thread t)
    {
        return t == one || more != null && more.containsKey(t);
    }

    /** Sets the thread's depth; 0 counts it out. */
    void set(final Thread t, final int depth)
    {
        if (t == one)
        {
            oneDepth = depth;
            if (depth == 0)
            {
                one = null;
            }
        }
        else if (depth == 0)
        {
            if (more != null)
            {
                more.remove(t);
            }
        }
        else if (one == null && (more == null || !more.containsKey(t)))
        {
            one = t;
            oneDepth = depth;
        }
        else
        {
            if (more == null)
            {
                more = new IdentityHashMap<>();
            }
            more.put(t, depth);
        }
    }

    /** Counts the thread out; @return the depth it had, 0 if it was not counted in. */
    int remove(final Thread t)
    {
        final int depth = get(t);
        set(t, 0);
        return depth;
    }

    /** Counts out every thread but {@code keep}; @return the sum of their depths. */
    int removeAllBut(final Thread keep)
    {
        int removed = 0;
        if (one != null && one != keep)
        {
            removed += oneDepth;
            one = null;
            oneDepth = 0;
        }
        if (more != null)
        {
            final Integer kept = more.get(keep);
            for (final Map.Entry<Thread, Integer> e : more.entrySet())
            {
                removed += e.getKey() == keep ? 0 : e.getValue();
            }
            more.clear();
            if (kept != null)
            {
                set(keep, kept);
            }
        }
        return removed;
    }
}
