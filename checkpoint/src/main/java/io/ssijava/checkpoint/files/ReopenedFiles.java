package io.ssijava.checkpoint.files;

import io.ssijava.dsm.ExternalValues;
import io.ssijava.dsm.SsiException;
import io.ssijava.dsm.WireIn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open files of the checkpoint a node restores, by the old node whose part kept them: each is opened again the
 * first time a restored thread or object refers to it, and is the same object for every reference.
 */
public final class ReopenedFiles implements ExternalValues
{
    private final Map<Integer, List<FileChain>> tables = new HashMap<>();
    /** Guarded by this. */
    private final Map<Long, Object> opened = new HashMap<>();

    /** Reads an old node's table, as {@link OpenFiles#write} wrote it. */
    public void read(final int oldNode, final WireIn in)
    {
        final int n = in.getCount(1 << 20);
        final List<FileChain> table = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            table.add(FileChain.read(in));
        }
        tables.put(oldNode, table);
    }

    /** @return what the tables keep, open, that cannot be opened again: one line each; empty if nothing. */
    public List<String> notReopenable()
    {
        final List<String> out = new ArrayList<>();
        tables.forEach((node, table) ->
        {
            for (final FileChain c : table)
            {
                if (c.unrestorable != null && !c.closed)
                {
                    out.add("node " + node + "'s part holds " + c.unrestorable);
                }
            }
        });
        return out;
    }

    /** @return how many files the tables hold. */
    public int size()
    {
        return tables.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public int indexOf(final Object value)
    {
        return -1;
    }

    @Override
    public synchronized Object valueAt(final int node, final int index)
    {
        final long key = (long)node << 32 | index;
        final Object known = opened.get(key);
        if (known != null)
        {
            return known;
        }
        final List<FileChain> table = tables.get(node);
        if (table == null || index < 0 || index >= table.size())
        {
            throw new SsiException("the checkpoint names open file " + index + " of node " + node +
                ", which its part does not hold");
        }
        try
        {
            final Object v = table.get(index).reopen();
            opened.put(key, v);
            return v;
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new SsiException("cannot open again " + table.get(index).what + ": " + ex.getMessage(), ex);
        }
    }
}
