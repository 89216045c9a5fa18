package io.ssijava.agent.rewrite;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds array accesses whose check can move out of their innermost loop: the loop makes no call and takes no
 * monitor (so it contains no acquire, and release consistency lets it keep reading what it validated on entry), and
 * the array comes from a local variable the loop never assigns. Such an access is checked once on every edge that
 * enters the loop instead of on every iteration.
 * <p>
 * A hoisted write check holds the array for the thread ({@code ArrayGuard.checkHoistedWrite}): releases keep
 * comparing it with its twin until the thread next passes a call that ends its write scope, so a flush by another
 * thread that re-arms the write trap mid-loop loses nothing. Writes are hoisted only out of loops that also make no
 * volatile write (a release of the thread's own, which would end the scope inside the loop) and touch no static
 * field of another class (whose initializer, run by the first use, could release).
 */
final class LoopHoisting
{
    /** One hoisted check: before each entry instruction, check local {@code var} for reading or writing. */
    static final class Hoisted
    {
        final int var;
        final boolean write;
        final List<AbstractInsnNode> entries;

        Hoisted(final int var, final boolean write, final List<AbstractInsnNode> entries)
        {
            this.var = var;
            this.write = write;
            this.entries = entries;
        }
    }

    /**
     * Access instruction -> its hoisted check (shared by accesses of the same local, mode and loop), in the order of
     * the accesses: the checks are emitted in that order, so a class is rewritten the same way in every JVM (a map
     * by identity hash ordered them by chance).
     */
    final Map<AbstractInsnNode, Hoisted> hoisted = new LinkedHashMap<>();

    private LoopHoisting()
    {
    }

    static LoopHoisting none()
    {
        return new LoopHoisting();
    }

    /**
     * @param writes whether write checks may move too (application classes: the instrumented JDK's checks of its
     *     own arrays work otherwise).
     */
    static LoopHoisting analyze(final String owner, final MethodNode mn,
        final java.util.function.BiPredicate<String, String> isVolatile, final boolean writes)
    {
        final LoopHoisting out = new LoopHoisting();
        final AbstractInsnNode[] insns = mn.instructions.toArray();
        final List<int[]> loops = loops(mn, insns);
        if (loops.isEmpty())
        {
            return out;
        }
        final Frame<SourceValue>[] frames;
        try
        {
            frames = new Analyzer<>(new LocalTrackingInterpreter()).analyze(owner, mn);
        }
        catch (final AnalyzerException | RuntimeException ex)
        {
            return out;
        }
        final Map<String, Hoisted> byKey = new HashMap<>();
        for (int i = 0; i < insns.length; i++)
        {
            final int op = insns[i].getOpcode();
            final boolean load = op >= Opcodes.IALOAD && op <= Opcodes.SALOAD;
            final boolean store = writes && op >= Opcodes.IASTORE && op <= Opcodes.SASTORE;
            if (!load && !store || frames[i] == null)
            {
                continue;
            }
            final int[] loop = innermost(loops, i);
            if (loop == null || !pure(owner, insns, loop, isVolatile, store))
            {
                continue;
            }
            final Frame<SourceValue> f = frames[i];
            final int depth = load ? 2 : 3;
            final SourceValue array = f.getStack(f.getStackSize() - depth);
            final int var = singleLocal(array);
            if (var < 0 || assigns(insns, loop, var))
            {
                continue;
            }
            final String key = loop[0] + ":" + loop[1] + ":" + var + ":" + store;
            Hoisted h = byKey.get(key);
            if (h == null)
            {
                final List<AbstractInsnNode> entries = holdsLoop(mn, insns, loop) ? atHeader(insns, loop) :
                    entries(mn, insns, loop);
                if (entries == null)
                {
                    continue;
                }
                h = new Hoisted(var, store, entries);
                byKey.put(key, h);
            }
            out.hoisted.put(insns[i], h);
        }
        return out;
    }

    /** Natural loops of javac's shape: a backward jump at index b to a label at index t gives the range [t, b]. */
    private static List<int[]> loops(final MethodNode mn, final AbstractInsnNode[] insns)
    {
        final List<int[]> loops = new ArrayList<>();
        for (int b = 0; b < insns.length; b++)
        {
            if (insns[b] instanceof JumpInsnNode)
            {
                final int t = mn.instructions.indexOf(((JumpInsnNode)insns[b]).label);
                if (t <= b)
                {
                    loops.add(new int[] {t, b});
                }
            }
        }
        return loops;
    }

    private static int[] innermost(final List<int[]> loops, final int i)
    {
        int[] best = null;
        for (final int[] l : loops)
        {
            if (l[0] <= i && i <= l[1] && (best == null || l[1] - l[0] < best[1] - best[0]))
            {
                best = l;
            }
        }
        return best;
    }

    /**
     * No call, no monitor, no invokedynamic, no switch inside: nothing that could be (or hide) an acquire; for
     * writes, no volatile write either (a release), and no static field of another class (its first use runs that
     * class's initializer, which may release).
     */
    private static boolean pure(final String owner, final AbstractInsnNode[] insns, final int[] loop,
        final java.util.function.BiPredicate<String, String> isVolatile, final boolean forWrites)
    {
        for (int k = loop[0]; k <= loop[1]; k++)
        {
            final int op = insns[k].getOpcode();
            if (forWrites && (op == Opcodes.GETSTATIC || op == Opcodes.PUTSTATIC) &&
                !owner.equals(((org.objectweb.asm.tree.FieldInsnNode)insns[k]).owner))
            {
                return false;
            }
            if (op == Opcodes.INVOKEVIRTUAL || op == Opcodes.INVOKESPECIAL || op == Opcodes.INVOKESTATIC ||
                op == Opcodes.INVOKEINTERFACE || op == Opcodes.INVOKEDYNAMIC || op == Opcodes.MONITORENTER ||
                op == Opcodes.MONITOREXIT || op == Opcodes.ATHROW || op == Opcodes.TABLESWITCH ||
                op == Opcodes.LOOKUPSWITCH)
            {
                return false;
            }
            // a volatile read is an acquire too, and a volatile write a release
            if ((op == Opcodes.GETFIELD || op == Opcodes.GETSTATIC ||
                forWrites && (op == Opcodes.PUTFIELD || op == Opcodes.PUTSTATIC)) &&
                isVolatile.test(((org.objectweb.asm.tree.FieldInsnNode)insns[k]).owner,
                    ((org.objectweb.asm.tree.FieldInsnNode)insns[k]).name))
            {
                return false;
            }
        }
        return true;
    }

    private static int singleLocal(final SourceValue v)
    {
        if (v == null || v.insns.size() != 1)
        {
            return -1;
        }
        final AbstractInsnNode src = v.insns.iterator().next();
        return src.getOpcode() == Opcodes.ALOAD ? ((VarInsnNode)src).var : -1;
    }

    private static boolean assigns(final AbstractInsnNode[] insns, final int[] loop, final int var)
    {
        for (int k = loop[0]; k <= loop[1]; k++)
        {
            if (insns[k].getOpcode() == Opcodes.ASTORE && ((VarInsnNode)insns[k]).var == var)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether another loop, with a header of its own, lies inside this one. The continuation rewriting polls at the
     * header of such a loop (ContinuationRewriter.loopHeaders), and a thread captured there resumes at its header:
     * checks hoisted out of it would be skipped, so they go at the start of every iteration instead (a few per run
     * of the inner loop).
     */
    static boolean holdsLoop(final MethodNode mn, final AbstractInsnNode[] insns, final int[] loop)
    {
        for (int k = loop[0] + 1; k <= loop[1]; k++)
        {
            for (final LabelNode l : branchTargets(insns[k]))
            {
                final int t = mn.instructions.indexOf(l);
                if (t > loop[0] && t <= k)
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** The labels a jump or a switch can go to (a switch's default aside); none for other instructions. */
    static List<LabelNode> branchTargets(final AbstractInsnNode insn)
    {
        if (insn instanceof JumpInsnNode)
        {
            return List.of(((JumpInsnNode)insn).label);
        }
        if (insn instanceof TableSwitchInsnNode)
        {
            return ((TableSwitchInsnNode)insn).labels;
        }
        if (insn instanceof LookupSwitchInsnNode)
        {
            return ((LookupSwitchInsnNode)insn).labels;
        }
        return List.of();
    }

    /** The first instruction after the loop's header label: a check there runs at the start of every iteration. */
    private static List<AbstractInsnNode> atHeader(final AbstractInsnNode[] insns, final int[] loop)
    {
        int k = loop[0] + 1;
        while (k <= loop[1] && insns[k].getOpcode() < 0)
        {
            k++;
        }
        return k <= loop[1] ? List.of(insns[k]) : null;
    }

    /**
     * Instructions before which a check covers every way into the loop: jumps from outside into it, and the
     * loop's first instruction when the code before it falls through. Null when the loop is entered otherwise
     * (a switch or an exception handler).
     */
    private static List<AbstractInsnNode> entries(final MethodNode mn, final AbstractInsnNode[] insns, final int[] loop)
    {
        final List<AbstractInsnNode> entries = new ArrayList<>();
        for (final TryCatchBlockNode tcb : mn.tryCatchBlocks)
        {
            final int h = mn.instructions.indexOf(tcb.handler);
            if (h >= loop[0] && h <= loop[1])
            {
                return null;
            }
        }
        for (int k = 0; k < insns.length; k++)
        {
            if (k >= loop[0] && k <= loop[1])
            {
                continue;
            }
            final AbstractInsnNode insn = insns[k];
            if (insn instanceof JumpInsnNode)
            {
                final int t = mn.instructions.indexOf(((JumpInsnNode)insn).label);
                if (t >= loop[0] && t <= loop[1])
                {
                    entries.add(insn);
                }
            }
            else if (insn instanceof TableSwitchInsnNode || insn instanceof LookupSwitchInsnNode)
            {
                final List<LabelNode> targets = new ArrayList<>();
                if (insn instanceof TableSwitchInsnNode)
                {
                    targets.addAll(((TableSwitchInsnNode)insn).labels);
                    targets.add(((TableSwitchInsnNode)insn).dflt);
                }
                else
                {
                    targets.addAll(((LookupSwitchInsnNode)insn).labels);
                    targets.add(((LookupSwitchInsnNode)insn).dflt);
                }
                for (final LabelNode l : targets)
                {
                    final int t = mn.instructions.indexOf(l);
                    if (t >= loop[0] && t <= loop[1])
                    {
                        return null;
                    }
                }
            }
        }
        // fall-through into the first instruction of the loop
        int p = loop[0] - 1;
        while (p >= 0 && insns[p].getOpcode() < 0)
        {
            p--;
        }
        if (p >= 0 && !endsFlow(insns[p].getOpcode()))
        {
            entries.add(insns[loop[0]]);
        }
        return entries;
    }

    private static boolean endsFlow(final int op)
    {
        return op == Opcodes.GOTO || op == Opcodes.ATHROW || (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) ||
            op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH;
    }

    /** A source interpreter that sees through stack copies (dup, swap), so an array operand names its local. */
    private static final class LocalTrackingInterpreter extends SourceInterpreter
    {
        LocalTrackingInterpreter()
        {
            super(Opcodes.ASM9);
        }

        @Override
        public SourceValue copyOperation(final AbstractInsnNode insn, final SourceValue value)
        {
            if (insn instanceof VarInsnNode)
            {
                return new SourceValue(value.getSize(), insn);
            }
            return value;
        }

        @Override
        public SourceValue newValue(final Type type)
        {
            return super.newValue(type);
        }
    }
}
