package io.ssijava.threads;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * The thread object this node uses for each cluster thread handle: the thread itself for threads started or run
 * here, a stand-in for threads that run elsewhere. Decoding a handle must give back the same object for as long as
 * anything here can still compare against it, and no longer: the map holds its threads weakly, so a program that
 * starts many short-lived threads (a cached pool) does not keep every ended one. A running thread is reachable by
 * itself, so it is never dropped while it runs.
 */
final class ThreadProxies
{
    private final ConcurrentHashMap<Long, Ref> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Thread> cleared = new ReferenceQueue<>();

    /** @return the thread known for the handle, or null. */
    Thread get(final long handle)
    {
        final Ref r = map.get(handle);
        return r == null ? null : r.get();
    }

    /** Makes {@code t} the thread of the handle. */
    void put(final long handle, final Thread t)
    {
        purge();
        map.put(handle, new Ref(handle, t, cleared));
    }

    /** Makes {@code t} the thread of the handle unless a live one is known. */
    void putIfAbsent(final long handle, final Thread t)
    {
        computeIfAbsent(handle, h -> t);
    }

    /** @return the live thread known for the handle, or the one {@code make} returns, which becomes it. */
    Thread computeIfAbsent(final long handle, final LongFunction<Thread> make)
    {
        return compute(handle, known -> known != null ? known : make.apply(handle));
    }

    /**
     * Replaces the thread of the handle by what {@code choose} returns, given the live one known (or null), as one
     * step: a decoding of the handle meanwhile gets either the thread before or the one chosen, never one that is
     * then replaced.
     *
     * @return the thread chosen.
     */
    Thread compute(final long handle, final UnaryOperator<Thread> choose)
    {
        purge();
        final Thread[] out = new Thread[1];
        map.compute(handle, (h, r) ->
        {
            final Thread known = r == null ? null : r.get();
            out[0] = choose.apply(known);
            return out[0] == known ? r : new Ref(handle, out[0], cleared);
        });
        return out[0];
    }

    /** @return how many handles are mapped (cleared ones included until the next update purges them). */
    int size()
    {
        return map.size();
    }

    /** Drops the entries whose thread was collected. */
    void purge()
    {
        Ref r;
        while ((r = (Ref)cleared.poll()) != null)
        {
            map.remove(r.handle, r);
        }
    }

    private static final class Ref extends WeakReference<Thread>
    {
        final long handle;

        Ref(final long handle, final Thread t, final ReferenceQueue<Thread> q)
        {
            super(t, q);
            this.handle = handle;
        }
    }
}
