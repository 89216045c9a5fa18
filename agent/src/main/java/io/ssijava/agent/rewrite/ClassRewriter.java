package io.ssijava.agent.rewrite;

import io.ssijava.dsm.JdkClasses;
import io.ssijava.dsm.LambdaSites;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites one application class so that it takes part in the global object space:
 * <ul>
 *     <li>the root of each application hierarchy gets the state field and {@code Managed}, and an identity
 *     {@code hashCode} that is stable across nodes;</li>
 *     <li>field and array accesses get the inlined state check (slow path into {@code Ssi});</li>
 *     <li>monitors, {@code synchronized} methods, wait/notify, Thread start/join/isAlive, identity hash codes and
 *     {@code System.exit} go through the facade;</li>
 *     <li>the class initializer runs once in the cluster: elsewhere the static values are fetched;</li>
 *     <li>lambda creation sites are recorded so that lambdas can be rebuilt on another node.</li>
 * </ul>
 */
public final class ClassRewriter
{
    static final String SSI = "io/ssijava/rt/Ssi";
    static final String GUARD = "io/ssijava/rt/ArrayGuard";
    private static final String WRITE_SITE = "io/ssijava/rt/ArrayWriteSite";
    /** Array access sites of one class that get a check method of their own; any beyond share ArrayGuard's. */
    private static final int MAX_SITE_METHODS = 3000;
    static final String MANAGED = "io/ssijava/rt/Managed";
    static final String STATE = "__ssi_s";
    static final String SSTATE = "__ssi_ss";
    static final int WTRAP = 0x40000000;

    /** Application methods are made capturable unless {@code -Dssi.continuations=false} (for diagnosis). */
    private static final boolean CONTINUATIONS = !"false".equals(System.getProperty("ssi.continuations"));

    /** Array checks move out of call-free loops unless {@code -Dssi.hoist=false} (for diagnosis). */
    private static final boolean HOIST = !"false".equals(System.getProperty("ssi.hoist"));

    /**
     * Whether java.base of this JVM is the instrumented copy ({@link JdkClasses}): then application classes treat
     * the JDK classes of that set as managed (a subclass of {@code HashMap} inherits its state field).
     */
    private static volatile boolean jdkPatched;

    private final ClassLoader loader;
    /** Rewriting a JDK class for the instrumented copy: no shared statics, Unsafe and VarHandle sites checked. */
    private final boolean jdkMode;
    private ClassNode cn;
    private boolean isInterface;
    private final List<String> guards = new ArrayList<>();
    /** Per field owner: the name of this class's check method before reads, and before writes (fieldCheck). */
    private final Map<String, String> readChecks = new HashMap<>();
    private final Map<String, String> writeChecks = new HashMap<>();
    private int lambdaIndex;
    /** First local slot free for spilling call arguments in the method being rewritten, and how many it needs. */
    private int tempBase;
    private int tempNeeded;

    /** Whether to make methods capturable (never for the JDK, and not on the retry after a failure). */
    private final boolean continuations;

    private ClassRewriter(final ClassLoader loader, final boolean jdkMode)
    {
        this(loader, jdkMode, CONTINUATIONS && !jdkMode);
    }

    private ClassRewriter(final ClassLoader loader, final boolean jdkMode, final boolean continuations)
    {
        this.loader = loader;
        this.jdkMode = jdkMode;
        this.continuations = continuations;
    }

    /**
     * Names the program's main class, whose main method then runs as a thread that can move (see MovableBodies).
     *
     * @param className binary name, or null.
     */
    public static void mainClass(final String className)
    {
        MovableBodies.mainClass(className);
    }

    /** Thread constructors that number the thread's name; each has a twin that takes the name last. */
    private static final Set<String> UNNAMED_THREAD = Set.of("<init>()V", "<init>(Ljava/lang/Runnable;)V",
        "<init>(Ljava/lang/ThreadGroup;Ljava/lang/Runnable;)V");

    /** Tells the rewriter that java.base is the instrumented copy. */
    public static void jdkPatched(final boolean patched)
    {
        jdkPatched = patched;
    }

    /** @return whether objects of this class carry the state word (application classes, instrumented JDK classes). */
    boolean isManaged(final String internalName)
    {
        return isApplicationClass(internalName) || (jdkMode || jdkPatched) && JdkClasses.isInstrumented(internalName);
    }

    /**
     * ssi-java's own code that runs the program's code and must be capturable like it (a pool worker's loop): the
     * agent rewrites it as an application class.
     */
    private static final String CAPTURABLE_RUNTIME = "io/ssijava/threads/capturable/";

    /** @return whether classes of this internal name are application classes that ssi-java rewrites. */
    public static boolean isApplicationClass(final String internalName)
    {
        return internalName != null &&
            !internalName.startsWith("java/") && !internalName.startsWith("javax/") &&
            !internalName.startsWith("jdk/") && !internalName.startsWith("sun/") &&
            !internalName.startsWith("com/sun/") &&
            (!internalName.startsWith("io/ssijava/") || internalName.startsWith(CAPTURABLE_RUNTIME)) &&
            !internalName.startsWith("org/junit/") && !internalName.startsWith("junit/") &&
            !internalName.startsWith("org/opentest4j/") && !internalName.startsWith("org/apiguardian/") &&
            !internalName.startsWith("org/apache/maven/") && !internalName.startsWith("org/openjdk/jmh/") &&
            !internalName.contains("$$Lambda");
    }

    /**
     * Rewrites a class file.
     *
     * @param loader the defining loader (for hierarchy lookups).
     * @param bytes  the original class file.
     * @return the rewritten class file.
     */
    public static byte[] rewrite(final ClassLoader loader, final byte[] bytes)
    {
        final ClassRewriter full = new ClassRewriter(loader, false, CONTINUATIONS && seesContinuations(loader));
        if (!full.continuations)
        {
            return full.doRewrite(bytes, true);
        }
        try
        {
            return full.doRewrite(bytes, true);
        }
        catch (final RuntimeException ex)
        {
            // the class stays consistent across nodes; only its threads cannot be captured in its methods
            return new ClassRewriter(loader, false, false).doRewrite(bytes, true);
        }
    }

    /**
     * Rewrites a class of java.base for the instrumented copy of the JDK.
     *
     * @param bytes the original class file.
     * @return the rewritten class file.
     */
    public static byte[] rewriteJdk(final byte[] bytes)
    {
        return new ClassRewriter(null, true).doRewrite(bytes, true);
    }

