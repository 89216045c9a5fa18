package io.ssijava.agent.jdk;

import io.ssijava.rt.HomeCalls;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts each {@link HomeCalls} method of the instrumented JDK with the test that sends a call on a shared queue
 * homed elsewhere to the queue's home (see {@link HomeCalls} for the code). Runs after the class is rewritten; a
 * JDK whose class lacks a listed method keeps that method as it is.
 */
final class HomeCallPrologues
{
    private static final String HOME_CALLS = HomeCalls.INTERNAL_NAME;

    private HomeCallPrologues()
    {
    }

    /** @return the class file with the prologues added, or {@code bytes} if the class has no listed method. */
    static byte[] inject(final String internalName, final byte[] bytes)
    {
        final List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < HomeCalls.METHODS.size(); id++)
        {
            if (HomeCalls.METHODS.get(id).owner().equals(internalName))
            {
                ids.add(id);
            }
        }
        if (ids.isEmpty())
        {
            return bytes;
        }
        final ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, ClassReader.EXPAND_FRAMES);
        boolean changed = false;
        for (final MethodNode mn : cn.methods)
        {
            for (final int id : ids)
            {
                final HomeCalls.Method def = HomeCalls.METHODS.get(id);
                if (mn.name.equals(def.name()) && mn.desc.equals(def.desc()) && (mn.access & Opcodes.ACC_STATIC) == 0)
                {
                    prepend(cn.name, mn, id, def);
                    changed = true;
                }
            }
        }
        if (!changed)
        {
            return bytes;
        }
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cn.accept(cw);
        return cw.toByteArray();
    }

    private static void prepend(final String owner, final MethodNode mn, final int id, final HomeCalls.Method def)
    {
        final String doneAtZero = def.doneAtZero();
        final Type[] params = Type.getArgumentTypes(mn.desc);
        final Type ret = Type.getReturnType(mn.desc);
        // where the method's own code starts: an existing frame there is the one to jump to, else one is added
        LabelNode local = null;
        boolean hasFrame = false;
        for (AbstractInsnNode n = mn.instructions.getFirst(); n != null && n.getOpcode() < 0; n = n.getNext())
        {
            if (n instanceof LabelNode && local == null)
            {
                local = (LabelNode)n;
            }
            hasFrame |= n instanceof FrameNode;
        }
        final InsnList pro = new InsnList();
        if (local == null || !hasFrame)
        {
            local = new LabelNode();
        }
        pro.add(new VarInsnNode(Opcodes.ALOAD, 0));
        pro.add(new MethodInsnNode(Opcodes.INVOKESTATIC, HOME_CALLS, "isShared", "(Ljava/lang/Object;)Z", false));
        pro.add(new JumpInsnNode(Opcodes.IFEQ, local));
        pro.add(new VarInsnNode(Opcodes.ALOAD, 0));
        pro.add(new MethodInsnNode(Opcodes.INVOKESTATIC, HOME_CALLS, "runsHere", "(Ljava/lang/Object;)Z", false));
        pro.add(new JumpInsnNode(Opcodes.IFNE, local));
        if (def.exactClass())
        {
            pro.add(new VarInsnNode(Opcodes.ALOAD, 0));
            pro.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "getClass", "()Ljava/lang/Class;",
                false));
            pro.add(new LdcInsnNode(Type.getObjectType(owner)));
            pro.add(new JumpInsnNode(Opcodes.IF_ACMPNE, local));
        }
        if (doneAtZero != null)
        {
            pro.add(new VarInsnNode(Opcodes.ALOAD, 0));
            pro.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, owner, doneAtZero, "()J", false));
            pro.add(new InsnNode(Opcodes.LCONST_0));
            pro.add(new InsnNode(Opcodes.LCMP));
            pro.add(new JumpInsnNode(Opcodes.IFEQ, local));
        }
        pro.add(new VarInsnNode(Opcodes.ALOAD, 0));
        pro.add(new IntInsnNode(Opcodes.SIPUSH, id));
        pro.add(new IntInsnNode(Opcodes.BIPUSH, params.length));
        pro.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Object"));
        int slot = 1;
        for (int i = 0; i < params.length; i++)
        {
            pro.add(new InsnNode(Opcodes.DUP));
            pro.add(new IntInsnNode(Opcodes.BIPUSH, i));
            pro.add(new VarInsnNode(params[i].getOpcode(Opcodes.ILOAD), slot));
            box(pro, params[i]);
            pro.add(new InsnNode(Opcodes.AASTORE));
            slot += params[i].getSize();
        }
        pro.add(new MethodInsnNode(Opcodes.INVOKESTATIC, HOME_CALLS, "call",
            "(Ljava/lang/Object;I[Ljava/lang/Object;)Ljava/lang/Object;", false));
        switch (ret.getSort())
        {
            case Type.VOID:
                pro.add(new InsnNode(Opcodes.POP));
                pro.add(new InsnNode(Opcodes.RETURN));
                break;
            case Type.BOOLEAN:
                pro.add(new TypeInsnNode(Opcodes.CHECKCAST, "java/lang/Boolean"));
                pro.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Boolean", "booleanValue", "()Z", false));
                pro.add(new InsnNode(Opcodes.IRETURN));
                break;
            case Type.INT:
                pro.add(new TypeInsnNode(Opcodes.CHECKCAST, "java/lang/Integer"));
                pro.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Integer", "intValue", "()I", false));
                pro.add(new InsnNode(Opcodes.IRETURN));
                break;
            case Type.OBJECT:
            case Type.ARRAY:
                if (!ret.getInternalName().equals("java/lang/Object"))
                {
                    pro.add(new TypeInsnNode(Opcodes.CHECKCAST, ret.getInternalName()));
                }
                pro.add(new InsnNode(Opcodes.ARETURN));
                break;
            default:
                throw new IllegalStateException("home call " + mn.name + mn.desc + ": return type not handled");
        }
        if (!hasFrame)
        {
            pro.add(local);
            pro.add(entryFrame(owner, params));
        }
        mn.instructions.insert(pro);
    }

    /** The frame at the method's entry: this and the parameters, nothing on the stack. */
    private static FrameNode entryFrame(final String owner, final Type[] params)
    {
        final List<Object> locals = new ArrayList<>();
        locals.add(owner);
        for (final Type t : params)
        {
            switch (t.getSort())
            {
                case Type.LONG -> locals.add(Opcodes.LONG);
                case Type.DOUBLE -> locals.add(Opcodes.DOUBLE);
                case Type.FLOAT -> locals.add(Opcodes.FLOAT);
                case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> locals.add(Opcodes.INTEGER);
                default -> locals.add(t.getInternalName());
            }
        }
        return new FrameNode(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
    }

    private static void box(final InsnList out, final Type t)
    {
        final String box = switch (t.getSort())
        {
            case Type.LONG -> "java/lang/Long";
            case Type.INT -> "java/lang/Integer";
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.DOUBLE -> "java/lang/Double";
            case Type.OBJECT, Type.ARRAY -> null;
            default -> throw new IllegalStateException("home call parameter of type " + t + " not handled");
        };
        if (box != null)
        {
            out.add(new MethodInsnNode(Opcodes.INVOKESTATIC, box, "valueOf", "(" + t.getDescriptor() + ")L" + box +
                ";", false));
        }
    }
}
