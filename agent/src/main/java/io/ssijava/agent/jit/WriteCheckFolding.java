package io.ssijava.agent.jit;

import io.ssijava.rt.ArrayWriteSite;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;

import java.io.IOException;
import java.lang.instrument.Instrumentation;

/**
 * Keeps the array write checks of application classes free on a node until it shares an array: redefines
 * {@link ArrayWriteSite#trapped()} and {@link ArrayWriteSite#hoisting()} to answer 0, and hands the site the
 * redefinition back to the original bodies, which the object space runs before it write-traps the node's first
 * shared array. Redefining a method deoptimizes the compiled code that inlined it, in C1 and C2 alike.
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
            ArrayWriteSite.fold(() -> MethodBodies.redefine(inst, ArrayWriteSite.class, folded),
                () -> MethodBodies.redefine(inst, ArrayWriteSite.class, original));
        }
        catch (final IOException | RuntimeException ex)
        {
            System.err.println("ssi-java: array write checks stay in every loop iteration on this node: " + ex);
        }
    }

    /** The class file of ArrayWriteSite as this JVM loaded it. */
    static byte[] original() throws IOException
    {
        return MethodBodies.classFile(ArrayWriteSite.class);
    }

    /** The same class with {@code trapped()} and {@code hoisting()} answering the constant 0. */
    static byte[] folded(final byte[] original)
    {
        return MethodBodies.withBody(MethodBodies.withBody(original, "trapped", "()I", zero()), "hoisting", "()I",
            zero());
    }

    private static InsnList zero()
    {
        final InsnList body = new InsnList();
        body.add(new InsnNode(Opcodes.ICONST_0));
        body.add(new InsnNode(Opcodes.IRETURN));
        return body;
    }
}