    /** Loaders whose classes can link against the continuation facade (the one this rewriter registers with). */
    private static final java.util.Map<ClassLoader, Boolean> SEES_CONTINUATIONS =
        java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * Whether classes of this loader resolve the continuation facade to ssi-java's own: a loader that does not
     * delegate {@code io.ssijava} to the application class loader gets no capture checks rather than a
     * {@code NoClassDefFoundError}.
     */
    private static boolean seesContinuations(final ClassLoader loader)
    {
        if (loader == null)
        {
            return false;
        }
        final Boolean known = SEES_CONTINUATIONS.get(loader);
        if (known != null)
        {
            return known;
        }
        // outside the map's lock: the lookup may load classes
        boolean sees;
        try
        {
            sees = Class.forName(ContinuationRewriter.CONT.replace('/', '.'), false, loader) ==
                io.ssijava.threads.cont.Cont.class;
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            sees = false;
        }
        SEES_CONTINUATIONS.put(loader, sees);
        return sees;
    }

    /** Only the structure (state field, Managed): for a class whose code cannot be rewritten. */
    public static byte[] rewriteStructureOnly(final ClassLoader loader, final byte[] bytes)
    {
        return new ClassRewriter(loader, false).doRewrite(bytes, false);
    }

    private byte[] doRewrite(final byte[] bytes, final boolean code)
    {
        ClassInfo.register(loader, bytes);
        cn = new ClassNode();
        new ClassReader(bytes).accept(cn, ClassReader.EXPAND_FRAMES);
        isInterface = (cn.access & Opcodes.ACC_INTERFACE) != 0;
        final boolean isEnum = (cn.access & Opcodes.ACC_ENUM) != 0 && "java/lang/Enum".equals(cn.superName);
        if (!isInterface && !isManaged(cn.superName))
        {
            addStateField();
        }
        if (code)
        {
            // before the rewriting: the wrappers' lambdas are sites like any other
            if (continuations && MovableBodies.isMainClass(cn))
            {
                MovableBodies.wrapMain(cn);
            }
            if (continuations && !isInterface && !"java/lang/Thread".equals(cn.name) &&
                ClassInfo.isThread(loader, cn.name))
            {
                MovableBodies.wrapThreadRun(cn);
            }
            if (jdkMode)
            {
                OwnArrays.inlineElementGetters(cn);
            }
            for (final MethodNode mn : new ArrayList<>(cn.methods))
            {
                if (mn.instructions.size() > 0)
                {
                    rewriteMethod(mn);
                }
            }
            // the JDK's statics stay per node: caches, constants and counters of the node's own JDK
            final boolean hasStatics = !jdkMode && cn.fields.stream().anyMatch(f -> (f.access & Opcodes.ACC_STATIC) != 0);
            if (!isInterface && hasStatics && !isEnum)
            {
                cn.fields.add(new FieldNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC |
                    Opcodes.ACC_TRANSIENT, SSTATE, "I", null, null));
            }
            rewriteClinit(hasStatics && !isEnum);
        }
        final ContinuationRewriter capture = code && continuations ? new ContinuationRewriter(loader, cn) : null;
        if (capture != null)
        {
            capture.rewrite();
        }
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS)
        {
            @Override
            protected String getCommonSuperClass(final String a, final String b)
            {
                return ClassInfo.commonSuperClass(loader, a, b);
            }

            @Override
            protected ClassLoader getClassLoader()
            {
                return loader;
            }
        };
        cn.accept(cw);
        final byte[] out = cw.toByteArray();
        if (capture != null)
        {
            capture.register();
        }
        return out;
    }

    // ---------------------------------------------------------------- structure

    private void addStateField()
    {
        cn.fields.add(new FieldNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_TRANSIENT,
            STATE, "I", null, null));
        if (!cn.interfaces.contains(MANAGED))
        {
            cn.interfaces.add(MANAGED);
        }
        final MethodNode get = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, "__ssi_state", "()I", null, null);
        get.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        get.instructions.add(new FieldInsnNode(Opcodes.GETFIELD, cn.name, STATE, "I"));
        get.instructions.add(new InsnNode(Opcodes.IRETURN));
        cn.methods.add(get);
        final MethodNode set = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, "__ssi_state", "(I)V", null, null);
        set.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        set.instructions.add(new VarInsnNode(Opcodes.ILOAD, 1));
        set.instructions.add(new FieldInsnNode(Opcodes.PUTFIELD, cn.name, STATE, "I"));
        set.instructions.add(new InsnNode(Opcodes.RETURN));
        cn.methods.add(set);
        final boolean isRecord = "java/lang/Record".equals(cn.superName);
        final boolean declaresHash = cn.methods.stream().anyMatch(m -> m.name.equals("hashCode") && m.desc.equals("()I"));
        if ("java/lang/Object".equals(cn.superName) && !declaresHash && !isRecord)
        {
            // identity-keyed hash tables built on one node must work on another
            final MethodNode hc = new MethodNode(Opcodes.ACC_PUBLIC, "hashCode", "()I", null, null);
            hc.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
            hc.instructions.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "identityHashCode", "(Ljava/lang/Object;)I"));
            hc.instructions.add(new InsnNode(Opcodes.IRETURN));
            cn.methods.add(hc);
        }
    }

    // ---------------------------------------------------------------- methods

    private void rewriteMethod(final MethodNode mn)
    {
        if (mn.name.startsWith("__ssi_"))
        {
            return;
        }
        final boolean isInit = mn.name.equals("<init>");
        final boolean isClinit = mn.name.equals("<clinit>");
        final Set<AbstractInsnNode> thisAccess = isInit ? ThisAnalysis.thisFieldAccesses(cn.name, mn) : Set.of();
        final JdkAccesses jdk = jdkMode ? JdkAccesses.analyze(cn.name, isInterface, mn) : null;
        final Set<AbstractInsnNode> ownArrays = jdkMode ? OwnArrays.accesses(cn.name, mn) : Set.of();
        final int tObj = mn.maxLocals;
        final int tVal = mn.maxLocals + 1;
        tempBase = mn.maxLocals + 4;
        tempNeeded = 0;
        final InsnList code = mn.instructions;
        final List<AbstractInsnNode> enters = new ArrayList<>();
        final LoopHoisting loops = HOIST ?
            LoopHoisting.analyze(cn.name, mn, this::isVolatileOrUnknown, !jdkMode && !isInterface) :
            LoopHoisting.none();
        for (final AbstractInsnNode insn : code.toArray())
        {
            final int op = insn.getOpcode();
            if (loops.hoisted.containsKey(insn))
            {
                continue;
            }
            switch (op)
            {
                case Opcodes.GETFIELD:
                {
                    final FieldInsnNode f = (FieldInsnNode)insn;
                    if (isManaged(f.owner) && !thisAccess.contains(insn) && !f.name.startsWith("__ssi_"))
                    {
                        code.insertBefore(insn, readCheck(f.owner));
                    }
                    break;
                }
                case Opcodes.PUTFIELD:
                {
                    final FieldInsnNode f = (FieldInsnNode)insn;
                    if (isManaged(f.owner) && !thisAccess.contains(insn) && !f.name.startsWith("__ssi_"))
                    {
                        rewritePutfield(code, f, tObj, tVal);
                    }
                    break;
                }
                case Opcodes.GETSTATIC:
                case Opcodes.PUTSTATIC:
                    rewriteStatic(code, (FieldInsnNode)insn, isClinit);
                    break;
                case Opcodes.IALOAD: case Opcodes.LALOAD: case Opcodes.FALOAD: case Opcodes.DALOAD:
                case Opcodes.AALOAD: case Opcodes.BALOAD: case Opcodes.CALOAD: case Opcodes.SALOAD:
                    arrayLoad(code, insn, ownArrays.contains(insn));
                    break;
                case Opcodes.IASTORE: case Opcodes.LASTORE: case Opcodes.FASTORE: case Opcodes.DASTORE:
                case Opcodes.AASTORE: case Opcodes.BASTORE: case Opcodes.CASTORE: case Opcodes.SASTORE:
                    arrayStore(code, insn, ownArrays.contains(insn));
                    break;
                case Opcodes.MONITORENTER:
                    enters.add(insn);
                    break;
                case Opcodes.MONITOREXIT:
                {
                    code.insertBefore(insn, new InsnNode(Opcodes.DUP));
                    code.insertBefore(insn, new VarInsnNode(Opcodes.ASTORE, tObj));
                    final InsnList il = new InsnList();
                    final LabelNode before = new LabelNode();
                    final LabelNode after = new LabelNode();
                    il.add(before);
                    il.add(new VarInsnNode(Opcodes.ALOAD, tObj));
                    il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorExit", "(Ljava/lang/Object;)V"));
                    il.add(after);
                    code.insert(insn, il);
                    // javac's catch-any handlers of a synchronized block would run monitorexit again if this call
                    // threw: keep it out of every protected range
                    excludeFromHandlers(mn, before, after);
                    break;
                }
                case Opcodes.INVOKEVIRTUAL:
                case Opcodes.INVOKEINTERFACE:
                case Opcodes.INVOKESTATIC:
                case Opcodes.INVOKESPECIAL:
                    if (jdk == null || !jdk.rewrite(code, (MethodInsnNode)insn, this::newGuard, tempBase))
                    {
                        rewriteCall(code, (MethodInsnNode)insn);
                    }
                    break;
                case Opcodes.INVOKEDYNAMIC:
                    if (!jdkMode)
                    {
                        rewriteIndy(code, (InvokeDynamicInsnNode)insn);
                    }
                    break;
                default:
                    break;
            }
        }
        emitHoistedChecks(code, loops);
        if (jdk != null && jdk.rewritten > 0)
        {
            tempNeeded = Math.max(tempNeeded, JdkAccesses.TEMPS);
        }
        mn.maxLocals += 4 + tempNeeded;
        for (final AbstractInsnNode enter : enters)
        {
            rewriteMonitorEnter(code, enter, mn.maxLocals++, mn.tryCatchBlocks);
        }
        if ((mn.access & Opcodes.ACC_SYNCHRONIZED) != 0)
        {
            wrapSynchronized(mn);
        }
    }

    /**
     * {@code monitorenter} takes the cluster lock first and checks after the JVM monitor that it was admitted
     * ({@code Ssi.monitorEntered}). The object is kept in a local of its own for the check, which is also where the
     * continuation rewriting finds the monitor a frame holds ("dup; astore; dup; invokestatic Ssi.monitorEnter").
     */
    private static void rewriteMonitorEnter(final InsnList code, final AbstractInsnNode enter, final int local,
        final List<TryCatchBlockNode> tryCatchBlocks)
    {
        final InsnList before = new InsnList();
        before.add(new InsnNode(Opcodes.DUP));
        before.add(new VarInsnNode(Opcodes.ASTORE, local));
        before.add(new InsnNode(Opcodes.DUP));
        before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorEnter", "(Ljava/lang/Object;)V"));
        code.insertBefore(enter, before);
        final InsnList after = new InsnList();
        after.add(new VarInsnNode(Opcodes.ALOAD, local));
        after.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorEntered", "(Ljava/lang/Object;)V"));
        code.insert(protectedStart(code, enter, tryCatchBlocks), after);
    }

    /**
     * Where code that runs right after {@code monitorenter} goes: inside the range that javac protects with the
     * handler that exits the monitor (it starts at a label right after {@code monitorenter}), if there is one.
     * HotSpot compiles no method in which an instruction that can throw runs with a monitor held and no handler.
     */
    private static AbstractInsnNode protectedStart(final InsnList code, final AbstractInsnNode enter,
        final List<TryCatchBlockNode> tryCatchBlocks)
    {
        for (AbstractInsnNode n = enter.getNext(); n != null && n.getOpcode() < 0; n = n.getNext())
        {
            for (final TryCatchBlockNode t : tryCatchBlocks)
            {
                if (t.start == n)
                {
                    return n;
                }
            }
        }
        return enter;
    }

    /** One check of each hoisted (loop, local, mode) on every edge into its loop. */
    private void emitHoistedChecks(final InsnList code, final LoopHoisting loops)
    {
        for (final LoopHoisting.Hoisted h : new java.util.LinkedHashSet<>(loops.hoisted.values()))
        {
            final String guard = isInterface ? null : newGuard();
            for (final AbstractInsnNode entry : h.entries)
            {
                final InsnList il = new InsnList();
                il.add(new VarInsnNode(Opcodes.ALOAD, h.var));
                if (guard == null)
                {
                    il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, h.write ? "arrayWrite" : "arrayRead",
                        "(Ljava/lang/Object;)V"));
                }
                else
                {
                    il.add(new FieldInsnNode(Opcodes.GETSTATIC, cn.name, guard, "L" + GUARD + ";"));
                    il.add(new InsnNode(Opcodes.SWAP));
                    il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, GUARD,
                        h.write ? "checkHoistedWrite" : "checkRead", "(Ljava/lang/Object;)V"));
                }
                code.insertBefore(entry, il);
            }
        }
    }

    private boolean isVolatileOrUnknown(final String owner, final String field)
    {
        final ClassInfo decl = declaring(owner, field);
        return decl == null || (decl.fields.get(field) & Opcodes.ACC_VOLATILE) != 0;
    }

    /** Checks the object on top of the stack (and keeps it) before a read of one of its fields. */
    private InsnList readCheck(final String owner)
    {
        final InsnList il = new InsnList();
        il.add(new InsnNode(Opcodes.DUP));
        if (!isInterface)
        {
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, cn.name, fieldCheck(owner, false), "(L" + owner + ";)V"));
            return il;
        }
        final LabelNode ok = new LabelNode();
        il.add(new FieldInsnNode(Opcodes.GETFIELD, owner, STATE, "I"));
        il.add(new JumpInsnNode(Opcodes.IFGE, ok));
        il.add(new InsnNode(Opcodes.DUP));
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "readMiss", "(Ljava/lang/Object;)V"));
        il.add(ok);
        return il;
    }

    private void rewritePutfield(final InsnList code, final FieldInsnNode f, final int tObj, final int tVal)
    {
        final Type t = Type.getType(f.desc);
        final boolean isVolatile = isVolatile(f.owner, f.name);
        if (!isInterface && !isVolatile)
        {
            // (object, value) on the stack: check a copy of the object under the value, in 4 or 5 bytes of code
            final InsnList il = new InsnList();
            if (t.getSize() == 1)
            {
                il.add(new InsnNode(Opcodes.SWAP));
                il.add(new InsnNode(Opcodes.DUP_X1));
            }
            else
            {
                il.add(new InsnNode(Opcodes.DUP2_X1));
                il.add(new InsnNode(Opcodes.POP2));
                il.add(new InsnNode(Opcodes.DUP_X2));
            }
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, cn.name, fieldCheck(f.owner, true), "(L" + f.owner + ";)V"));
            code.insertBefore(f, il);
            return;
        }
        final InsnList il = new InsnList();
        final LabelNode ok = new LabelNode();
        il.add(new VarInsnNode(t.getOpcode(Opcodes.ISTORE), tVal));
        il.add(new VarInsnNode(Opcodes.ASTORE, tObj));
        il.add(new VarInsnNode(Opcodes.ALOAD, tObj));
        il.add(new FieldInsnNode(Opcodes.GETFIELD, f.owner, STATE, "I"));
        il.add(new LdcInsnNode(WTRAP));
        il.add(new InsnNode(Opcodes.IAND));
        il.add(new JumpInsnNode(Opcodes.IFEQ, ok));
        il.add(new VarInsnNode(Opcodes.ALOAD, tObj));
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "writeMiss", "(Ljava/lang/Object;)V"));
        il.add(ok);
        il.add(new VarInsnNode(Opcodes.ALOAD, tObj));
        il.add(new VarInsnNode(t.getOpcode(Opcodes.ILOAD), tVal));
        code.insertBefore(f, il);
        if (isVolatile)
        {
            final InsnList after = new InsnList();
            after.add(new VarInsnNode(Opcodes.ALOAD, tObj));
            after.add(new FieldInsnNode(Opcodes.GETFIELD, f.owner, STATE, "I"));
            after.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "volatileWritten", "(I)V"));
            code.insert(f, after);
        }
    }

    /**
     * The name of this class's private check of objects of {@code owner} before a field read or write, made on
     * first use: {@code if (o != null && o.__ssi_s < 0) Ssi.readMiss(o)}, or {@code (o.__ssi_s & WTRAP) != 0} and
     * {@code Ssi.writeMiss(o)} for writes. A call is 4 bytes at the site against 11 (read) or 25 (write) inline:
     * JDK methods such as {@code HashMap.putVal} stay under the JIT's inlining size limits. A null object passes, so
     * that the access itself throws the usual {@code NullPointerException} with its usual message.
     */
    private String fieldCheck(final String owner, final boolean write)
    {
        final Map<String, String> checks = write ? writeChecks : readChecks;
        final String known = checks.get(owner);
        if (known != null)
        {
            return known;
        }
        final String name = (write ? "__ssi_fw" : "__ssi_fr") + checks.size();
        checks.put(owner, name);
        final MethodNode m = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, name,
            "(L" + owner + ";)V", null, null);
        final InsnList il = m.instructions;
        final LabelNode ok = new LabelNode();
        il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        il.add(new JumpInsnNode(Opcodes.IFNULL, ok));
        il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        il.add(new FieldInsnNode(Opcodes.GETFIELD, owner, STATE, "I"));
        if (write)
        {
            il.add(new LdcInsnNode(WTRAP));
            il.add(new InsnNode(Opcodes.IAND));
            il.add(new JumpInsnNode(Opcodes.IFEQ, ok));
        }
        else
        {
            il.add(new JumpInsnNode(Opcodes.IFGE, ok));
        }
        il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, write ? "writeMiss" : "readMiss", "(Ljava/lang/Object;)V"));
        il.add(ok);
        il.add(new InsnNode(Opcodes.RETURN));
        m.maxLocals = 1;
        m.maxStack = 2;
        cn.methods.add(m);
        return name;
    }

    private boolean isVolatile(final String owner, final String field)
    {
        final ClassInfo decl = declaring(owner, field);
        return decl != null && (decl.fields.get(field) & Opcodes.ACC_VOLATILE) != 0;
    }

    private ClassInfo declaring(final String owner, final String field)
    {
        if (owner.equals(cn.name))
        {
            for (final FieldNode fn : cn.fields)
            {
                if (fn.name.equals(field))
                {
                    return ClassInfo.of(loader, cn.name);
                }
            }
        }
        return ClassInfo.declaringClass(loader, owner, field);
    }

    private void rewriteStatic(final InsnList code, final FieldInsnNode f, final boolean isClinit)
    {
        if (!isApplicationClass(f.owner) || f.name.startsWith("__ssi_"))
        {
            return;
        }
        final ClassInfo decl = declaring(f.owner, f.name);
        if (decl == null || decl.isInterface)
        {
            return;
        }
        final int access = decl.fields.get(f.name);
        final boolean isEnum = "java/lang/Enum".equals(decl.superName);
        if ((access & Opcodes.ACC_FINAL) != 0 || isEnum || (isClinit && decl.name.equals(cn.name)))
        {
            return;
        }
        final Type owner = Type.getObjectType(decl.name);
        final LabelNode ok = new LabelNode();
        final InsnList il = new InsnList();
        il.add(new FieldInsnNode(Opcodes.GETSTATIC, decl.name, SSTATE, "I"));
        if (f.getOpcode() == Opcodes.GETSTATIC)
        {
            il.add(new JumpInsnNode(Opcodes.IFGE, ok));
            il.add(new LdcInsnNode(owner));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "staticReadMiss", "(Ljava/lang/Class;)V"));
        }
        else
        {
            il.add(new LdcInsnNode(WTRAP));
            il.add(new InsnNode(Opcodes.IAND));
            il.add(new JumpInsnNode(Opcodes.IFEQ, ok));
            il.add(new LdcInsnNode(owner));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "staticWriteMiss", "(Ljava/lang/Class;)V"));
        }
        il.add(ok);
        code.insertBefore(f, il);
        if (f.getOpcode() == Opcodes.PUTSTATIC && (access & Opcodes.ACC_VOLATILE) != 0)
        {
            final InsnList after = new InsnList();
            after.add(new FieldInsnNode(Opcodes.GETSTATIC, decl.name, SSTATE, "I"));
            after.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "volatileWritten", "(I)V"));
            code.insert(f, after);
        }
    }

    private String newGuard()
    {
        final String name = "__ssi_g" + guards.size();
        guards.add(name);
        cn.fields.add(new FieldNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
            name, "L" + GUARD + ";", null, null));
        return name;
    }

    private void arrayLoad(final InsnList code, final AbstractInsnNode insn, final boolean ownArray)
    {
        final InsnList il = new InsnList();
        final LabelNode skip = skipWhileLocal(il, ownArray);
        il.add(new InsnNode(Opcodes.DUP2));
        il.add(new InsnNode(Opcodes.POP));
        siteCheck(il, false);
        if (skip != null)
        {
            il.add(skip);
        }
        code.insertBefore(insn, il);
    }

    /**
     * For an access to one of {@code this}'s own arrays ({@link OwnArrays}): jumps past the array check while
     * {@code this} was never shared (its state word is 0). The field checks around load the same word.
     *
     * @return the label to place after the check, or null when the access keeps its check.
     */
    private LabelNode skipWhileLocal(final InsnList il, final boolean ownArray)
    {
        if (!ownArray)
        {
            return null;
        }
        final LabelNode skip = new LabelNode();
        il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        il.add(new FieldInsnNode(Opcodes.GETFIELD, cn.name, STATE, "I"));
        il.add(new JumpInsnNode(Opcodes.IFEQ, skip));
        return skip;
    }

    private void arrayStore(final InsnList code, final AbstractInsnNode insn, final boolean ownArray)
    {
        // (array, index, value) on the stack: bring a copy of the array to the top by shuffling, not through locals
        // (7 bytes of code against 12: a smaller method inlines better)
        final InsnList il = new InsnList();
        final LabelNode skip = skipWhileLocal(il, ownArray);
        if (insn.getOpcode() == Opcodes.LASTORE || insn.getOpcode() == Opcodes.DASTORE)
        {
            il.add(new InsnNode(Opcodes.DUP2_X2));  // vv a i vv
            il.add(new InsnNode(Opcodes.POP2));     // vv a i
            il.add(new InsnNode(Opcodes.DUP2_X2));  // a i vv a i
            il.add(new InsnNode(Opcodes.POP));      // a i vv a
        }
        else
        {
            il.add(new InsnNode(Opcodes.DUP2_X1));  // i v a i v
            il.add(new InsnNode(Opcodes.POP2));     // i v a
            il.add(new InsnNode(Opcodes.DUP_X2));   // a i v a
        }
        siteCheck(il, true);
        if (skip != null)
        {
            il.add(skip);
        }
        code.insertBefore(insn, il);
    }

    /**
     * Checks the array on top of the stack (and pops it) with a guard of its own. Each site calls a private static
     * method of its own holding the guard's fast path, so that the site's miss branch has its own profile (see
     * ArrayGuard) while the call site stays as small as a shared call: a larger method inlines less well.
     */
    private void siteCheck(final InsnList il, final boolean write)
    {
        if (isInterface)
        {
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, write ? "arrayWrite" : "arrayRead",
                "(Ljava/lang/Object;)V"));
            return;
        }
        final String guard = newGuard();
        if (guards.size() > MAX_SITE_METHODS)
        {
            // a huge class: keep the constant pool small, share ArrayGuard's own check
            il.add(new FieldInsnNode(Opcodes.GETSTATIC, cn.name, guard, "L" + GUARD + ";"));
            il.add(new InsnNode(Opcodes.SWAP));
            il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, GUARD, write ? "checkWrite" : "checkRead",
                "(Ljava/lang/Object;)V"));
            return;
        }
        final String name = guard.replace("__ssi_g", write ? "__ssi_w" : "__ssi_r");
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, cn.name, name, "(Ljava/lang/Object;)V"));
        cn.methods.add(siteMethod(name, guard, write));
    }

    /**
     * {@code if (ACTIVE && invalidArrays != 0) { e = g.read; if (e.array != a || e.epoch != readEpoch) g.readMiss(a); }}
     * and the same for writes with {@code trappedArrays} (through {@code ArrayWriteSite.trapped()} outside the JDK),
     * {@code g.write} and {@code writeEpoch}.
     */
    private MethodNode siteMethod(final String name, final String guard, final boolean write)
    {
        final MethodNode m = new MethodNode(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, name,
            "(Ljava/lang/Object;)V", null, null);
        final InsnList il = m.instructions;
        final LabelNode ok = new LabelNode();
        if (!jdkMode)
        {
            // constant: false on a JVM that is not a cluster node, where the JIT drops the rest
            il.add(new FieldInsnNode(Opcodes.GETSTATIC, GUARD, "ACTIVE", "Z"));
            il.add(new JumpInsnNode(Opcodes.IFEQ, ok));
        }
        // no invalid array on this node: no read needs a fault; no write-trapped one: no write needs a twin
        if (write && !jdkMode)
        {
            // through a method that the agent keeps at "return 0" while the node has no shared array
            // (ArrayWriteSite); the instrumented JDK reads the field (its collections skip the checks of their own
            // arrays while unshared)
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, WRITE_SITE, "trapped", "()I"));
        }
        else
        {
            il.add(new FieldInsnNode(Opcodes.GETSTATIC, GUARD, write ? "trappedArrays" : "invalidArrays", "I"));
        }
        il.add(new JumpInsnNode(Opcodes.IFEQ, ok));
        // the memo: local 1 = g.read (or g.write), tested against the array in local 0 and the current epoch
        final String entry = GUARD + "$Entry";
        final LabelNode miss = new LabelNode();
        il.add(new FieldInsnNode(Opcodes.GETSTATIC, cn.name, guard, "L" + GUARD + ";"));
        il.add(new FieldInsnNode(Opcodes.GETFIELD, GUARD, write ? "write" : "read", "L" + entry + ";"));
        il.add(new VarInsnNode(Opcodes.ASTORE, 1));
        il.add(new VarInsnNode(Opcodes.ALOAD, 1));
        il.add(new FieldInsnNode(Opcodes.GETFIELD, entry, "array", "Ljava/lang/Object;"));
        il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        il.add(new JumpInsnNode(Opcodes.IF_ACMPNE, miss));
        il.add(new VarInsnNode(Opcodes.ALOAD, 1));
        il.add(new FieldInsnNode(Opcodes.GETFIELD, entry, "epoch", "I"));
        il.add(new FieldInsnNode(Opcodes.GETSTATIC, GUARD, write ? "writeEpoch" : "readEpoch", "I"));
        il.add(new JumpInsnNode(Opcodes.IF_ICMPEQ, ok));
        il.add(miss);
        il.add(new FieldInsnNode(Opcodes.GETSTATIC, cn.name, guard, "L" + GUARD + ";"));
        il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, GUARD, write ? "writeMiss" : "readMiss",
            "(Ljava/lang/Object;)V"));
        il.add(ok);
        il.add(new InsnNode(Opcodes.RETURN));
        m.maxLocals = 2;
        m.maxStack = 2;
        return m;
    }

    private void rewriteCall(final InsnList code, final MethodInsnNode m)
    {
        final String nd = m.name + m.desc;
        final int op = m.getOpcode();
        if (!isManaged(m.owner) && !m.owner.startsWith("[") && !SSI.equals(m.owner) &&
            !"java/util/Arrays".equals(m.owner) && !("java/lang/System".equals(m.owner) && "arraycopy".equals(m.name)))
        {
            // JDK code reads (and some of it writes) the arrays it is given without any check
            checkArrayArguments(code, m, WRITING_JDK_METHODS.contains(m.name));
        }
        if (op == Opcodes.INVOKEVIRTUAL && m.owner.startsWith("[") && "clone()Ljava/lang/Object;".equals(nd))
        {
            code.insertBefore(m, new InsnNode(Opcodes.DUP));
            code.insertBefore(m, new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "arrayRead", "(Ljava/lang/Object;)V"));
            return;
        }
        if (op == Opcodes.INVOKEVIRTUAL && "hashCode()I".equals(nd) &&
            ("java/lang/Object".equals(m.owner) || m.owner.startsWith("[")))
        {
            // the test sits at the call site, so that the virtual call keeps this site's own type profile
            // (a shared Ssi.hashCode made every such call megamorphic: no inlined Integer.hashCode in HashMap)
            final LabelNode dispatch = new LabelNode();
            final LabelNode done = new LabelNode();
            final InsnList il = new InsnList();
            il.add(new InsnNode(Opcodes.DUP));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "hashesByIdentity", "(Ljava/lang/Object;)Z"));
            il.add(new JumpInsnNode(Opcodes.IFEQ, dispatch));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "identityHashCode", "(Ljava/lang/Object;)I"));
            il.add(new JumpInsnNode(Opcodes.GOTO, done));
            il.add(dispatch);
            code.insertBefore(m, il);
            code.insert(m, done);
            return;
        }
        if (op == Opcodes.INVOKEVIRTUAL && "jdk/internal/vm/SharedThreadContainer".equals(m.owner) &&
            "start(Ljava/lang/Thread;)V".equals(nd))
        {
            // JDK 21+: a ThreadPoolExecutor starts its workers through its thread container
            replace(code, m, "containerStart", "(Ljava/lang/Object;Ljava/lang/Thread;)V");
            return;
        }
        if (op == Opcodes.INVOKEVIRTUAL || op == Opcodes.INVOKEINTERFACE)
        {
            switch (nd)
            {
                case "wait()V": replace(code, m, "await", "(Ljava/lang/Object;)V"); return;
                case "wait(J)V": replace(code, m, "await", "(Ljava/lang/Object;J)V"); return;
                case "wait(JI)V": replace(code, m, "await", "(Ljava/lang/Object;JI)V"); return;
                case "notify()V": replace(code, m, "notifyOne", "(Ljava/lang/Object;)V"); return;
                case "notifyAll()V": replace(code, m, "notifyAll", "(Ljava/lang/Object;)V"); return;
                default: break;
            }
            if (op == Opcodes.INVOKEVIRTUAL && ("java/lang/Thread".equals(m.owner) ||
                isApplicationClass(m.owner) && ClassInfo.isThread(loader, m.owner)))
            {
                switch (nd)
                {
                    case "start()V":
                        if (!ClassInfo.overridesThreadMethod(loader, m.owner, nd))
                        {
                            replace(code, m, "threadStart", "(Ljava/lang/Thread;)V");
                        }
                        return;
                    case "join()V": replace(code, m, "threadJoin", "(Ljava/lang/Thread;)V"); return;
                    case "join(J)V": replace(code, m, "threadJoin", "(Ljava/lang/Thread;J)V"); return;
                    case "isAlive()Z": replace(code, m, "threadIsAlive", "(Ljava/lang/Thread;)Z"); return;
                    case "interrupt()V": replace(code, m, "threadInterrupt", "(Ljava/lang/Thread;)V"); return;
                    default: return;
                }
            }
            if (op == Opcodes.INVOKEVIRTUAL && "java/lang/Runtime".equals(m.owner) && "exit(I)V".equals(nd))
            {
                code.insertBefore(m, new InsnNode(Opcodes.SWAP));
                code.insertBefore(m, new InsnNode(Opcodes.POP));
                replace(code, m, "exit", "(I)V");
            }
            return;
        }
        if (op == Opcodes.INVOKESTATIC && "java/util/Arrays".equals(m.owner))
        {
            checkArrayArguments(code, m, WRITING_ARRAYS_METHODS.contains(m.name));
            return;
        }
        if (op == Opcodes.INVOKESTATIC && "java/lang/System".equals(m.owner))
        {
            if ("arraycopy(Ljava/lang/Object;ILjava/lang/Object;II)V".equals(nd))
            {
                replace(code, m, "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V");
            }
            else if ("exit(I)V".equals(nd))
            {
                replace(code, m, "exit", "(I)V");
            }
            else if ("identityHashCode(Ljava/lang/Object;)I".equals(nd))
            {
                replace(code, m, "identityHashCode", "(Ljava/lang/Object;)I");
            }
            return;
        }
        if (op == Opcodes.INVOKESPECIAL && "java/lang/Object".equals(m.owner) && "clone()Ljava/lang/Object;".equals(nd))
        {
            // a clone is a new, local object: it must not inherit the original's state word
            if (!isInterface)
            {
                code.insertBefore(m, readCheck(cn.name));
            }
            code.insert(m, new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "cloned", "(Ljava/lang/Object;)Ljava/lang/Object;"));
            return;
        }
        if (op == Opcodes.INVOKESPECIAL && "java/lang/Object".equals(m.owner) && "hashCode()I".equals(nd))
        {
            replace(code, m, "identityHashCode", "(Ljava/lang/Object;)I");
        }
        else if (op == Opcodes.INVOKESPECIAL && "java/lang/Thread".equals(m.owner) && "start()V".equals(nd))
        {
            // super.start() inside an overriding start(): start the thread itself, do not dispatch again
            replace(code, m, "threadStartSuper", "(Ljava/lang/Thread;)V");
        }
        else if (op == Opcodes.INVOKESPECIAL && !jdkMode && "java/lang/Thread".equals(m.owner) &&
            UNNAMED_THREAD.contains(nd))
        {
            // an unnamed thread of the program: named from one numbering for the whole cluster (Ssi.threadName)
            code.insertBefore(m, new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "threadName", "()Ljava/lang/String;"));
            m.desc = m.desc.replace(")V", "Ljava/lang/String;)V");
        }
    }

    /** java.util.Arrays methods that write into their (first) array argument. */
    private static final Set<String> WRITING_ARRAYS_METHODS =
        Set.of("fill", "sort", "parallelSort", "setAll", "parallelSetAll", "parallelPrefix");

    /** JDK methods that write into an array argument: their first array argument gets a write check. */
    private static final Set<String> WRITING_JDK_METHODS = Set.of("read", "readFully", "readNBytes", "getChars",
        "toArray", "get", "nextBytes", "enumerate", "arraycopy", "getBytes", "fill", "setAll", "sort");

    /** JDK code reads (or writes) array arguments without checks: check them all before the call. */
    private void checkArrayArguments(final InsnList code, final MethodInsnNode m, final boolean writesFirst)
    {
        final Type[] args = Type.getArgumentTypes(m.desc);
        boolean any = false;
        for (final Type t : args)
        {
            any |= t.getSort() == Type.ARRAY;
        }
        if (!any)
        {
            return;
        }
        int slot = tempBase;
        final int[] slots = new int[args.length];
        for (int i = 0; i < args.length; i++)
        {
            slots[i] = slot;
            slot += args[i].getSize();
        }
        tempNeeded = Math.max(tempNeeded, slot - tempBase);
        final InsnList il = new InsnList();
        for (int i = args.length - 1; i >= 0; i--)
        {
            il.add(new VarInsnNode(args[i].getOpcode(Opcodes.ISTORE), slots[i]));
        }
        boolean first = true;
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].getSort() == Type.ARRAY)
            {
                il.add(new VarInsnNode(Opcodes.ALOAD, slots[i]));
                il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, first && writesFirst ? "arrayWrite" : "arrayRead",
                    "(Ljava/lang/Object;)V"));
                first = false;
            }
        }
        for (int i = 0; i < args.length; i++)
        {
            il.add(new VarInsnNode(args[i].getOpcode(Opcodes.ILOAD), slots[i]));
        }
        code.insertBefore(m, il);
    }

    private static void replace(final InsnList code, final MethodInsnNode m, final String name, final String desc)
    {
        code.set(m, new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, name, desc, false));
    }

    private void rewriteIndy(final InsnList code, final InvokeDynamicInsnNode indy)
    {
        final Handle bsm = indy.bsm;
        if (!"java/lang/invoke/LambdaMetafactory".equals(bsm.getOwner()) || indy.bsmArgs.length < 3 ||
            !(indy.bsmArgs[1] instanceof Handle))
        {
            return;
        }
        final Type sam = (Type)indy.bsmArgs[0];
        final Handle impl = (Handle)indy.bsmArgs[1];
        final Type inst = (Type)indy.bsmArgs[2];
        final int id = LambdaSites.INSTANCE.register(new LambdaSites.Site(cn.name, lambdaIndex++, indy.name, indy.desc,
            sam.getDescriptor(), impl.getTag(), impl.getOwner(), impl.getName(), impl.getDesc(), impl.isInterface(),
            inst.getDescriptor()));
        final InsnList il = new InsnList();
        il.add(new LdcInsnNode(id));
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "lambdaCreated", "(Ljava/lang/Object;I)Ljava/lang/Object;"));
        il.add(new TypeInsnNode(Opcodes.CHECKCAST, Type.getReturnType(indy.desc).getInternalName()));
        code.insert(indy, il);
    }

    /**
     * A synchronized method becomes an explicit block, so that it takes the cluster lock before the JVM monitor and
     * gives it back after the JVM monitor, exactly like a synchronized block: entering the JVM monitor first could
     * deadlock against a block whose thread already counts as holding the cluster lock.
     */
    private void wrapSynchronized(final MethodNode mn)
    {
        final boolean isStatic = (mn.access & Opcodes.ACC_STATIC) != 0;
        mn.access &= ~Opcodes.ACC_SYNCHRONIZED;
        final InsnList code = mn.instructions;
        final InsnList enter = new InsnList();
        pushMonitor(enter, isStatic);
        enter.add(new InsnNode(Opcodes.DUP));
        enter.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorEnter", "(Ljava/lang/Object;)V"));
        enter.add(new InsnNode(Opcodes.MONITORENTER));
        // the check inside the protected range: HotSpot compiles no method in which an instruction that can throw
        // runs with a monitor held and no handler to exit it
        final LabelNode start = new LabelNode();
        enter.add(start);
        pushMonitor(enter, isStatic);
        enter.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorEntered", "(Ljava/lang/Object;)V"));
        code.insert(enter);
        final List<LabelNode[]> gaps = new ArrayList<>();
        for (final AbstractInsnNode insn : code.toArray())
        {
            final int op = insn.getOpcode();
            if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN)
            {
                final LabelNode from = new LabelNode();
                final LabelNode to = new LabelNode();
                final InsnList exit = new InsnList();
                exit.add(from);
                exitMonitor(exit, isStatic);
                exit.add(to);
                code.insertBefore(insn, exit);
                gaps.add(new LabelNode[] {from, to});
            }
        }
        final LabelNode end = new LabelNode();
        final LabelNode handler = new LabelNode();
        code.add(end);
        code.add(handler);
        exitMonitor(code, isStatic);
        code.add(new InsnNode(Opcodes.ATHROW));
        // the body is protected, the exit sequences are not (they run once, and a failure there must not re-exit)
        LabelNode from = start;
        for (final LabelNode[] gap : gaps)
        {
            if (hasCode(from, gap[0]))
            {
                mn.tryCatchBlocks.add(new TryCatchBlockNode(from, gap[0], handler, null));
            }
            from = gap[1];
        }
        if (hasCode(from, end))
        {
            mn.tryCatchBlocks.add(new TryCatchBlockNode(from, end, handler, null));
        }
    }

    /** An exception range must hold at least one real instruction (labels, lines and frames are not code). */
    private static boolean hasCode(final LabelNode from, final LabelNode to)
    {
        for (AbstractInsnNode i = from; i != null && i != to; i = i.getNext())
        {
            if (i.getOpcode() >= 0)
            {
                return true;
            }
        }
        return false;
    }

    private void exitMonitor(final InsnList il, final boolean isStatic)
    {
        pushMonitor(il, isStatic);
        il.add(new InsnNode(Opcodes.MONITOREXIT));
        pushMonitor(il, isStatic);
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorExit", "(Ljava/lang/Object;)V"));
    }

    /** Removes [from, to) from every exception handler range of the method (splitting ranges around it). */
    private static void excludeFromHandlers(final MethodNode mn, final LabelNode from, final LabelNode to)
    {
        final InsnList code = mn.instructions;
        final int f = code.indexOf(from);
        final int t = code.indexOf(to);
        final List<TryCatchBlockNode> out = new ArrayList<>();
        for (final TryCatchBlockNode tcb : mn.tryCatchBlocks)
        {
            final int s = code.indexOf(tcb.start);
            final int e = code.indexOf(tcb.end);
            if (s >= t || e <= f)
            {
                out.add(tcb);
                continue;
            }
            if (s < f && hasCode(tcb.start, from))
            {
                out.add(new TryCatchBlockNode(tcb.start, from, tcb.handler, tcb.type));
            }
            if (e > t && hasCode(to, tcb.end))
            {
                out.add(new TryCatchBlockNode(to, tcb.end, tcb.handler, tcb.type));
            }
        }
        mn.tryCatchBlocks.clear();
        mn.tryCatchBlocks.addAll(out);
    }

    private void pushMonitor(final InsnList il, final boolean isStatic)
    {
        if (isStatic)
        {
            il.add(new LdcInsnNode(Type.getObjectType(cn.name)));
        }
        else
        {
            il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        }
    }

    // ---------------------------------------------------------------- class initializer

    private void rewriteClinit(final boolean once)
    {
        MethodNode clinit = null;
        for (final MethodNode mn : cn.methods)
        {
            if (mn.name.equals("<clinit>"))
            {
                clinit = mn;
            }
        }
        if (!once && guards.isEmpty())
        {
            return;
        }
        if (clinit == null)
        {
            clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.instructions.add(new InsnNode(Opcodes.RETURN));
            cn.methods.add(clinit);
        }
        final InsnList head = new InsnList();
        for (final String g : guards)
        {
            head.add(new TypeInsnNode(Opcodes.NEW, GUARD));
            head.add(new InsnNode(Opcodes.DUP));
            head.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, GUARD, "<init>", "()V"));
            head.add(new FieldInsnNode(Opcodes.PUTSTATIC, cn.name, g, "L" + GUARD + ";"));
        }
        if (once)
        {
            final Type self = Type.getObjectType(cn.name);
            for (final AbstractInsnNode insn : clinit.instructions.toArray())
            {
                if (insn.getOpcode() == Opcodes.RETURN)
                {
                    clinit.instructions.insertBefore(insn, new LdcInsnNode(self));
                    clinit.instructions.insertBefore(insn, new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "clinitDone",
                        "(Ljava/lang/Class;)V"));
                }
            }
            final LabelNode original = new LabelNode();
            head.add(new LdcInsnNode(self));
            head.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "clinitStart", "(Ljava/lang/Class;)Z"));
            head.add(new JumpInsnNode(Opcodes.IFNE, original));
            head.add(new LdcInsnNode(self));
            head.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "fetchStatics", "(Ljava/lang/Class;)[Ljava/lang/Object;"));
            final List<FieldNode> statics = new ArrayList<>();
            for (final FieldNode f : cn.fields)
            {
                if ((f.access & Opcodes.ACC_STATIC) != 0 && !f.name.startsWith("__ssi_"))
                {
                    statics.add(f);
                }
            }
            statics.sort(Comparator.comparing(f -> f.name));
            for (int i = 0; i < statics.size(); i++)
            {
                final FieldNode f = statics.get(i);
                head.add(new InsnNode(Opcodes.DUP));
                head.add(new LdcInsnNode(i));
                head.add(new InsnNode(Opcodes.AALOAD));
                JdkAccesses.unbox(head, Type.getType(f.desc));
                head.add(new FieldInsnNode(Opcodes.PUTSTATIC, cn.name, f.name, f.desc));
            }
            head.add(new InsnNode(Opcodes.POP));
            head.add(new LdcInsnNode(self));
            head.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "clinitFetched", "(Ljava/lang/Class;)V"));
            head.add(new InsnNode(Opcodes.RETURN));
            head.add(original);
        }
        clinit.instructions.insert(head);
    }
}
