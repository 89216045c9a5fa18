package io.ssijava.agent.rewrite;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
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
 * The array accesses of an instrumented JDK collection's own methods whose array is the collection's own: read from
 * one of the fields below on {@code this}, directly or through locals. Those arrays are made by the collection and
 * never handed out (copies are), so while the collection was never shared its array was not either, and such an
 * access may skip its array check after one test of the state word that the field checks around it load anyway.
 * Without this, every store into a local {@code ArrayDeque}, {@code ArrayList} or {@code HashMap} reads the
 * node-wide count of write-trapped arrays, and on a node where that count is not 0 goes through a memo that
 * several collections sharing one site keep replacing.
 */
final class OwnArrays
{
    /** Fields (owner.name) that hold an array made by their object and never given to anyone else. */
    private static final Set<String> FIELDS = Set.of(
        "java/util/ArrayList.elementData",
        "java/util/ArrayDeque.elements",
        "java/util/HashMap.table",
        "java/util/PriorityQueue.queue",
        "java/util/Vector.elementData");
    /** The classes those fields are declared in. */
    private static final Set<String> CLASSES = FIELDS.stream().map(f -> f.substring(0, f.indexOf('.')))
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** The descriptor of a static element getter ({@link #inlineElementGetters}). */
    private static final String GETTER_DESC = "([Ljava/lang/Object;I)Ljava/lang/Object;";

    private OwnArrays()
    {
    }

    /**
     * @param owner internal name of the method's class.
     * @param mn    the method, not yet rewritten.
     * @return the array load and store instructions of {@code mn} whose array is one of {@code this}'s own.
     */
    static Set<AbstractInsnNode> accesses(final String owner, final MethodNode mn)
    {
        if (!CLASSES.contains(owner) || (mn.access & Opcodes.ACC_STATIC) != 0 || writesThis(mn.instructions))
        {
            return Set.of();
        }
        final Frame<SourceValue>[] frames;
        try
        {
            frames = new Analyzer<>(new SourceInterpreter()).analyze(owner, mn);
        }
        catch (final AnalyzerException ex)
        {
            return Set.of(); // every access keeps its check
        }
        final InsnList code = mn.instructions;
        final Set<AbstractInsnNode> own = new HashSet<>();
        for (int i = 0; i < code.size(); i++)
        {
            final AbstractInsnNode insn = code.get(i);
            final Frame<SourceValue> f = frames[i];
            final int op = insn.getOpcode();
            if (f == null || op < Opcodes.IALOAD || op > Opcodes.SASTORE || op > Opcodes.SALOAD && op < Opcodes.IASTORE)
            {
                continue;
            }
            // loads take (array, index), stores (array, index, value): a long or double is one slot here
            final int depth = op <= Opcodes.SALOAD ? 2 : 3;
            if (isOwn(owner, f.getStack(f.getStackSize() - depth), code, frames, new HashSet<>()))
            {
                own.add(insn);
            }
        }
        return own;
    }

    /**
     * Replaces, in the instance methods of one of the classes above, each call of a static helper of the same class
     * that only reads an element ({@code static <E> E elementAt(Object[] es, int i) { return (E) es[i]; }} in
     * {@code ArrayDeque}, {@code ArrayList}, {@code Vector}) with the load it makes. Same result, same exceptions;
     * and the load is then one of those {@link #accesses} can find on the collection's own array, where the helper's
     * own check could not tell whose array it was given. Run before any method of the class is rewritten.
     *
     * @param cn the class, not yet rewritten.
     */
    static void inlineElementGetters(final ClassNode cn)
    {
        if (!CLASSES.contains(cn.name))
        {
            return;
        }
        final Set<String> getters = new HashSet<>();
        for (final MethodNode m : cn.methods)
        {
            if (isElementGetter(m))
            {
                getters.add(m.name);
            }
        }
        for (final MethodNode mn : cn.methods)
        {
            if (getters.isEmpty() || (mn.access & Opcodes.ACC_STATIC) != 0)
            {
                continue;
            }
            for (final AbstractInsnNode insn : mn.instructions.toArray())
            {
                if (insn.getOpcode() == Opcodes.INVOKESTATIC && ((MethodInsnNode)insn).owner.equals(cn.name) &&
                    ((MethodInsnNode)insn).desc.equals(GETTER_DESC) && getters.contains(((MethodInsnNode)insn).name))
                {
                    mn.instructions.set(insn, new InsnNode(Opcodes.AALOAD));
                }
            }
        }
    }

    /** Whether {@code m} is {@code static Object m(Object[], int)}: {@code aload_0, iload_1, aaload, areturn}. */
    private static boolean isElementGetter(final MethodNode m)
    {
        if (!m.desc.equals(GETTER_DESC) || (m.access & Opcodes.ACC_STATIC) == 0)
        {
            return false;
        }
        final int[] want = {Opcodes.ALOAD, Opcodes.ILOAD, Opcodes.AALOAD, Opcodes.ARETURN};
        int n = 0;
        for (final AbstractInsnNode insn : m.instructions)
        {
            if (insn.getOpcode() < 0)
            {
                continue; // labels, line numbers, frames
            }
            if (n == want.length || insn.getOpcode() != want[n] ||
                insn instanceof VarInsnNode && ((VarInsnNode)insn).var != (n == 0 ? 0 : 1))
            {
                return false;
            }
            n++;
        }
        return n == want.length;
    }

    private static boolean writesThis(final InsnList code)
    {
        for (final AbstractInsnNode insn : code)
        {
            if (insn.getOpcode() == Opcodes.ASTORE && ((VarInsnNode)insn).var == 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether every instruction that may have produced {@code v} yields one of {@code this}'s own arrays. */
    private static boolean isOwn(final String owner, final SourceValue v, final InsnList code,
        final Frame<SourceValue>[] frames, final Set<AbstractInsnNode> seen)
    {
        if (v.insns.isEmpty())
        {
            return false; // a parameter
        }
        for (final AbstractInsnNode src : v.insns)
        {
            if (!seen.add(src))
            {
                continue; // a loop through locals: the other sources decide
            }
            final Frame<SourceValue> f = frames[code.indexOf(src)];
            if (f == null)
            {
                return false;
            }
            final int op = src.getOpcode();
            final boolean ok;
            if (op == Opcodes.GETFIELD)
            {
                final FieldInsnNode fi = (FieldInsnNode)src;
                ok = FIELDS.contains(fi.owner + "." + fi.name) && owner.equals(fi.owner) &&
                    isThis(f.getStack(f.getStackSize() - 1), code);
            }
            else if (op == Opcodes.ALOAD)
            {
                ok = isOwn(owner, f.getLocal(((VarInsnNode)src).var), code, frames, seen);
            }
            else if (op == Opcodes.ASTORE || op == Opcodes.DUP || op == Opcodes.CHECKCAST)
            {
                ok = isOwn(owner, f.getStack(f.getStackSize() - 1), code, frames, seen);
            }
            else
            {
                ok = false;
            }
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isThis(final SourceValue v, final InsnList code)
    {
        if (v.insns.isEmpty())
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
}
