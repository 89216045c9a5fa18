package io.ssijava.agent.rewrite.inputs;

/** A program's main class: its main records what it got and whether it ran on the thread that called it. */
public final class MainProgram
{
    public static final Object[] SEEN = new Object[2];

    private MainProgram()
    {
    }

    public static void main(final String[] args)
    {
        SEEN[0] = args[0];
        SEEN[1] = Thread.currentThread();
    }
}
