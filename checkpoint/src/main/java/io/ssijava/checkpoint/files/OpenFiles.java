package io.ssijava.checkpoint.files;

import io.ssijava.dsm.ExternalValues;
import io.ssijava.dsm.WireOut;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's table of the open files its checkpoints keep ({@link FileChain}). A value gets its index the first time a
 * capture writes it, and keeps it for the job's life, so that an object written in an earlier (base) part and one
 * written now name the same file the same way; each part then writes the whole table as it stands, so the newest
 * part says where every file is. Values that are not files, nor anything else open, get no index: they still cannot
 * be shared.
 */
public final class OpenFiles implements ExternalValues
{
    /** Guarded by this. */
    private final Map<Object, Integer> indexes = new IdentityHashMap<>();
    private final List<Object> values = new ArrayList<>();

    @Override
    public synchronized int indexOf(final Object value)
    {
        final Integer known = indexes.get(value);
        if (known != null)
        {
            return known;
        }
        if (!FileChain.isOpenable(value))
        {
            return -1;
        }
        indexes.put(value, values.size());
        values.add(value);
        return values.size() - 1;
    }

    @Override
    public Object valueAt(final int node, final int index)
    {
        throw new IllegalStateException("a capture's table of open files is not a restore's");
    }

    /**
     * Writes the table: each value's chain as it is now (writers are flushed). Call while the program's threads are
     * held.
     *
     * @return what the checkpoint keeps that a restore cannot open again, if strict is set and there is such a
     * value that is open; null otherwise.
     * @throws IOException if a writer cannot be flushed or a file's offset read.
     */
    public synchronized String write(final WireOut out, final boolean strict) throws IOException
    {
        String refused = null;
        out.putInt(values.size());
        for (final Object v : values)
        {
            final FileChain c = FileChain.describe(v);
            c.write(out);
            if (strict && c.unrestorable != null && !c.closed && refused == null)
            {
                refused = c.unrestorable;
            }
        }
        return refused;
    }

    /** @return how many values the table holds. */
    public synchronized int size()
    {
        return values.size();
    }
}
