package io.ssijava.agent.rewrite.inputs;

import java.util.ArrayList;

/** Root of its application hierarchy but not a direct subclass of Object: state field, no injected hashCode. */
public class ListSub extends ArrayList<String>
{
    private static final long serialVersionUID = 1L;

    public int touches;

    public int bump()
    {
        modCount++;
        return ++touches;
    }
}
