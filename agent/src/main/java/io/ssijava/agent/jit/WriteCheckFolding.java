package io.ssijava.agent.jit;

import io.ssijava.rt.ArrayWriteSite;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;

/**
 * Keeps the array write checks of application classes free on a node until it shares an array: redefines
 * {@link ArrayWriteSite#trapped()} to answer 0, and hands the site the redefinition back to its original body, which
 * the object space runs before it write-traps the node's first shared array. Redefining a method deoptimizes the
 * compiled code that inlined it, in C1 and C2 alike.
 */
public final class WriteCheckFolding
{
    private WriteCheckFolding()
    {
    }

    /**
     * Folds the checks; on failure they keep reading the count (correct, and as slow as before), with a warning.
     *
     * @param inst the agent's instrumentation (it may redefine classes).
     */
    public static void start(final Instrumentation inst)
    {
        try
        {
            final byte[] original = original();
            final byte[] folded = folded(original);
            ArrayWriteSite.fold(() -> redefine(inst, folded), () -> redefine(inst, original));
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("ssi-java: array write checks stay in every loop iteration on this node: " + ex);
        }
    }

    /** The class file of ArrayWriteSite as this JVM loaded it. */
    static byte[] original() throws IOException
    {
        try (InputStream in = ArrayWriteSite.class.getResourceAsStream("ArrayWriteSite.class"))
        {
            if (in == null)
            {
                throw new IOException("no class file for " + ArrayWriteSite.class.getName());
            }
            return in.readAllBytes();
        }
    }

    /** The same class with {@code trapped()} answering the constant 0. */
    static byte[] folded(final byte[] original)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(original).accept(cn, 0);
        final MethodNode trapped = cn.methods.stream()
            .filter(m -> m.name.equals("trapped") && m.desc.equals("()I")).findFirst()
            .orElseThrow(() -> new IllegalStateException(cn.name + " has no trapped()I"));
        final InsnList body = new InsnList();
        body.add(new InsnNode(Opcodes.ICONST_0));
        body.add(new InsnNode(Opcodes.IRETURN));
        trapped.instructions = body;
        trapped.tryCatchBlocks.clear();
        trapped.localVariables = null;
        trapped.maxStack = 1;
        final ClassWriter cw = new ClassWriter(0);
        cn.accept(cw);
        return cw.toByteArray();
    }

    private static void redefine(final Instrumentation inst, final byte[] classFile)
    {
        try
        {
            inst.redefineClasses(new ClassDefinition(ArrayWriteSite.class, classFile));
        }
        catch (final ClassNotFoundException | UnmodifiableClassException ex)
        {
            throw new IllegalStateException("cannot redefine " + ArrayWriteSite.class.getName() + ": " + ex, ex);
        }
    }
}
