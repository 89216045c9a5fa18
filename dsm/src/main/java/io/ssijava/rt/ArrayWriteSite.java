package io.ssijava.rt;

/**
 * What the array write checks of application classes read first instead of {@link ArrayGuard#trappedArrays}:
 * {@link #trapped()}, which the agent redefines to answer the constant 0 when a node starts ({@link #fold}), and
 * redefines back to reading the field before the node's first array becomes shared ({@link #arm}).
 * <p>
 * Until then no array can be write-trapped, so 0 is what {@code trappedArrays} holds anyway; but a volatile read in
 * every iteration kept a loop's loads in the loop and its stores out of vector code (a node's own 64x64 matrix
 * product: 5.5x plain java). A constant lets the JIT drop the check and compile the loop as in plain java, in C1
 * code as in C2 code (a call site that C2 folds costs C1 code a call per write instead).
 * <p>
 * Redefining the method back deoptimizes every compiled method that inlined the constant, and returns once they
 * are: a loop that goes on writing the array continues in the interpreter, where the check reads
 * {@code trappedArrays} again. It never goes back to the constant: a node that shares arrays keeps some of them
 * write-trapped between releases. Without the agent (or before it folds) the method reads the field, as it must.
 * <p>
 * Do not use -- for internal use only.
 */
public final class ArrayWriteSite
{
    private static final Object LOCK = new Object();
    /** Redefines {@link #trapped()} back to reading the field, while it answers the constant; else null. */
    private static volatile Runnable unfold;

    private ArrayWriteSite()
    {
    }

    /**
     * The number of write-trapped shared arrays on this node (0 while the agent keeps this method folded).
     *
     * @return {@link ArrayGuard#trappedArrays}.
     */
    public static int trapped()
    {
        // the agent redefines this body to "return 0" (fold) and back (arm): keep it a single field read
        return ArrayGuard.trappedArrays;
    }

    /**
     * Makes {@link #trapped()} answer 0 until {@link #arm()}: called once by the agent when a node starts, before
     * any array can be shared.
     *
     * @param foldNow redefines {@code trapped()} to answer 0.
     * @param unfoldLater redefines it back to the field read.
     */
    public static void fold(final Runnable foldNow, final Runnable unfoldLater)
    {
        synchronized (LOCK)
        {
            if (unfold == null)
            {
                foldNow.run();
                unfold = unfoldLater;
            }
        }
    }

    /**
     * Whether the hoisted write checks of application classes ({@link ArrayGuard#checkHoistedWrite}) run: the agent
     * folds this to 0 with {@link #trapped()} and back to 1 with it.
     *
     * @return 1.
     */
    public static int hoisting()
    {
        // the agent redefines this body to "return 0" (fold) and back (arm)
        return 1;
    }

    /**
     * Called before any array becomes write-trapped on this node: from now on the checks read the field.
     *
     * @param afterUnfolding runs once, after the checks were unfolded and before any other caller returns.
     */
    public static void arm(final Runnable afterUnfolding)
    {
        if (unfold == null)
        {
            return;
        }
        synchronized (LOCK)
        {
            final Runnable u = unfold;
            if (u != null)
            {
                u.run();
                afterUnfolding.run();
                unfold = null;
            }
        }
    }

    /** @return whether the checks read the field (for tests). */
    public static boolean armed()
    {
        return unfold == null;
    }
}
