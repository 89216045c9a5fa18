package io.ssijava.dsm;

/**
 * Values of the program's that are not part of the shared heap but that a checkpoint can keep and a restore make
 * again: open files. A checkpoint writes each as an index into a table of the node's part, which says what to
 * reopen; everywhere else such a value still cannot be shared.
 */
public interface ExternalValues
{
    /**
     * @param value a value of a class that cannot be shared.
     * @return the index it is written under in this node's table, or -1 if it is not a value this table keeps.
     */
    int indexOf(Object value);

    /**
     * @param node  the node whose part wrote the index.
     * @param index the index.
     * @return the value, made again (the same object for every reference to it).
     */
    Object valueAt(int node, int index);
}
