package io.ssijava.rt;

/**
 * A thread's span of program code between two points where it runs no loop whose array write checks the agent
 * moved in front of the loop ({@link ArrayGuard#checkHoistedWrite}). The arrays such a check passed stay writable
 * without traps for the rest of the span; a guard remembers a passed check together with the span's epoch.
 * <p>
 * Do not use -- for internal use only.
 */
public class WriteScope
{
    /** Changed by the runtime on the scope's own thread only, when the span ends. */
    public int epoch;
}
