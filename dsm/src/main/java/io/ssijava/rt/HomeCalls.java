package io.ssijava.rt;

import java.util.List;

/**
 * Methods of the JDK's blocking queues that run on the queue's home node when called on a shared queue from another
 * node: one round trip per call, where running them on a cached copy would move the queue's lock, nodes and count
 * between the nodes several times per element. The instrumented JDK starts each listed method with
 * <pre>
 *   if (HomeCalls.isShared(this) &amp;&amp; !HomeCalls.runsHere(this))
 *       return HomeCalls.call(this, ID, new Object[] {arguments...});   (unboxed as the method returns)
 * </pre>
 * so a local queue pays one field load and a compare. At the home the call runs as any thread's would, on the
 * master copy; it is a release and an acquire for the caller, like an atomic operation. A blocking call that the
 * caller's thread is interrupted out of (by the program, or to move it) is withdrawn at the home: it either
 * completed there, and the caller returns its result with the interrupt still set, or it did nothing, and the caller
 * throws {@code InterruptedException}, as the method's contract says.
 * <p>
 * Do not use -- for internal use only.
 */
public final class HomeCalls
{
    /**
     * A method that runs at home.
     *
     * @param owner         internal name of the JDK class.
     * @param name          method name.
     * @param desc          method descriptor.
     * @param interruptible whether it waits and may throw {@code InterruptedException}.
     */
    public record Method(String owner, String name, String desc, boolean interruptible)
    {
    }

    private static final String LBQ = "java/util/concurrent/LinkedBlockingQueue";
    private static final String ABQ = "java/util/concurrent/ArrayBlockingQueue";

    /** The methods, by id (their index). Only ever appended to: the ids are compiled into the instrumented JDK. */
    public static final List<Method> METHODS = List.of(
        new Method(LBQ, "put", "(Ljava/lang/Object;)V", true),
        new Method(LBQ, "offer", "(Ljava/lang/Object;)Z", false),
        new Method(LBQ, "offer", "(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z", true),
        new Method(LBQ, "take", "()Ljava/lang/Object;", true),
        new Method(LBQ, "poll", "()Ljava/lang/Object;", false),
        new Method(LBQ, "poll", "(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;", true),
        new Method(ABQ, "put", "(Ljava/lang/Object;)V", true),
        new Method(ABQ, "offer", "(Ljava/lang/Object;)Z", false),
        new Method(ABQ, "offer", "(Ljava/lang/Object;JLjava/util/concurrent/TimeUnit;)Z", true),
        new Method(ABQ, "take", "()Ljava/lang/Object;", true),
        new Method(ABQ, "poll", "()Ljava/lang/Object;", false),
        new Method(ABQ, "poll", "(JLjava/util/concurrent/TimeUnit;)Ljava/lang/Object;", true));

    /** Internal name of this class, for the agent. */
    public static final String INTERNAL_NAME = "io/ssijava/rt/HomeCalls";

    private HomeCalls()
    {
    }

    /** @return whether the object was ever shared (its state word is not 0): the whole cost for a local queue. */
    public static boolean isShared(final Object o)
    {
        return o instanceof Managed && ((Managed)o).__ssi_state() != 0;
    }

    /**
     * @param o a shared object (its state word is not 0).
     * @return whether a listed method called on it runs here: it is homed here, or this JVM is no node.
     */
    public static boolean runsHere(final Object o)
    {
        final Runtime rt = Ssi.runtime;
        return rt == null || rt.runsHere(o);
    }

    /**
     * Runs a listed method on the object's home node.
     *
     * @param o      the object, shared and homed on another node.
     * @param method the method's id.
     * @param args   its arguments, primitives boxed.
     * @return what it returned (boxed), or null for void.
     * @throws Throwable what it threw (InterruptedException if it was withdrawn).
     */
    public static Object call(final Object o, final int method, final Object[] args) throws Throwable
    {
        return Ssi.runtime.callAtHome(o, method, args);
    }
}
