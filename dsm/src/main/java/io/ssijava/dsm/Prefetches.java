package io.ssijava.dsm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fault fetches along with the entity it is for: the invalid copies of the arrays (objects) shared right
 * after a faulting array (object) at the same home, up to {@link #BYTES} ({@link #OBJECTS}). The rows of a matrix, or
 * the objects of an array, get consecutive ids when they are shared together, and a node that holds a copy of the
 * matrix (array) already has an invalid copy of each: a thread that walks them faults once per several.
 * <p>
 * Readahead: a fault of the array right after the last one a fault of an array fetched (a thread walking rows in
 * order) fetches twice as much along as that fault did, up to {@link #MAX_BYTES}; any other fault starts again at
 * {@link #BYTES}. A node multiplying 2,000 x 2,000 matrices of doubles faulted 501 times, now 71.
 * <p>
 * Each one fetched along is marked as being fetched, as a fault of its own would, and installed with the
 * invalidation and diff counts it had when asked. The home serves each under its own lock, not under the faulting
 * entity's, so an invalidation may overtake the reply; the counts then leave the copy invalid.
 */
final class Prefetches
{
    /** How much a fault of an array fetches at most, arrays made right after it included (0: just that one). */
    static final long BYTES = Long.getLong("ssi.prefetchBytes", 8L * ObjectSpace.CHUNK_BYTES);
    /** How much a fault of an array fetches at most once a walk in order has doubled it (0: just that one). */
    static final long MAX_BYTES = BYTES == 0 ? 0 : Math.max(BYTES, Long.getLong("ssi.prefetchMaxBytes", 8 * BYTES));
    /** How many walks in order are followed at once: the rows of A, of B and of C in a matrix product. */
    private static final int WALKS = 64;
    /** The most entities one FETCH asks for along (what a home accepts). */
    static final int MAX_ALONG = 1024;
    /** How many objects made right after a faulting one its fault fetches at most (0: none). */
    static final int OBJECTS = Math.min(MAX_ALONG, Integer.getInteger("ssi.prefetchObjects", MAX_ALONG));

    private final ObjectSpace space;
    /** Walks in order: the id after the last array a fault fetched -> how many bytes that fault allowed. */
    private final Map<Long, Long> walks = new LinkedHashMap<>() // a walk goes on by removal and a new entry
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<Long, Long> eldest)
        {
            return size() > WALKS;
        }
    };

    /** An entity fetched along with a faulting one, and what the fault saw of it when it asked. */
    static final class Along
    {
        final Meta meta;
        final int gen;
        final int diffs;
        final int[] wanted;

        Along(final Meta meta, final int gen, final int diffs, final int[] wanted)
        {
            this.meta = meta;
            this.gen = gen;
            this.diffs = diffs;
            this.wanted = wanted;
        }
    }

    Prefetches(final ObjectSpace space)
    {
        this.space = space;
    }

    /** Chooses, and marks as being fetched, what a fault of m (wanting that many chunks of it) fetches along. */
    List<Along> select(final Meta m, final int wantedChunks)
    {
        if (m.kind != Meta.Kind.ARRAY && m.kind != Meta.Kind.OBJECT)
        {
            return List.of();
        }
        List<Along> out = List.of();
        long bytes = (long)wantedChunks * ObjectSpace.CHUNK_BYTES;
        final long budget = m.kind == Meta.Kind.ARRAY ? readahead(m.gid) : 0;
        long gid = m.gid + 1;
        for (; Meta.homeOf(gid) == Meta.homeOf(m.gid); gid++)
        {
            if (m.kind == Meta.Kind.ARRAY ? bytes >= budget : out.size() >= OBJECTS)
            {
                break;
            }
            final Meta x = space.byGid(gid);
            if (x == null || x.kind != m.kind || x.home != m.home)
            {
                break;
            }
            synchronized (x)
            {
                if (x.state >= 0 || x.fetching || x.diffInFlight)
                {
                    break;
                }
                final int[] wanted = ObjectSpace.invalidChunks(x);
                x.fetching = true;
                if (out.isEmpty())
                {
                    out = new ArrayList<>();
                }
                out.add(new Along(x, x.invalidations, x.diffsSent, wanted));
                bytes += wanted == null ? 0 : (long)wanted.length * ObjectSpace.CHUNK_BYTES;
            }
        }
        if (m.kind == Meta.Kind.ARRAY && !out.isEmpty())
        {
            synchronized (walks)
            {
                walks.put(gid, budget);
            }
        }
        return out;
    }

    /** The budget of a fault of the array with id gid: doubled if it goes on a walk in order, else the first. */
    private long readahead(final long gid)
    {
        final Long last;
        synchronized (walks)
        {
            last = walks.remove(gid);
        }
        return last == null ? BYTES : Math.min(MAX_BYTES, 2 * last);
    }

    /** Appends to a FETCH request: the count, then per entity its id (and for an array the chunks wanted). */
    static void ask(final WireOut req, final List<Along> along)
    {
        if (along.isEmpty())
        {
            return;
        }
        req.putInt(along.size());
        for (final Along x : along)
        {
            req.putLong(x.meta.gid);
            if (x.wanted != null)
            {
                putChunks(req, x.wanted);
            }
        }
    }

    static void putChunks(final WireOut out, final int[] chunks)
    {
        out.putInt(chunks.length);
        for (final int c : chunks)
        {
            out.putInt(c);
        }
    }

    /** Installs what the reply, after the faulting entity, carries of those fetched along. */
    void install(final WireIn reply, final List<Along> along)
    {
        for (final Along x : along)
        {
            if (reply.getBoolean())
            {
                space.install(x.meta, reply, x.gen, x.diffs, x.wanted);
            }
        }
    }

    /** The faulting entity and those fetched along: every one the fault marked as being fetched. */
    static List<Meta> fetched(final Meta m, final List<Along> along)
    {
        final List<Meta> out = new ArrayList<>(1 + along.size());
        out.add(m);
        for (final Along x : along)
        {
            out.add(x.meta);
        }
        return out;
    }

    /**
     * The home's side: per entity asked for along a fault of one of the given kind, true and its chunks (fields),
     * or false if it is none of that kind homed here, or if it cannot be sent (a field that cannot be shared): the
     * requester's own access to it then gets the error, not the fault that asked for it along. With
     * {@code releasedOnly}, also false for one whose parts asked for hold a write not released yet (see
     * {@link ObjectSpace#serveFetchAtOnce}).
     */
    WireOut serve(final int from, final WireIn in, final Meta.Kind kind, final boolean releasedOnly)
    {
        final int n = in.getCount(MAX_ALONG);
        final WireOut out = new WireOut();
        for (int k = 0; k < n; k++)
        {
            final Meta x = space.byGid(in.getLong());
            final int[] chunks = kind == Meta.Kind.ARRAY ? ObjectSpace.readChunks(in, x) : null;
            // at most BYTES along for objects, whose fields may carry large values (strings, lists)
            final long most = kind == Meta.Kind.ARRAY ? MAX_BYTES : BYTES;
            final boolean serve = out.length() < most && x != null && x.home == space.self && x.kind == kind &&
                (kind == Meta.Kind.OBJECT || kind == Meta.Kind.ARRAY && chunks != null);
            final int mark = out.length();
            out.putBoolean(serve);
            if (!serve)
            {
                continue;
            }
            try
            {
                synchronized (x)
                {
                    if (releasedOnly && !space.releasedHere(x, chunks))
                    {
                        out.rewind(mark);
                        out.putBoolean(false);
                        continue;
                    }
                    if (chunks != null)
                    {
                        space.writeChunks(out, x, chunks, from);
                    }
                    else
                    {
                        space.writeCopy(out, x, from);
                    }
                }
            }
            catch (final SsiException ex)
            {
                out.rewind(mark);
                out.putBoolean(false);
            }
        }
        return out;
    }
}
