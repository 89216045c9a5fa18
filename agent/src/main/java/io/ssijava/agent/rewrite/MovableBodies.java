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
 * Thread bodies that the JVM calls directly, made into bodies that can move: the program's {@code main(args)} and
 * the {@code run()} of a subclass of Thread. Each is renamed, and a method of the old name hands the runtime a
 * lambda that runs it ({@code Ssi.runMain(() -> main$__ssi_main(args))}, {@code Ssi.runThread(this,
 * () -> run$__ssi_body(this))}): the lambda travels as lambdas do, and the frames below it are capturable like
 * any others.
 */
final class MovableBodies
{
    static final String MAIN = "main$__ssi_main";
    static final String RUN = "run$__ssi_run";
    private static final String RUN_BODY = "run$__ssi_body";
    private static final String MAIN_DESC = "([Ljava/lang/String;)V";
    private static final String SSI = "io/ssijava/rt/Ssi";
    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
        "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;" +
        "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)" +
        "Ljava/lang/invoke/CallSite;", false);

    /** The program's main class (internal name) in this JVM, or null when no cluster runs here. */
    private static volatile String mainClass;

    private MovableBodies()
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
    static void wrapMain(final ClassNode cn)
    {
        final MethodNode main = find(cn, "main", MAIN_DESC, true);
        if (main == null)
        {
            return;
        }
        main.name = MAIN;
        main.access = hidden(main.access);
        final MethodNode wrapper = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "main", MAIN_DESC, null,
            main.exceptions.toArray(new String[0]));
        wrapper.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        wrapper.instructions.add(runnable(cn, MAIN, MAIN_DESC, "[Ljava/lang/String;"));
        wrapper.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "runMain", "(Ljava/lang/Runnable;)V",
            false));
        wrapper.instructions.add(new InsnNode(Opcodes.RETURN));
        cn.methods.add(wrapper);
    }

    /** Wraps the {@code public void run()} a subclass of Thread declares, if it declares one. */
    static void wrapThreadRun(final ClassNode cn)
    {
        final MethodNode run = find(cn, "run", "()V", false);
        if (run == null || (run.access & Opcodes.ACC_PUBLIC) == 0)
        {
            return;
        }
        final String self = "L" + cn.name + ";";
        run.name = RUN;
        run.access = hidden(run.access);
        // the lambda's target: static, so that it is built like main's (the thread object is its argument)
        final MethodNode body = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
            RUN_BODY, "(" + self + ")V", null, null);
        body.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        body.instructions.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, cn.name, RUN, "()V", false));
        body.instructions.add(new InsnNode(Opcodes.RETURN));
        cn.methods.add(body);
        final MethodNode wrapper = new MethodNode(Opcodes.ACC_PUBLIC, "run", "()V", null, null);
        wrapper.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        wrapper.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        wrapper.instructions.add(runnable(cn, RUN_BODY, "(" + self + ")V", self));
        wrapper.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "runThread",
            "(Ljava/lang/Thread;Ljava/lang/Runnable;)V", false));
        wrapper.instructions.add(new InsnNode(Opcodes.RETURN));
        cn.methods.add(wrapper);
    }

    private static MethodNode find(final ClassNode cn, final String name, final String desc, final boolean isStatic)
    {
        for (final MethodNode mn : cn.methods)
        {
            if (mn.name.equals(name) && mn.desc.equals(desc) && ((mn.access & Opcodes.ACC_STATIC) != 0) == isStatic &&
                (mn.access & Opcodes.ACC_ABSTRACT) == 0 && (!isStatic || (mn.access & Opcodes.ACC_PUBLIC) != 0) &&
                mn.instructions.size() > 0)
            {
                return mn;
            }
        }
        return null;
    }

    private static int hidden(final int access)
    {
        return (access & ~(Opcodes.ACC_PUBLIC | Opcodes.ACC_PROTECTED | Opcodes.ACC_VARARGS)) | Opcodes.ACC_PRIVATE |
            Opcodes.ACC_SYNTHETIC;
    }

    /** {@code () -> owner.target(captured)}, with the captured value on the stack. */
    private static InvokeDynamicInsnNode runnable(final ClassNode cn, final String target, final String desc,
        final String captured)
    {
        final Type run = Type.getMethodType("()V");
        return new InvokeDynamicInsnNode("run", "(" + captured + ")Ljava/lang/Runnable;", METAFACTORY, run,
            new Handle(Opcodes.H_INVOKESTATIC, cn.name, target, desc, false), run);
    }
}
