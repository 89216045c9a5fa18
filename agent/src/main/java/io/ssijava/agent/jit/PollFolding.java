package io.ssijava.agent.jit;

import io.ssijava.threads.cont.Cont;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;

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
            final byte[] original = original(poll);
            final byte[] disarmed = withBody(original, false);
            final byte[] armed = withBody(original, true);
            Cont.foldPolls(on -> redefine(inst, poll, on ? armed : disarmed));
        }
        catch (final IOException | ReflectiveOperationException | RuntimeException ex)
        {
            System.err.println("ssi-java: capture checks cost a call in C1 code on this JVM: " + ex);
        }
    }

    private static byte[] original(final Class<?> poll) throws IOException
    {
        try (InputStream in = poll.getResourceAsStream("Poll.class"))
        {
            if (in == null)
            {
                throw new IOException("no class file for " + poll.getName());
            }
            return in.readAllBytes();
        }
    }

    /** Poll with {@code poll()} reading {@code Cont.active} (armed) or answering 0; the rest unchanged. */
    static byte[] withBody(final byte[] original, final boolean armed)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(original).accept(cn, 0);
        final MethodNode poll = cn.methods.stream().filter(m -> m.name.equals("poll") && m.desc.equals("()I"))
            .findFirst().orElseThrow(() -> new IllegalStateException(cn.name + " has no poll()I"));
        final InsnList body = new InsnList();
        if (armed)
        {
            body.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Cont.INTERNAL_NAME, "readActive", "()I", false));
        }
        else
        {
            body.add(new InsnNode(Opcodes.ICONST_0));
        }
        body.add(new InsnNode(Opcodes.IRETURN));
        poll.instructions = body;
        poll.tryCatchBlocks.clear();
        poll.localVariables = null;
        poll.maxStack = 1;
        poll.maxLocals = 0;
        final ClassWriter cw = new ClassWriter(0);
        cn.accept(cw);
        return cw.toByteArray();
    }

    private static void redefine(final Instrumentation inst, final Class<?> c, final byte[] classFile)
    {
        try
        {
            inst.redefineClasses(new ClassDefinition(c, classFile));
        }
        catch (final ClassNotFoundException | UnmodifiableClassException ex)
        {
            throw new IllegalStateException("cannot redefine " + c.getName() + ": " + ex, ex);
        }
    }
}
