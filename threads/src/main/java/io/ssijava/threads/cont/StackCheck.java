package io.ssijava.threads.cont;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides whether the calling thread can be captured now: every frame between the runner and the safe point must
 * stand where the agent prepared it, or be a lambda class that only forwards the call. Anything else (JDK code,
 * reflection, a class that could not be rewritten) pins the thread until that frame returns.
 */
final class StackCheck
{
    /** The suffix of a method's resume twin. */
    static final String TWIN_SUFFIX = "$__ssi_c";

    static final class Result
    {
        String pinnedBy;
        Class<?>[] proxies;
        Class<?> bottomProxy;
    }

    private static final StackWalker WALKER = StackWalker.getInstance(
        Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
    private static final String PACKAGE = Cont.class.getPackageName();

    private StackCheck()
    {
    }

    /**
     * @param allowLocked whether frames that hold a monitor may be captured (they give it up and take it again
     *                    when resumed: right for a thread that resumes on this node before anyone else can take
     *                    it, wrong for a move, where the monitor would be free meanwhile).
     */
    static Result check(final boolean allowLocked)
    {
        return WALKER.walk(frames ->
        {
            final Result r = new Result();
            final List<Class<?>> proxies = new ArrayList<>();
            Class<?> pendingProxy = null;
            // the frame last counted, or passed over: name, descriptor and class
            String above = "";
            String aboveDesc = "";
            Class<?> aboveClass = null;
            boolean started = false;
            for (final StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>)frames::iterator)
            {
                final Class<?> cls = f.getDeclaringClass();
                if (!started)
                {
                    if (cls.getPackageName().equals(PACKAGE))
                    {
                        continue;
                    }
                    started = true;
                }
                if (cls == Continuation.class && f.getMethodName().equals(Continuation.RUNNER_METHOD))
                {
                    r.bottomProxy = pendingProxy;
                    r.proxies = proxies.toArray(new Class<?>[0]);
                    return r;
                }
                if (Proxies.isForwarder(cls))
                {
                    pendingProxy = cls;
                    above = "";
                    continue;
                }
                final String name = f.getMethodName();
                final String desc = f.getDescriptor();
                final CapturableMethods.Answer a = CapturableMethods.capturable(cls, name + desc,
                    f.getByteCodeIndex());
                if (a == CapturableMethods.Answer.NO || a == CapturableMethods.Answer.LOCKED && !allowLocked)
                {
                    r.pinnedBy = f.toStackTraceElement() + (a == CapturableMethods.Answer.LOCKED ? " (holds a monitor)" : "");
                    return r;
                }
                if (cls == aboveClass && above.endsWith(TWIN_SUFFIX) && desc.equals(aboveDesc) &&
                    method(above).equals(method(name)))
                {
                    // the method's own entry, or one of its twins, which handed the activation over to the twin
                    // above (only those hand-overs call a twin; an overload of the same name that a twin calls has
                    // another descriptor, and is a frame of its own): it saves nothing
                    above = name;
                    continue;
                }
                proxies.add(pendingProxy);
                pendingProxy = null;
                above = name;
                aboveDesc = desc;
                aboveClass = cls;
            }
            r.pinnedBy = "a frame below every runner (not a thread that can move)";
            return r;
        });
    }

    /** The method a physical method (the method itself or one of its twins) belongs to. */
    private static String method(final String name)
    {
        String m = name;
        while (m.endsWith(TWIN_SUFFIX))
        {
            m = m.substring(0, m.length() - TWIN_SUFFIX.length());
        }
        return m;
    }
}
