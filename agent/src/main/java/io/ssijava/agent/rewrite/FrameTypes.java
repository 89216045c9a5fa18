package io.ssijava.agent.rewrite;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.Interpreter;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

import java.util.ArrayList;
import java.util.List;

/**
 * The types of locals and stack values at every instruction of a method, as precise as the JVM's own frames: what a
 * resumed frame must cast its restored references to. Merges classes the way the class writer does (through
 * {@link ClassInfo}, never loading a class), and marks objects between {@code new} and their constructor call,
 * which cannot be saved.
 */
final class FrameTypes
{
    /** An object made by {@code new} whose constructor has not run yet. */
    static final class Uninitialized extends BasicValue
    {
        final AbstractInsnNode made;

        Uninitialized(final Type type, final AbstractInsnNode made)
        {
            super(type);
            this.made = made;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Uninitialized && ((Uninitialized)o).made == made;
        }

        @Override
        public int hashCode()
        {
            return made.hashCode();
        }
    }

    /** The type of {@code null}, as the verifier names it. */
    static final Type NULL = Type.getObjectType("null");

    /** Control-flow edges found by the analysis: successor indexes per instruction index. */
    final List<List<Integer>> successors = new ArrayList<>();
    final Frame<BasicValue>[] frames;

    private FrameTypes(final ClassLoader loader, final ClassNode cn, final MethodNode mn) throws AnalyzerException
    {
        final int n = mn.instructions.size();
        for (int i = 0; i < n; i++)
        {
            successors.add(new ArrayList<>(2));
        }
        final Types types = new Types(loader, cn);
        final Analyzer<BasicValue> analyzer = new Analyzer<>(types)
        {
            @Override
            protected Frame<BasicValue> newFrame(final int numLocals, final int numStack)
            {
                return new InitFrame(numLocals, numStack);
            }

            @Override
            protected Frame<BasicValue> newFrame(final Frame<? extends BasicValue> frame)
            {
                return new InitFrame(frame);
            }

            @Override
            protected void newControlFlowEdge(final int insn, final int successor)
            {
                successors.get(insn).add(successor);
            }

            @Override
            protected boolean newControlFlowExceptionEdge(final int insn, final int successor)
            {
                successors.get(insn).add(successor);
                return true;
            }
        };
        // the access rewriting did not keep max_stack up to date; the class writer recomputes it
        final int maxStack = mn.maxStack;
        mn.maxStack = maxStack + 64;
        try
        {
            frames = analyzer.analyze(cn.name, mn);
        }
        finally
        {
            mn.maxStack = maxStack;
        }
    }

    static FrameTypes analyze(final ClassLoader loader, final ClassNode cn, final MethodNode mn) throws AnalyzerException
    {
        return new FrameTypes(loader, cn, mn);
    }

    static boolean isReference(final BasicValue v)
    {
        final Type t = v.getType();
        return t != null && (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY);
    }

    /** A frame that marks every copy of an object initialized once its constructor is called. */
    private static final class InitFrame extends Frame<BasicValue>
    {
        InitFrame(final int numLocals, final int numStack)
        {
            super(numLocals, numStack);
        }

        InitFrame(final Frame<? extends BasicValue> frame)
        {
            super(frame);
        }

        @Override
        public void execute(final AbstractInsnNode insn, final Interpreter<BasicValue> interpreter)
            throws AnalyzerException
        {
            BasicValue made = null;
            if (insn.getOpcode() == Opcodes.INVOKESPECIAL && "<init>".equals(((MethodInsnNode)insn).name))
            {
                final int args = Type.getArgumentTypes(((MethodInsnNode)insn).desc).length;
                final BasicValue receiver = getStack(getStackSize() - 1 - args);
                if (receiver instanceof Uninitialized)
                {
                    made = receiver;
                }
            }
            super.execute(insn, interpreter);
            if (made != null)
            {
                final BasicValue done = new BasicValue(made.getType());
                for (int i = 0; i < getLocals(); i++)
                {
                    if (made.equals(getLocal(i)))
                    {
                        setLocal(i, done);
                    }
                }
                for (int i = 0; i < getStackSize(); i++)
                {
                    if (made.equals(getStack(i)))
                    {
                        setStack(i, done);
                    }
                }
            }
        }
    }

    /** Verifier types without class loading. */
    private static final class Types extends SimpleVerifier
    {
        private final ClassLoader loader;

        Types(final ClassLoader loader, final ClassNode cn)
        {
            super(Opcodes.ASM9, Type.getObjectType(cn.name),
                cn.superName == null ? null : Type.getObjectType(cn.superName), List.of(),
                (cn.access & Opcodes.ACC_INTERFACE) != 0);
            this.loader = loader;
        }

        @Override
        public BasicValue newOperation(final AbstractInsnNode insn) throws AnalyzerException
        {
            if (insn.getOpcode() == Opcodes.NEW)
            {
                return new Uninitialized(Type.getObjectType(((TypeInsnNode)insn).desc), insn);
            }
            return super.newOperation(insn);
        }

        @Override
        protected boolean isSubTypeOf(final BasicValue value, final BasicValue expected)
        {
            return true;
        }

        @Override
        protected Class<?> getClass(final Type type)
        {
            throw new IllegalStateException("no class loading while rewriting: " + type);
        }

        @Override
        public BasicValue merge(final BasicValue a, final BasicValue b)
        {
            if (a instanceof Uninitialized || b instanceof Uninitialized)
            {
                return a instanceof Uninitialized && a.equals(b) ? a : BasicValue.UNINITIALIZED_VALUE;
            }
            if (a.equals(b))
            {
                return a;
            }
            if (!isReference(a) || !isReference(b))
            {
                return BasicValue.UNINITIALIZED_VALUE;
            }
            final Type ta = a.getType();
            final Type tb = b.getType();
            if (ta.equals(NULL))
            {
                return b;
            }
            if (tb.equals(NULL))
            {
                return a;
            }
            return newValue(mergeTypes(ta, tb));
        }

        private Type mergeTypes(final Type ta, final Type tb)
        {
            if (ta.getSort() == Type.OBJECT && tb.getSort() == Type.OBJECT)
            {
                return Type.getObjectType(ClassInfo.commonSuperClass(loader, ta.getInternalName(), tb.getInternalName()));
            }
            if (ta.getSort() == Type.ARRAY && tb.getSort() == Type.ARRAY && ta.getDimensions() == tb.getDimensions() &&
                ta.getElementType().getSort() == Type.OBJECT && tb.getElementType().getSort() == Type.OBJECT)
            {
                final Type e = mergeTypes(ta.getElementType(), tb.getElementType());
                return Type.getType("[".repeat(ta.getDimensions()) + e.getDescriptor());
            }
            if (ta.getSort() == Type.ARRAY && tb.getSort() == Type.ARRAY)
            {
                // as the class writer does: an array of Object as deep as the shallower one, counting an array of
                // primitives one dimension less deep
                final int da = ta.getDimensions() - (ta.getElementType().getSort() == Type.OBJECT ? 0 : 1);
                final int db = tb.getDimensions() - (tb.getElementType().getSort() == Type.OBJECT ? 0 : 1);
                final int dims = Math.min(da, db);
                return dims <= 0 ? Type.getObjectType("java/lang/Object") :
                    Type.getType("[".repeat(dims) + "Ljava/lang/Object;");
            }
            return Type.getObjectType("java/lang/Object");
        }
    }
}
