package io.ssijava.agent.rewrite;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The program's main method, made a thread body that can move: {@code main(args)} is renamed and a new
 * {@code main(args)} runs it as {@code Ssi.runMain(() -> main$__ssi_main(args))}, a lambda (so that it travels as
 * lambdas do) whose frames the continuation rewriting makes capturable like any other.
 */
final class MainMethod
{
    static final String ORIGINAL = "main$__ssi_main";
    private static final String DESC = "([Ljava/lang/String;)V";

    /** The program's main class (internal name) in this JVM, or null when no cluster runs here. */
    private static volatile String mainClass;

    private MainMethod()
    {
    }

    /** Names the class whose main method starts the program, on every node (each runs the same command line). */
    static void mainClass(final String className)
    {
        mainClass = className == null ? null : className.replace('.', '/');
    }

    static boolean isMainClass(final ClassNode cn)
    {
        return cn.name.equals(mainClass) && (cn.access & Opcodes.ACC_INTERFACE) == 0;
    }

    /** Wraps the class's {@code public static void main(String[])}, if it has one. */
    static void wrap(final ClassNode cn)
    {
        MethodNode main = null;
        for (final MethodNode mn : cn.methods)
        {
            if (mn.name.equals("main") && mn.desc.equals(DESC) && (mn.access & Opcodes.ACC_STATIC) != 0 &&
                (mn.access & Opcodes.ACC_PUBLIC) != 0)
            {
                main = mn;
            }
        }
        if (main == null || main.instructions.size() == 0)
        {
            return;
        }
        main.name = ORIGINAL;
        main.access = (main.access & ~(Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_VARARGS)) |
            Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC;
        final MethodNode wrapper = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "main", DESC, null,
            main.exceptions.toArray(new String[0]));
        final Handle metafactory = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;" +
            "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)" +
            "Ljava/lang/invoke/CallSite;", false);
        final Type run = Type.getMethodType("()V");
        wrapper.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        wrapper.instructions.add(new InvokeDynamicInsnNode("run", "([Ljava/lang/String;)Ljava/lang/Runnable;",
            metafactory, run, new Handle(Opcodes.H_INVOKESTATIC, cn.name, ORIGINAL, DESC, false), run));
        wrapper.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "io/ssijava/rt/Ssi", "runMain",
            "(Ljava/lang/Runnable;)V", false));
        wrapper.instructions.add(new InsnNode(Opcodes.RETURN));
        wrapper.maxLocals = 1;
        wrapper.maxStack = 1;
        cn.methods.add(wrapper);
    }
}
