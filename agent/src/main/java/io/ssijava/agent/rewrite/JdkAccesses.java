package io.ssijava.agent.rewrite;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The accesses of JDK code that field rewriting does not see: {@code jdk.internal.misc.Unsafe} calls with an
 * (object, offset) pair and {@code VarHandle} calls on instance fields and array elements. Reads and writes get the
 * same checks as field and array accesses; read-modify-writes (compare-and-set, get-and-add, ...) of a shared object
 * are routed to {@code JdkOps}, which runs them on the object's home node. Static-field {@code VarHandle}s are left
 * alone: the JDK's statics are per node.
 */
final class JdkAccesses
{
    /** Local slots a rewritten site needs beyond the method's own: object, offset or index (2), two operands (2+2). */
    static final int TEMPS = 7;

    private static final String UNSAFE = "jdk/internal/misc/Unsafe";
    private static final String VARHANDLE = "java/lang/invoke/VarHandle";
    private static final String MH_UTIL = "jdk/internal/invoke/MhUtil";
    private static final String OPS = "io/ssijava/rt/JdkOps";
    private static final String GUARD_DESC = "L" + ClassRewriter.GUARD + ";";
    /** VarHandle static fields of a class: field name to what it accesses. */
    private static final Map<String, Map<String, Target>> HANDLES = new ConcurrentHashMap<>();

    private enum Kind
    {
        READ, WRITE, RELEASE, ATOMIC
    }

    /** What a VarHandle constant accesses: an instance field of a class, array elements, or a static field. */
    static final class Target
    {
        final char shape; // 'F' field, 'A' array element, 'S' static (untouched)
        final String owner;
        final String field;

        Target(final char shape, final String owner, final String field)
        {
            this.shape = shape;
            this.owner = owner;
            this.field = field;
        }
    }

    private final String className;
    private final boolean isInterface;
    private final Map<AbstractInsnNode, Target> varHandleSites;
    int rewritten;

    private JdkAccesses(final String className, final boolean isInterface, final Map<AbstractInsnNode, Target> sites)
    {
        this.className = className;
        this.isInterface = isInterface;
        this.varHandleSites = sites;
    }

    /** Finds what each VarHandle call of the method accesses, from the static field its handle was loaded from. */
    static JdkAccesses analyze(final String className, final boolean isInterface, final MethodNode mn)
    {
        boolean any = false;
        for (final AbstractInsnNode insn : mn.instructions)
        {
            any |= insn instanceof MethodInsnNode && VARHANDLE.equals(((MethodInsnNode)insn).owner);
        }
        final Map<AbstractInsnNode, Target> sites = new HashMap<>();
        if (any)
        {
            final Frame<SourceValue>[] frames;
            try
            {
                frames = new Analyzer<>(new SourceInterpreter()).analyze(className, mn);
            }
            catch (final AnalyzerException ex)
            {
                throw new IllegalStateException("cannot analyze " + className + "." + mn.name + ": " + ex.getMessage(), ex);
            }
            final AbstractInsnNode[] insns = mn.instructions.toArray();
            for (int i = 0; i < insns.length; i++)
            {
                if (!(insns[i] instanceof MethodInsnNode) || frames[i] == null)
                {
                    continue;
                }
                final MethodInsnNode m = (MethodInsnNode)insns[i];
                if (!VARHANDLE.equals(m.owner) || m.getOpcode() != Opcodes.INVOKEVIRTUAL)
                {
                    continue;
                }
                final Frame<SourceValue> f = frames[i];
                final int receiver = f.getStackSize() - Type.getArgumentTypes(m.desc).length - 1;
                if (receiver < 0)
                {
                    continue;
                }
                final SourceValue v = f.getStack(receiver);
                if (v.insns.size() == 1 && v.insns.iterator().next().getOpcode() == Opcodes.GETSTATIC)
                {
                    final FieldInsnNode src = (FieldInsnNode)v.insns.iterator().next();
                    final Target t = handlesOf(src.owner).get(src.name);
                    if (t != null)
                    {
                        sites.put(m, t);
                    }
                }
            }
        }
        return new JdkAccesses(className, isInterface, sites);
    }

