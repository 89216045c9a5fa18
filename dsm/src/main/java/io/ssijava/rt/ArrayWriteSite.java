package io.ssijava.rt;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;

/**
 * What the array write checks of application classes read first instead of {@link ArrayGuard#trappedArrays}: a
 * call site whose target answers 0 without reading memory until this node holds its first shared array, and reads
 * {@code trappedArrays} (volatile, as before) from then on.
 * <p>
 * Until then no array can be write-trapped, so 0 is what {@code trappedArrays} holds anyway; but a volatile read in
 * every iteration kept a loop's loads in the loop and its stores out of vector code (a node's own 64x64 matrix
 * product: 5.6x plain java). Folded to a constant, the check disappears and the loop compiles as in plain java.
 * <p>
 * {@link #arm()} runs before the first array is registered as shared: changing the target deoptimizes every
 * compiled method that inlined the constant, and returns once they are, so a loop that goes on writing the array
 * continues in the interpreter, where the check reads {@code trappedArrays} again. The site never goes back: a node
 * that shares arrays keeps some of them write-trapped between releases.
 * <p>
 * Used only by classes loaded after the runtime starts: the instrumented JDK's own checks read the field directly,
 * since they run before {@code java.lang.invoke} can be used.
 * <p>
 * Do not use -- for internal use only.
 */
public final class ArrayWriteSite
{
    private static final MutableCallSite SITE = new MutableCallSite(MethodHandles.constant(int.class, 0));
    /** The site's invoker: a constant, so that the JIT inlines the site's target and depends on it. */
    private static final MethodHandle TRAPPED = SITE.dynamicInvoker();
    private static final Object LOCK = new Object();
    /** Whether the site reads the field; written under LOCK. */
    private static volatile boolean armed;

    private ArrayWriteSite()
    {
    }

    /**
     * The number of write-trapped shared arrays on this node, or 0 before it shared any array.
     *
     * @return {@link ArrayGuard#trappedArrays} once armed, else 0.
     */
    public static int trapped()
    {
        try
        {
            return (int)TRAPPED.invokeExact();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t); // the site's targets throw nothing
        }
    }

    /** Called before any array becomes shared on this node: from now on the checks read the field. Idempotent. */
    public static void arm()
    {
        if (armed)
        {
            return;
        }
        synchronized (LOCK)
        {
            if (armed)
            {
                return;
            }
            try
            {
                SITE.setTarget(MethodHandles.lookup().findStaticGetter(ArrayGuard.class, "trappedArrays", int.class));
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException(ex);
            }
            MutableCallSite.syncAll(new MutableCallSite[] {SITE});
            armed = true;
        }
    }

    /** @return whether the checks read the field (for tests). */
    public static boolean armed()
    {
        return armed;
    }
}
