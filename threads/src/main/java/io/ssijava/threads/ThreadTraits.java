package io.ssijava.threads;

import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;

/**
 * What a thread of the program is, apart from what it runs: the same on every node that starts or receives it.
 *
 * @param name     its name.
 * @param id       the id of the object the program made ({@code Thread.getId()}).
 * @param daemon   its daemon flag.
 * @param priority its priority.
 */
record ThreadTraits(String name, long id, boolean daemon, int priority)
{
    static ThreadTraits of(final Thread t)
    {
        return new ThreadTraits(t.getName(), t.getId(), t.isDaemon(), t.getPriority());
    }

    static ThreadTraits read(final WireIn in)
    {
        return new ThreadTraits(in.getString(), in.getLong(), in.getBoolean(), in.getInt());
    }

    void write(final WireOut out)
    {
        out.putString(name).putLong(id).putBoolean(daemon).putInt(priority);
    }

    /** Gives a thread object that has not started these traits. */
    void applyTo(final Thread t)
    {
        ThreadIds.adopt(t, id);
        t.setName(name);
        t.setDaemon(daemon);
        t.setPriority(Math.max(Thread.MIN_PRIORITY, Math.min(Thread.MAX_PRIORITY, priority)));
    }
}
