package io.ssijava.threads.cont;

/**
 * The body of {@link Cont#poll()}, alone in a class so that an agent can redefine it ({@link Cont#foldPolls}): to
 * {@code return 0} while no thread has a request, and to {@code return Cont.readActive()} while some thread has.
 * Redefinition deoptimizes the compiled code that inlined the old body, in C1 and C2 alike; C1 code that goes
 * through the call site below pays a call at every check instead (a recursive method compiled by C1 alone: 11x).
 * Without an agent the body is this one: the call site, which only C2 folds.
 */
final class Poll
{
    private Poll()
    {
    }

    static int poll()
    {
        try
        {
            return (int)PollSite.POLL.invokeExact();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t); // the site's targets throw nothing
        }
    }
}
