package io.ssijava.threads.cont;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.concurrent.TimeUnit;

/**
 * What every capture check ({@link Cont#poll()}) runs: a call site whose target answers 0 without reading memory
 * while no thread of this JVM has anything to do at its safe points (disarmed), and reads {@link Cont#active} with
 * opaque order while some thread has (armed).
 * <p>
 * Disarmed, the JIT compiles the poll to nothing: the checks and loads of a loop that calls small methods stay
 * hoistable and vectorizable, as in the program without polls (an opaque read in every iteration kept them in the
 * loop: iterating a local {@code ArrayList} on a node cost 3-4x plain java). Arming changes the target, which
 * deoptimizes every compiled method that inlined it; a thread in such a loop goes on in the interpreter at its
 * next JVM safepoint, where the poll reads {@code active} again. Disarming deoptimizes them once more, so it waits
 * until no thread has had a request for {@link #DISARM_NANOS}: periodic checkpoints or a balancer's moves keep the
 * site armed instead of deoptimizing the program at each of them.
 * <p>
 * The checks at a method's entry and after its calls go through the site too: a plain read of {@code active} there
 * cost a load and a branch per call, and kept the code that saves frames alive in the compiled method (recursive
 * search: +40% compiled code, 1.06x the program without checks).
 * <p>
 * Only C2 folds the site; C1 code calls it at every check. Under the agent, arming and disarming therefore redefine
 * the body of {@link Poll#poll()} instead ({@link Cont#foldPolls}), which C1 and C2 both inline and whose
 * redefinition deoptimizes what inlined it, within the same safepoint.
 */
final class PollSite
{
    /** How long {@link Cont#active} must stay 0 before the site is disarmed ({@code -Dssi.pollDisarmMs}). */
    static final long DISARM_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("ssi.pollDisarmMs", 2000));

    private static final MethodHandle ZERO = MethodHandles.constant(int.class, 0);
    private static final MethodHandle READ_ACTIVE;
    private static final MutableCallSite SITE = new MutableCallSite(ZERO);
    /** The site's invoker: a constant, so that the JIT inlines the site's target and depends on it. */
    static final MethodHandle POLL = SITE.dynamicInvoker();

    private static final Object LOCK = new Object();
    /** Guarded by LOCK. */
    private static boolean armed;
    /** When {@code active} last went to 0; guarded by LOCK. */
    private static long idleSince;
    /** The thread that disarms the site once idle, while there is one; guarded by LOCK. */
    private static Thread disarmer;
    /** Redefines Poll.poll() to read active (true) or answer 0, where an agent gave it; guarded by LOCK. */
    private static java.util.function.Consumer<Boolean> redefine;

    static
    {
        try
        {
            READ_ACTIVE = MethodHandles.lookup().findStatic(Cont.class, "readActive", MethodType.methodType(int.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private PollSite()
    {
    }

    /** Called after {@code active} became non-zero: from now on the polls read it. */
    static void arm()
    {
        synchronized (LOCK)
        {
            if (!armed)
            {
                retarget(READ_ACTIVE);
                armed = true;
            }
            if (Cont.readActive() == 0)
            {
                idleNow(); // the count went back to 0 before this thread got here
            }
        }
    }

    /** Called after {@code active} went to 0: disarms the site once it has stayed 0 for DISARM_NANOS. */
    static void idle()
    {
        synchronized (LOCK)
        {
            idleNow();
        }
    }

    private static void idleNow()
    {
        idleSince = System.nanoTime();
        if (!armed)
        {
            return;
        }
        if (disarmer == null)
        {
            disarmer = new Thread(PollSite::disarmWhenIdle, "ssi-poll-disarm");
            disarmer.setDaemon(true);
            disarmer.start();
        }
        else
        {
            LOCK.notifyAll();
        }
    }

    /** @return whether the polls read {@code active} now (for tests). */
    static boolean armed()
    {
        synchronized (LOCK)
        {
            return armed;
        }
    }

    private static void disarmWhenIdle()
    {
        synchronized (LOCK)
        {
            try
            {
                while (armed)
                {
                    if (Cont.readActive() != 0)
                    {
                        LOCK.wait(); // busy: the next idle() wakes this thread
                        continue;
                    }
                    final long left = DISARM_NANOS - (System.nanoTime() - idleSince);
                    if (left > 0)
                    {
                        TimeUnit.NANOSECONDS.timedWait(LOCK, left);
                        continue;
                    }
                    // a count that goes up now blocks in arm() until this is done, then arms the site again
                    retarget(ZERO);
                    armed = false;
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt(); // the site stays armed: polls read active, as before
            }
            finally
            {
                disarmer = null;
            }
        }
    }

    private static void retarget(final MethodHandle target)
    {
        // caller holds LOCK
        if (redefine != null)
        {
            redefine.accept(target == READ_ACTIVE); // Poll.poll() no longer goes through the site
            return;
        }
        SITE.setTarget(target);
        MutableCallSite.syncAll(new MutableCallSite[] {SITE});
    }

    /** From now on the checks are switched by redefining Poll.poll() (see {@link Cont#foldPolls}). */
    static void redefineBy(final java.util.function.Consumer<Boolean> setArmed)
    {
        synchronized (LOCK)
        {
            setArmed.accept(armed);
            redefine = setArmed;
        }
    }
}
