package io.ssijava.agent.rewrite;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

import java.util.HashSet;
import java.util.Set;

/**
 * Finds field accesses in a constructor whose receiver is {@code this}. Those need no check: the object under
 * construction is local (and before the super constructor returns, the verifier would not even allow one).
 */
final class ThisAnalysis
{
    private ThisAnalysis()
    {
    }

    static Set<AbstractInsnNode> thisFieldAccesses(final String owner, final MethodNode mn)
    {
        final Set<AbstractInsnNode> out = new HashSet<>();
        if (writesSlotZero(mn))
        {
            return out;
        }
        final Frame<SourceValue>[] frames;
        try
        {
            frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, mn);
        }
        catch (final AnalyzerException ex)
        {
            return out;
        }
        final AbstractInsnNode[] insns = mn.instructions.toArray();
        for (int i = 0; i < insns.length; i++)
        {
            final int op = insns[i].getOpcode();
            if ((op != Opcodes.GETFIELD && op != Opcodes.PUTFIELD) || frames[i] == null)
            {
                continue;
            }
            final Frame<SourceValue> f = frames[i];
            final int depth = op == Opcodes.GETFIELD ? 0 : Type.getType(((FieldInsnNode)insns[i]).desc).getSize();
            final SourceValue receiver = f.getStack(f.getStackSize() - 1 - (op == Opcodes.GETFIELD ? 0 : depth == 2 ? 1 : 1));
            if (isThis(receiver))
            {
                out.add(insns[i]);
            }
        }
        return out;
    }

    private static boolean isThis(final SourceValue v)
    {
        if (v == null || v.insns.isEmpty())
        {
            return false;
        }
        for (final AbstractInsnNode src : v.insns)
        {
            if (src.getOpcode() != Opcodes.ALOAD || ((VarInsnNode)src).var != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean writesSlotZero(final MethodNode mn)
    {
        for (final AbstractInsnNode insn : mn.instructions)
        {
            if (insn.getOpcode() == Opcodes.ASTORE && ((VarInsnNode)insn).var == 0)
            {
                return true;
            }
        }
        return false;
    }
}
