package io.ssijava.checkpoint.levels;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which levels each checkpoint of a job is written to, after the two hierarchical schemes of Hwang et al. (Table 2
 * of "Designing SSI clusters with hierarchical checkpointing and single I/O space"):
 * <ul>
 * <li><b>Scheme B</b> (three levels, adaptive; the default): every checkpoint on the node's local disk, every
 * {@code m}-th also mirrored on the neighbour, every {@code m·n}-th also on stable storage.</li>
 * <li><b>Scheme A</b> (two levels, interleaved): every checkpoint in the node's memory and mirrored on the
 * neighbour's disk, every {@code m·n}-th also on stable storage. It writes more (a mirror each time) and recovers
 * from a lost node faster (the newest checkpoint is always mirrored).</li>
 * </ul>
 * Checkpoints are numbered from 1.
 *
 * @param scheme A or B.
 * @param m      every m-th checkpoint is mirrored (Scheme B).
 * @param n      every m·n-th checkpoint goes to stable storage.
 */
public record Schedule(Scheme scheme, int m, int n)
{
    /** The paper's two schemes. */
    public enum Scheme
    {
        A, B;

        /** @return the scheme named (a or b, any case). */
        public static Scheme named(final String name)
        {
            try
            {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("no checkpoint scheme \"" + name + "\": A or B");
            }
        }
    }

    /** Scheme B, every 4th checkpoint mirrored, every 16th to stable storage. */
    public static final Schedule DEFAULT = new Schedule(Scheme.B, 4, 4);

    public Schedule
    {
        if (scheme == null)
        {
            throw new IllegalArgumentException("no checkpoint scheme");
        }
        if (m < 1 || n < 1)
        {
            throw new IllegalArgumentException("--mirror-every and --stable-every must be at least 1, not " + m +
                " and " + n);
        }
        if ((long)m * n > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("--mirror-every times --stable-every is too large: " + m + " x " + n);
        }
    }

    /**
     * @param checkpoint the checkpoint's number, from 1.
     * @return the levels it is written to; always LOCAL.
     */
    public Set<Level> levels(final long checkpoint)
    {
        if (checkpoint < 1)
        {
            throw new IllegalArgumentException("checkpoints are numbered from 1, not " + checkpoint);
        }
        final Set<Level> out = EnumSet.of(Level.LOCAL);
        if (scheme == Scheme.A || checkpoint % m == 0)
        {
            out.add(Level.MIRROR);
        }
        if (checkpoint % ((long)m * n) == 0)
        {
            out.add(Level.STABLE);
        }
        return out;
    }

    /** @return the farthest level the checkpoint is written to, as reports name it. */
    public Level highest(final long checkpoint)
    {
        Level top = Level.LOCAL;
        for (final Level l : levels(checkpoint))
        {
            top = l.ordinal() > top.ordinal() ? l : top;
        }
        return top;
    }
}
