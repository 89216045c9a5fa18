package io.ssijava.agent.jit;

import io.ssijava.threads.cont.Cont;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;

import java.io.IOException;
import java.lang.instrument.Instrumentation;

/**
 * Makes the capture checks free in C1 code too: the poll site switches them by redefining the body of
 * {@code Cont.poll()} ({@code Poll.poll()}) between {@code return 0} and a read of {@code Cont.active}, instead of
 * retargeting a call site that only C2 folds (see {@link Cont#foldPolls}).
 */
public final class PollFolding
{
    static final String POLL = "io/ssijava/threads/cont/Poll";

    private PollFolding()
    {
    }

    /**
     * Switches the poll site to redefinition; on failure it keeps its call site (correct, slower in C1 code), with a
     * warning.
     *
     * @param inst the agent's instrumentation (it may redefine classes).
     */
    public static void start(final Instrumentation inst)
    {
        try
        {
            final Class<?> poll = Class.forName(POLL.replace('/', '.'), true, Cont.class.getClassLoader());
            final byte[] original = MethodBodies.classFile(poll);
            final byte[] disarmed = withBody(original, false);
            final byte[] armed = withBody(original, true);
            Cont.foldPolls(on -> MethodBodies.redefine(inst, poll, on ? armed : disarmed));
        }
        catch (final IOException | ReflectiveOperationException | RuntimeException ex)
        {
            System.err.println("ssi-java: capture checks cost a call in C1 code on this JVM: " + ex);
        }
    }

    /** Poll with {@code poll()} reading {@code Cont.active} (armed) or answering 0; the rest unchanged. */
    static byte[] withBody(final byte[] original, final boolean armed)
    {
        final InsnList body = new InsnList();
        body.add(armed ? new MethodInsnNode(Opcodes.INVOKESTATIC, Cont.INTERNAL_NAME, "readActive", "()I", false) :
            new InsnNode(Opcodes.ICONST_0));
        body.add(new InsnNode(Opcodes.IRETURN));
        return MethodBodies.withBody(original, "poll", "()I", body);
    }
}
