package io.ssijava.agent.jit;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;

/**
 * New bodies for the one-line methods that the runtime's checks call ({@link PollFolding}, {@link WriteCheckFolding}):
 * the class file as loaded, the same class with one method's body replaced (redefinition accepts nothing else),
 * and the redefinition itself, which deoptimizes the compiled code that inlined the old body.
 */
final class MethodBodies
{
    private MethodBodies()
    {
    }

    /** The class file of {@code c} as this JVM loaded it. */
    static byte[] classFile(final Class<?> c) throws IOException
    {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class"))
        {
            if (in == null)
            {
                throw new IOException("no class file for " + c.getName());
            }
            return in.readAllBytes();
        }
    }

    /**
     * The class with the body of its method {@code name desc} replaced by {@code body} (straight-line code, one stack
     * slot, no locals); everything else unchanged.
     */
    static byte[] withBody(final byte[] classFile, final String name, final String desc, final InsnList body)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classFile).accept(cn, 0);
        final MethodNode m = cn.methods.stream().filter(x -> x.name.equals(name) && x.desc.equals(desc)).findFirst()
            .orElseThrow(() -> new IllegalStateException(cn.name + " has no " + name + desc));
        m.instructions = body;
        m.tryCatchBlocks.clear();
        m.localVariables = null;
        m.maxStack = 1;
        m.maxLocals = 0;
        final ClassWriter cw = new ClassWriter(0);
        cn.accept(cw);
        return cw.toByteArray();
    }

    /** Redefines {@code c} with {@code classFile}; a failure is an IllegalStateException. */
    static void redefine(final Instrumentation inst, final Class<?> c, final byte[] classFile)
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