    /**
     * Rewrites the call if it is an Unsafe or VarHandle access of an object.
     *
     * @return whether the call was handled here.
     */
    boolean rewrite(final InsnList code, final MethodInsnNode m, final Supplier<String> newGuard, final int temps)
    {
        if (UNSAFE.equals(m.owner) && m.getOpcode() == Opcodes.INVOKEVIRTUAL)
        {
            return rewriteUnsafe(code, m, newGuard, temps);
        }
        final Target t = varHandleSites.get(m);
        if (t != null && t.shape != 'S')
        {
            return rewriteVarHandle(code, m, t, newGuard, temps);
        }
        return false;
    }

    private boolean rewriteUnsafe(final InsnList code, final MethodInsnNode m, final Supplier<String> newGuard,
        final int temps)
    {
        final Type[] args = Type.getArgumentTypes(m.desc);
        if ("unpark".equals(m.name) && args.length == 1)
        {
            // a thread that runs on another node is woken there
            final LabelNode local = new LabelNode();
            final LabelNode done = new LabelNode();
            final InsnList il = new InsnList();
            il.add(new InsnNode(Opcodes.DUP));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, "unparkRemote", "(Ljava/lang/Object;)Z"));
            il.add(new JumpInsnNode(Opcodes.IFEQ, local));
            il.add(new InsnNode(Opcodes.POP2));
            il.add(new JumpInsnNode(Opcodes.GOTO, done));
            il.add(local);
            code.insertBefore(m, il);
            code.insert(m, done);
            rewritten++;
            return true;
        }
        if (args.length < 2 || args[0].getSort() != Type.OBJECT || !"java/lang/Object".equals(args[0].getInternalName()) ||
            args[1].getSort() != Type.LONG)
        {
            return false;
        }
        final Kind kind = unsafeKind(m.name);
        if (kind == null)
        {
            return false;
        }
        final Type[] values = java.util.Arrays.copyOfRange(args, 2, args.length);
        final Site site = new Site(temps, values);
        final InsnList il = new InsnList();
        site.spillValues(il);
        il.add(new VarInsnNode(Opcodes.LSTORE, site.where));
        il.add(new VarInsnNode(Opcodes.ASTORE, site.object));
        final String guard = guard(newGuard);
        if (kind == Kind.ATOMIC)
        {
            final LabelNode local = new LabelNode();
            final LabelNode done = new LabelNode();
            sharedTest(il, site, guard, local);
            il.add(new InsnNode(Opcodes.POP)); // the Unsafe instance
            il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
            il.add(new VarInsnNode(Opcodes.LLOAD, site.where));
            il.add(new LdcInsnNode(op(m.name)));
            site.boxedValues(il);
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, "atomicAt",
                "(Ljava/lang/Object;JILjava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;"));
            unbox(il, Type.getReturnType(m.desc));
            il.add(new JumpInsnNode(Opcodes.GOTO, done));
            il.add(local);
            il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
            il.add(new VarInsnNode(Opcodes.LLOAD, site.where));
            site.loadValues(il);
            code.insertBefore(m, il);
            code.insert(m, done);
        }
        else
        {
            check(il, site, guard, kind);
            il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
            il.add(new VarInsnNode(Opcodes.LLOAD, site.where));
            site.loadValues(il);
            code.insertBefore(m, il);
            if (kind == Kind.RELEASE)
            {
                code.insert(m, released(site, guard));
            }
        }
        rewritten++;
        return true;
    }

    private boolean rewriteVarHandle(final InsnList code, final MethodInsnNode m, final Target t,
        final Supplier<String> newGuard, final int temps)
    {
        final Type[] args = Type.getArgumentTypes(m.desc);
        final int coords = t.shape == 'A' ? 2 : 1;
        if (args.length < coords || args[0].getSort() != Type.OBJECT && args[0].getSort() != Type.ARRAY ||
            coords == 2 && args[1].getSort() != Type.INT)
        {
            return false;
        }
        final Kind kind = varHandleKind(m.name);
        if (kind == null)
        {
            return false;
        }
        final Type[] values = java.util.Arrays.copyOfRange(args, coords, args.length);
        for (final Type v : values)
        {
            if (v.getSort() == Type.FLOAT || v.getSort() == Type.DOUBLE)
            {
                return false; // no such atomic in the classes rewritten; leave it as it is
            }
        }
        final Site site = new Site(temps, values);
        final InsnList il = new InsnList();
        site.spillValues(il);
        if (coords == 2)
        {
            il.add(new VarInsnNode(Opcodes.ISTORE, site.where));
        }
        il.add(new VarInsnNode(Opcodes.ASTORE, site.object));
        final String guard = guard(newGuard);
        if (kind == Kind.ATOMIC)
        {
            final LabelNode local = new LabelNode();
            final LabelNode done = new LabelNode();
            sharedTest(il, site, guard, local);
            il.add(new InsnNode(Opcodes.POP)); // the VarHandle
            il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
            if (coords == 2)
            {
                il.add(new VarInsnNode(Opcodes.ILOAD, site.where));
                il.add(new LdcInsnNode(op(m.name)));
                site.boxedValues(il);
                il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, "atomicElement",
                    "(Ljava/lang/Object;IILjava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;"));
            }
            else
            {
                il.add(new LdcInsnNode(Type.getObjectType(t.owner)));
                il.add(new LdcInsnNode(t.field));
                il.add(new LdcInsnNode(op(m.name)));
                site.boxedValues(il);
                il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, "atomicField",
                    "(Ljava/lang/Object;Ljava/lang/Class;Ljava/lang/String;ILjava/lang/Object;Ljava/lang/Object;)" +
                        "Ljava/lang/Object;"));
            }
            unbox(il, Type.getReturnType(m.desc));
            il.add(new JumpInsnNode(Opcodes.GOTO, done));
            il.add(local);
            reload(il, site, args[0], coords);
            code.insertBefore(m, il);
            code.insert(m, done);
        }
        else
        {
            check(il, site, guard, kind);
            reload(il, site, args[0], coords);
            code.insertBefore(m, il);
            if (kind == Kind.RELEASE)
            {
                code.insert(m, released(site, guard));
            }
        }
        rewritten++;
        return true;
    }

    private static void reload(final InsnList il, final Site site, final Type receiver, final int coords)
    {
        il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
        il.add(new TypeInsnNode(Opcodes.CHECKCAST, receiver.getInternalName()));
        if (coords == 2)
        {
            il.add(new VarInsnNode(Opcodes.ILOAD, site.where));
        }
        site.loadValues(il);
    }

    private String guard(final Supplier<String> newGuard)
    {
        return isInterface ? null : newGuard.get();
    }

    private void pushGuard(final InsnList il, final String guard)
    {
        if (guard == null)
        {
            il.add(new InsnNode(Opcodes.ACONST_NULL));
        }
        else
        {
            il.add(new FieldInsnNode(Opcodes.GETSTATIC, className, guard, GUARD_DESC));
        }
    }

    private void sharedTest(final InsnList il, final Site site, final String guard, final LabelNode local)
    {
        il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
        pushGuard(il, guard);
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, "shared", "(Ljava/lang/Object;" + GUARD_DESC + ")Z"));
        il.add(new JumpInsnNode(Opcodes.IFEQ, local));
    }

    private void check(final InsnList il, final Site site, final String guard, final Kind kind)
    {
        il.add(new VarInsnNode(Opcodes.ALOAD, site.object));
        pushGuard(il, guard);
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, kind == Kind.READ ? "checkRead" : "checkWrite",
            "(Ljava/lang/Object;" + GUARD_DESC + ")V"));
    }

    private InsnList released(final Site site, final String guard)
    {
        final InsnList after = new InsnList();
        after.add(new VarInsnNode(Opcodes.ALOAD, site.object));
        pushGuard(after, guard);
        after.add(new MethodInsnNode(Opcodes.INVOKESTATIC, OPS, "released", "(Ljava/lang/Object;" + GUARD_DESC + ")V"));
        return after;
    }

    /** Local slots of one rewritten site. */
    private static final class Site
    {
        final int object;
        final int where;
        final Type[] values;
        final int[] valueSlots;

        Site(final int base, final Type[] values)
        {
            this.object = base;
            this.where = base + 1;
            this.values = values;
            this.valueSlots = new int[values.length];
            int slot = base + 3;
            for (int i = 0; i < values.length; i++)
            {
                valueSlots[i] = slot;
                slot += values[i].getSize();
            }
        }

        void spillValues(final InsnList il)
        {
            for (int i = values.length - 1; i >= 0; i--)
            {
                il.add(new VarInsnNode(values[i].getOpcode(Opcodes.ISTORE), valueSlots[i]));
            }
        }

        void loadValues(final InsnList il)
        {
            for (int i = 0; i < values.length; i++)
            {
                il.add(new VarInsnNode(values[i].getOpcode(Opcodes.ILOAD), valueSlots[i]));
            }
        }

        /** Pushes the (at most two) operands boxed, null for a missing one. */
        void boxedValues(final InsnList il)
        {
            for (int i = 0; i < 2; i++)
            {
                if (i < values.length)
                {
                    il.add(new VarInsnNode(values[i].getOpcode(Opcodes.ILOAD), valueSlots[i]));
                    box(il, values[i]);
                }
                else
                {
                    il.add(new InsnNode(Opcodes.ACONST_NULL));
                }
            }
        }
    }

    private static Kind unsafeKind(final String name)
    {
        if (name.startsWith("compareAndSet") || name.startsWith("compareAndExchange") ||
            name.startsWith("weakCompareAndSet") || name.startsWith("getAndAdd") || name.startsWith("getAndSet") ||
            name.startsWith("getAndBitwise"))
        {
            return Kind.ATOMIC;
        }
        if (name.startsWith("get") && !name.startsWith("getAndAdd") && !name.equals("getUnsafe") &&
            !name.startsWith("getLoadAverage") && !name.startsWith("getAddress"))
        {
            return Kind.READ;
        }
        if (name.startsWith("put") && !name.startsWith("putAddress"))
        {
            return name.endsWith("Volatile") || name.endsWith("Release") ? Kind.RELEASE : Kind.WRITE;
        }
        return null;
    }

    private static Kind varHandleKind(final String name)
    {
        switch (name)
        {
            case "get": case "getVolatile": case "getAcquire": case "getOpaque":
                return Kind.READ;
            case "set": case "setOpaque":
                return Kind.WRITE;
            case "setVolatile": case "setRelease":
                return Kind.RELEASE;
            default:
                return name.startsWith("compareAnd") || name.startsWith("weakCompareAnd") ||
                    name.startsWith("getAnd") ? Kind.ATOMIC : null;
        }
    }

    /** The JdkOps operation of an Unsafe or VarHandle method name (memory-order variants map to the strong one). */
    private static int op(final String name)
    {
        if (name.startsWith("compareAndSet") || name.startsWith("weakCompareAndSet"))
        {
            return 0;
        }
        if (name.startsWith("compareAndExchange"))
        {
            return 1;
        }
        if (name.startsWith("getAndAdd"))
        {
            return 2;
        }
        if (name.startsWith("getAndSet"))
        {
            return 3;
        }
        if (name.startsWith("getAndBitwiseAnd"))
        {
            return 4;
        }
        if (name.startsWith("getAndBitwiseOr"))
        {
            return 5;
        }
        if (name.startsWith("getAndBitwiseXor"))
        {
            return 6;
        }
        throw new IllegalArgumentException(name);
    }

    static void box(final InsnList il, final Type t)
    {
        final String owner;
        switch (t.getSort())
        {
            case Type.BOOLEAN: owner = "java/lang/Boolean"; break;
            case Type.BYTE: owner = "java/lang/Byte"; break;
            case Type.CHAR: owner = "java/lang/Character"; break;
            case Type.SHORT: owner = "java/lang/Short"; break;
            case Type.INT: owner = "java/lang/Integer"; break;
            case Type.LONG: owner = "java/lang/Long"; break;
            case Type.FLOAT: owner = "java/lang/Float"; break;
            case Type.DOUBLE: owner = "java/lang/Double"; break;
            default: return;
        }
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, owner, "valueOf",
            "(" + t.getDescriptor() + ")L" + owner + ";"));
    }

    /** Unboxes the value on the stack to {@code t} (a cast for reference types; a pop for void). */
    static void unbox(final InsnList il, final Type t)
    {
        final String box;
        final String method;
        switch (t.getSort())
        {
            case Type.VOID: il.add(new InsnNode(Opcodes.POP)); return;
            case Type.BOOLEAN: box = "java/lang/Boolean"; method = "booleanValue"; break;
            case Type.BYTE: box = "java/lang/Byte"; method = "byteValue"; break;
            case Type.CHAR: box = "java/lang/Character"; method = "charValue"; break;
            case Type.SHORT: box = "java/lang/Short"; method = "shortValue"; break;
            case Type.INT: box = "java/lang/Integer"; method = "intValue"; break;
            case Type.LONG: box = "java/lang/Long"; method = "longValue"; break;
            case Type.FLOAT: box = "java/lang/Float"; method = "floatValue"; break;
            case Type.DOUBLE: box = "java/lang/Double"; method = "doubleValue"; break;
            default:
                if (!"java/lang/Object".equals(t.getInternalName()))
                {
                    il.add(new TypeInsnNode(Opcodes.CHECKCAST, t.getInternalName()));
                }
                return;
        }
        il.add(new TypeInsnNode(Opcodes.CHECKCAST, box));
        il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, box, method, "()" + t.getDescriptor()));
    }

    // ---------------------------------------------------------------- VarHandle constants

    /** The VarHandle static fields of a class, from the lookups in its class initializer. */
    static Map<String, Target> handlesOf(final String owner)
    {
        return HANDLES.computeIfAbsent(owner, JdkAccesses::readHandles);
    }

    private static Map<String, Target> readHandles(final String owner)
    {
        final Map<String, Target> out = new HashMap<>();
        final ClassNode node = new ClassNode();
        try (InputStream in = ClassLoader.getSystemResourceAsStream(owner + ".class"))
        {
            if (in == null)
            {
                return out;
            }
            new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
        }
        catch (final IOException ex)
        {
            return out;
        }
        for (final MethodNode mn : node.methods)
        {
            if (!"<clinit>".equals(mn.name))
            {
                continue;
            }
            Type lastClass = null;
            Type classOfName = null;
            String lastName = null;
            Target pending = null;
            // class constants kept in locals first (JDK 21+: Class<?> tn = Node.class; l.findVarHandle(tn, ...))
            final Map<Integer, Type> classLocals = new HashMap<>();
            for (final AbstractInsnNode insn : mn.instructions)
            {
                if (insn.getOpcode() == Opcodes.ASTORE)
                {
                    final AbstractInsnNode prev = insn.getPrevious();
                    final Object c = prev instanceof LdcInsnNode ? ((LdcInsnNode)prev).cst : null;
                    if (c instanceof Type && ((Type)c).getSort() == Type.OBJECT)
                    {
                        classLocals.put(((VarInsnNode)insn).var, (Type)c);
                    }
                    else
                    {
                        classLocals.remove(((VarInsnNode)insn).var);
                    }
                }
                else if (insn.getOpcode() == Opcodes.ALOAD && classLocals.containsKey(((VarInsnNode)insn).var))
                {
                    lastClass = classLocals.get(((VarInsnNode)insn).var);
                }
                else if (insn instanceof LdcInsnNode)
                {
                    final Object c = ((LdcInsnNode)insn).cst;
                    if (c instanceof Type && ((Type)c).getSort() == Type.OBJECT)
                    {
                        lastClass = (Type)c;
                    }
                    else if (c instanceof String)
                    {
                        lastName = (String)c;
                        classOfName = lastClass;
                    }
                }
                else if (insn instanceof MethodInsnNode)
                {
                    final MethodInsnNode m = (MethodInsnNode)insn;
                    if ("findVarHandle".equals(m.name) && MH_UTIL.equals(m.owner) && lastName != null &&
                        Type.getArgumentTypes(m.desc).length == 3)
                    {
                        // JDK 21+: MhUtil.findVarHandle(MethodHandles.lookup(), name, type), a field of this class
                        pending = new Target('F', owner, lastName);
                    }
                    else if ("findVarHandle".equals(m.name) && classOfName != null && lastName != null)
                    {
                        pending = new Target('F', classOfName.getInternalName(), lastName);
                    }
                    else if ("findStaticVarHandle".equals(m.name))
                    {
                        pending = new Target('S', null, null);
                    }
                    else if ("arrayElementVarHandle".equals(m.name))
                    {
                        pending = new Target('A', null, null);
                    }
                }
                else if (insn.getOpcode() == Opcodes.PUTSTATIC && pending != null &&
                    "Ljava/lang/invoke/VarHandle;".equals(((FieldInsnNode)insn).desc))
                {
                    out.put(((FieldInsnNode)insn).name, pending);
                    pending = null;
                }
            }
        }
        return out;
    }
}
