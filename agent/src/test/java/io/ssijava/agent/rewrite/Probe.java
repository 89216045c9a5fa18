package io.ssijava.agent.rewrite;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Shared between the tests and the rewritten input classes: loaded by the parent loader (its name is outside the
 * remapped inputs package and inside io.ssijava, so the rewriter leaves calls to it alone).
 */
public final class Probe
{
    /** Side effects of the input classes, in order. */
    public static final List<String> LOG = new CopyOnWriteArrayList<>();
    /** Called by {@link #hook(Object)} from inside input code (e.g. half-way through a constructor). */
    public static volatile Consumer<Object> hook = o -> { };

    private Probe()
    {
    }

    public static Object log(final String what)
    {
        LOG.add(what);
        return what;
    }

    public static void hook(final Object o)
    {
        hook.accept(o);
    }

    static void reset()
    {
        LOG.clear();
        hook = o -> { };
    }
}
