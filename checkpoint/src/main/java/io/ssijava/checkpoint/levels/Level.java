package io.ssijava.checkpoint.levels;

/**
 * Where a copy of a node's part of a checkpoint lives, nearest first: recovery takes the nearest level that still
 * holds a sound copy.
 */
public enum Level
{
    /** The node's own memory or local disk (a 1-checkpoint): survives a transient failure of the node. */
    LOCAL("1"),
    /** A copy on the neighbour node (an M-checkpoint): survives the loss of the node. */
    MIRROR("M"),
    /** Stable storage shared by the nodes (an N-checkpoint): survives the loss of a node and its neighbour. */
    STABLE("N");

    private final String label;

    Level(final String label)
    {
        this.label = label;
    }

    /** @return the level's name in reports: 1, M or N. */
    public String label()
    {
        return label;
    }
}
