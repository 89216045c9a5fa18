package io.ssijava.agent.rewrite;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

import io.ssijava.threads.cont.CapturableMethods;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes application methods capturable: a thread running them can be saved at a safe point into frames
 * ({@code io.ssijava.threads.cont.Frame}) and resumed from them, on this node or another.
 * <p>
 * Each method with calls gets, on its normal path, only checks ({@code Cont.poll()}) that branch out of line: at
 * its entry, after each call that may lead to application code (is the callee unwinding? then save this frame and
 * return too) and in each loop that calls (is a capture asked for?). The code that saves a frame is
 * shared by the sites whose frames have the same shape.
 * <p>
 * Resuming never jumps into the method's own loops: the method's entry hands over to a <em>resume twin</em>, a
 * private copy of the method that starts by restoring the frame and jumping to the saved site. The original keeps
 * the control flow the JIT optimizes; only the one resumed activation runs in the twin. (Two twins where the method
 * holds monitors at some sites: see rewriteMethod.)
 * <p>
 * Not made capturable (a thread in them is pinned until they return): constructors, class initializers, interface
 * methods, methods that hold a monitor the analysis cannot name, and very large methods. A call made while an
 * object between {@code new} and its constructor is on the operand stack is not a capture site.
 */
final class ContinuationRewriter
{
    static final String CONT = "io/ssijava/threads/cont/Cont";
    static final String FRAME = "io/ssijava/threads/cont/Frame";
    static final String TWIN_SUFFIX = "$__ssi_c";
    private static final String SSI = "io/ssijava/rt/Ssi";
    /** Larger methods stay pinned: the twin and the save code would push them towards the 64 KiB limit. */
    private static final int MAX_INSNS = 4000;
    /** JDK types whose calls may reach application code directly (callbacks implemented by the program). */
    private static final Set<String> JDK_CALLBACK_TYPES = Set.of("java/lang/Runnable", "java/lang/Object",
        "java/lang/Thread", "java/util/concurrent/Callable", "java/lang/Comparable", "java/util/Comparator",
        "java/lang/Iterable", "java/util/Iterator");

    private static final int ENTRY = 0;
    private static final int CALL = 1;
    private static final int HEADER = 2;
    /** Where a resumed activation leaves the twin that holds monitors, once out of them (see addRelays). */
    private static final int RELAY = 3;

    /** A place where a frame can be captured. */
    private static final class Site
    {
        final int id;
        final int kind;
        /**
         * The call (CALL), the loop's label or a goto that closes the loop (HEADER), or the call after which to
         * relay (RELAY); null for ENTRY.
         */
        final AbstractInsnNode at;
        final Frame<BasicValue> frame;
        /** Monitor sources held here, outermost first. */
        final List<Object> monitors;
        /** Number of stack values that are saved (below a call's receiver and arguments). */
        final int stack;

        Site(final int id, final int kind, final AbstractInsnNode at, final Frame<BasicValue> frame,
            final List<Object> monitors, final int stack)
        {
            this.id = id;
            this.kind = kind;
            this.at = at;
            this.frame = frame;
            this.monitors = monitors;
            this.stack = stack;
        }

        String shape()
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = 0; i < frame.getLocals(); i++)
            {
                sb.append(sort(frame.getLocal(i)));
            }
            sb.append('|');
            for (int i = 0; i < stack; i++)
            {
                sb.append(sort(frame.getStack(i)));
            }
            return sb.append('|').append(monitors).toString();
        }
    }

    private final ClassLoader loader;
    private final ClassNode cn;
    /** Per physical method (name + descriptor): labels at the offsets where its frames may be captured. */
    private final Map<String, List<LabelNode>> marks = new LinkedHashMap<>();
    /** The same, for the offsets at which the frame holds a monitor. */
    private final Map<String, List<LabelNode>> lockedMarks = new LinkedHashMap<>();

    ContinuationRewriter(final ClassLoader loader, final ClassNode cn)
    {
        this.loader = loader;
        this.cn = cn;
    }

    /** Rewrites every eligible method of the class. */
    void rewrite()
    {
        if ((cn.access & Opcodes.ACC_INTERFACE) != 0)
        {
            return;
        }
        for (final MethodNode mn : new ArrayList<>(cn.methods))
        {
            if (eligible(mn))
            {
                rewriteMethod(mn);
            }
        }
    }

    /**
     * The capture offsets, once the class is written (the labels know their offsets then).
     *
     * @param which {@link #marks} or {@link #lockedMarks}.
     * @return name + descriptor -> offsets, for every rewritten method and twin.
     */
    private static Map<String, int[]> offsets(final Map<String, List<LabelNode>> which)
    {
        final Map<String, int[]> out = new HashMap<>();
        for (final Map.Entry<String, List<LabelNode>> e : which.entrySet())
        {
            final int[] o = new int[e.getValue().size()];
            boolean ok = true;
            for (int i = 0; i < o.length && ok; i++)
            {
                try
                {
                    o[i] = e.getValue().get(i).getLabel().getOffset();
                    // the writer re-lays out methods with long jumps; their offsets would be stale
                    ok = o[i] < 32768;
                }
                catch (final IllegalStateException ex)
                {
                    ok = false;
                }
            }
            if (ok)
            {
                out.put(e.getKey(), o);
            }
        }
        return out;
    }

    /** Registers the capture offsets with the runtime. */
    void register()
    {
        if (!marks.isEmpty())
        {
            CapturableMethods.register(loader, cn.name, offsets(marks), offsets(lockedMarks));
        }
    }

    private static boolean eligible(final MethodNode mn)
    {
        return (mn.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0 && !mn.name.startsWith("<") &&
            !mn.name.startsWith("__ssi_") && mn.instructions.size() > 0 && mn.instructions.size() < MAX_INSNS;
    }

    /** @return whether the class is ssi-java's runtime, not rewritten (a call into it leads to no program code). */
    private static boolean isRuntime(final String owner)
    {
        return owner.startsWith("io/ssijava/") && !ClassRewriter.isApplicationClass(owner);
    }

    private boolean capturableCall(final MethodInsnNode m)
    {
        if (isRuntime(m.owner) || m.owner.startsWith("[") || "<init>".equals(m.name) ||
            m.owner.equals(cn.name) && m.name.startsWith("__ssi_"))
        {
            return false;
        }
        if (ClassRewriter.isApplicationClass(m.owner))
        {
            return true;
        }
        final int op = m.getOpcode();
        return (op == Opcodes.INVOKEVIRTUAL || op == Opcodes.INVOKEINTERFACE) &&
            (JDK_CALLBACK_TYPES.contains(m.owner) || m.owner.startsWith("java/util/function/"));
    }

    /**
     * Makes every {@code Thread.sleep}, {@code Thread.join} and {@code Object.wait} (which the object-space rewriting
     * already turned into {@code Ssi.threadJoin} and {@code Ssi.await}) a safe point: the call becomes
     * {@link Cont#sleep}, {@link Cont#join} or {@link Cont#await} (which only note the wait), followed by a label that becomes a poll site and a loop of {@code Cont.waitRest()}, which waits and
     * stops early when a capture is asked. A frame captured there resumes after the poll and waits what was left.
     *
     * @return the labels after the waits, to become safe points.
     */
    private static final Set<String> WAIT_DESCS = Set.of("()V", "(J)V", "(JI)V");

    private static List<LabelNode> replaceWaits(final InsnList code)
    {
        final List<LabelNode> out = new ArrayList<>();
        for (final AbstractInsnNode insn : code.toArray())
        {
            if (!(insn instanceof MethodInsnNode))
            {
                continue;
            }
            final MethodInsnNode m = (MethodInsnNode)insn;
            final boolean sleep = insn.getOpcode() == Opcodes.INVOKESTATIC && m.owner.equals("java/lang/Thread") &&
                m.name.equals("sleep") && (m.desc.equals("(J)V") || m.desc.equals("(JI)V"));
            final boolean join = insn.getOpcode() == Opcodes.INVOKESTATIC && m.owner.equals(SSI) &&
                m.name.equals("threadJoin") &&
                (m.desc.equals("(Ljava/lang/Thread;)V") || m.desc.equals("(Ljava/lang/Thread;J)V"));
            // a join the object-space rewriting left alone (its classes were not rewritten for sharing)
            final boolean plainJoin = insn.getOpcode() == Opcodes.INVOKEVIRTUAL && m.owner.equals("java/lang/Thread") &&
                m.name.equals("join") && (m.desc.equals("()V") || m.desc.equals("(J)V"));
            final boolean await = insn.getOpcode() == Opcodes.INVOKESTATIC && m.owner.equals(SSI) &&
                m.name.equals("await") && WAIT_DESCS.contains(m.desc.replace("(Ljava/lang/Object;", "("));
            // Object.wait is final: any owner names it
            final boolean plainWait = (insn.getOpcode() == Opcodes.INVOKEVIRTUAL ||
                insn.getOpcode() == Opcodes.INVOKEINTERFACE) && m.name.equals("wait") && WAIT_DESCS.contains(m.desc);
            if (!sleep && !join && !plainJoin && !await && !plainWait)
            {
                continue;
            }
            if (plainJoin || plainWait)
            {
                m.setOpcode(Opcodes.INVOKESTATIC);
                m.desc = (plainJoin ? "(Ljava/lang/Thread;" : "(Ljava/lang/Object;") + m.desc.substring(1);
            }
            m.owner = CONT;
            m.name = sleep ? "sleep" : join || plainJoin ? "join" : "await";
            m.itf = false;
            final LabelNode site = new LabelNode();
            final InsnList rest = new InsnList();
            rest.add(site);
            rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "waitRest", "()Z", false));
            rest.add(new JumpInsnNode(Opcodes.IFNE, site));
            code.insert(m, rest);
            out.add(site);
        }
        return out;
    }

    /**
     * Whether a call makes its loop a safe point even though it cannot be captured inside: a loop that calls the JDK
     * (sleeps, waits for I/O, polls a queue) must not keep its thread from moving, and next to a call the poll costs
     * nothing. Math's intrinsics are arithmetic, and the access checks the object-space rewriting added (its
     * {@code __ssi_} helpers) are not calls of the program: a loop that only computes stays free of polls.
     */
    private static boolean pollsLoop(final MethodInsnNode m)
    {
        return !isRuntime(m.owner) && !m.name.startsWith("__ssi_") &&
            !m.owner.equals("java/lang/Math") && !m.owner.equals("java/lang/StrictMath");
    }

    // ---------------------------------------------------------------- analysis

    private void rewriteMethod(final MethodNode mn)
    {
        final InsnList code = mn.instructions;
        for (final AbstractInsnNode insn : code.toArray())
        {
            if (insn.getOpcode() == Opcodes.JSR || insn.getOpcode() == Opcodes.RET)
            {
                return;
            }
        }
        final List<LabelNode> waits = replaceWaits(code);
        waits.addAll(BlockingCalls.rewrite(loader, cn, mn));
        final AbstractInsnNode[] insns = code.toArray();
        boolean calls = !waits.isEmpty();
        final Set<Integer> loopCalls = new HashSet<>();
        for (int i = 0; i < insns.length; i++)
        {
            if (insns[i] instanceof MethodInsnNode)
            {
                final MethodInsnNode m = (MethodInsnNode)insns[i];
                calls |= capturableCall(m);
                if (pollsLoop(m))
                {
                    loopCalls.add(i);
                }
            }
        }
        if (!calls && loopHeaders(mn, insns, loopCalls, waits).isEmpty())
        {
            return;
        }
        final FrameTypes types;
        try
        {
            types = FrameTypes.analyze(loader, cn, mn);
        }
        catch (final AnalyzerException | RuntimeException ex)
        {
            return;
        }
        final List<List<Object>> monitors = monitors(insns, types);
        final boolean isStatic = (mn.access & Opcodes.ACC_STATIC) != 0;
        final List<Site> sites = new ArrayList<>();
        sites.add(new Site(0, ENTRY, null, types.frames[0], List.of(), 0));
        final Map<Integer, Integer> callIndex = new HashMap<>();
        for (int i = 0; i < insns.length; i++)
        {
            if (!(insns[i] instanceof MethodInsnNode) || types.frames[i] == null ||
                !capturableCall((MethodInsnNode)insns[i]))
            {
                continue;
            }
            final MethodInsnNode m = (MethodInsnNode)insns[i];
            final Frame<BasicValue> f = types.frames[i];
            final int args = Type.getArgumentTypes(m.desc).length + (m.getOpcode() == Opcodes.INVOKESTATIC ? 0 : 1);
            final int below = f.getStackSize() - args;
            if (monitors.get(i) != null && savable(f, f.getStackSize()))
            {
                callIndex.put(i, sites.size());
                sites.add(new Site(sites.size(), CALL, m, f, monitors.get(i), below));
            }
        }
        loopCalls.addAll(callIndex.keySet());
        final List<LabelNode> headers = loopHeaders(mn, insns, loopCalls, waits);
        for (final LabelNode l : waits)
        {
            if (!headers.contains(l))
            {
                headers.add(l);
            }
        }
        if (callIndex.isEmpty() && headers.isEmpty())
        {
            return;
        }
        for (final LabelNode header : headers)
        {
            final List<AbstractInsnNode> edges =
                waits.contains(header) ? null : backEdges(insns, header, types, monitors);
            for (final AbstractInsnNode at : edges == null ? List.<AbstractInsnNode>of(header) : edges)
            {
                final int i = code.indexOf(at);
                final Frame<BasicValue> f = types.frames[i];
                if (f != null && f.getStackSize() == 0 && monitors.get(i) != null && savable(f, 0))
                {
                    sites.add(new Site(sites.size(), HEADER, at, f, monitors.get(i), 0));
                }
            }
        }
        final int id = CapturableMethods.id(cn.name, mn.name, mn.desc, isStatic);
        final int base = mn.maxLocals;
        final MethodNode twin = twin(mn, mn.name + TWIN_SUFFIX);
        // HotSpot compiles no method that enters a monitor again to jump into the middle of its block: a twin
        // that resumes sites inside monitors runs interpreted. The sites outside them resume in a twin without
        // that code, which hands the others over to a second twin, so that a thread resumed at a loop header or
        // a call outside monitors runs compiled code for the rest of the method. A thread resumed inside them
        // goes back to the first twin where it leaves them (addRelays).
        final boolean split = insns.length <= MAX_INSNS / 2 && sites.stream().anyMatch(x -> x.monitors.isEmpty()) &&
            sites.stream().anyMatch(x -> !x.monitors.isEmpty());
        final MethodNode locked = split ? twin(mn, twin.name + TWIN_SUFFIX) : null;
        if (split)
        {
            addRelays(mn, insns, types, monitors, sites);
        }
        final Map<AbstractInsnNode, AbstractInsnNode> toTwin = toCopy(insns, twin);
        final Map<AbstractInsnNode, AbstractInsnNode> toLocked = split ? toCopy(insns, locked) : null;
        final Instrumented original = instrument(mn, id, sites, null, base, null);
        final Instrumented resumed = instrument(twin, id, sites, toTwin, base, null);
        final Instrumented lockedOut = split ? instrument(locked, id, sites, toLocked, base, twin) : null;
        addEntry(mn, id, sites.get(0), original, twin);
        addRestore(twin, id, sites, resumed, isStatic, locked);
        mn.maxLocals = base + original.temps;
        twin.maxLocals = base + Math.max(1, resumed.temps) + 1;
        cn.methods.add(twin);
        marks.put(mn.name + mn.desc, original.marks);
        marks.put(twin.name + twin.desc, resumed.marks);
        lockedMarks.put(mn.name + mn.desc, original.lockedMarks);
        lockedMarks.put(twin.name + twin.desc, resumed.lockedMarks);
        if (split)
        {
            addRestore(locked, id, sites, lockedOut, isStatic, null);
            locked.maxLocals = base + Math.max(1, lockedOut.temps) + 1;
            cn.methods.add(locked);
            marks.put(locked.name + locked.desc, lockedOut.marks);
            lockedMarks.put(locked.name + locked.desc, lockedOut.lockedMarks);
        }
    }

    /**
     * The points where the twin that resumes inside monitors hands the activation to the first twin: after each exit
     * of the outermost monitor (the access rewriting follows a {@code monitorexit} with {@code Ssi.monitorExit}),
     * with an empty stack and no handler of the program's around it (an exception the first twin lets out must not
     * meet a handler it did not meet in the program). So a thread captured in {@code wait()} inside
     * {@code synchronized} runs compiled code again once it leaves the block, not only at the next loop header.
     * The original method gets no code there; the first twin only a label to resume at.
     */
    private static void addRelays(final MethodNode mn, final AbstractInsnNode[] insns, final FrameTypes types,
        final List<List<Object>> monitors, final List<Site> sites)
    {
        for (int i = 0; i < insns.length; i++)
        {
            if (insns[i].getOpcode() != Opcodes.MONITOREXIT || monitors.get(i) == null || monitors.get(i).size() != 1)
            {
                continue;
            }
            final int load = nextReal(insns, i);
            final int k = load < 0 ? -1 : nextReal(insns, load);
            if (k < 0 || insns[load].getOpcode() != Opcodes.ALOAD || !(insns[k] instanceof MethodInsnNode) ||
                !SSI.equals(((MethodInsnNode)insns[k]).owner) || !"monitorExit".equals(((MethodInsnNode)insns[k]).name))
            {
                continue;
            }
            final int p = k + 1;
            final int then = nextReal(insns, k);
            if (p >= insns.length || types.frames[p] == null || types.frames[p].getStackSize() != 0 ||
                !List.of().equals(monitors.get(p)) || !savable(types.frames[p], 0) || then < 0 ||
                insns[then].getOpcode() >= Opcodes.IRETURN && insns[then].getOpcode() <= Opcodes.RETURN ||
                insns[then].getOpcode() == Opcodes.ATHROW || covered(mn, k))
            {
                continue;
            }
            sites.add(new Site(sites.size(), RELAY, insns[k], types.frames[p], List.of(), 0));
        }
    }

    /** The index of the next instruction after {@code i} that is not a label, line number or frame; -1 if none. */
    private static int nextReal(final AbstractInsnNode[] insns, final int i)
    {
        for (int j = i + 1; j < insns.length; j++)
        {
            if (insns[j].getOpcode() >= 0)
            {
                return j;
            }
        }
        return -1;
    }

    /** Whether a handler covers code inserted right after instruction {@code k}. */
    private static boolean covered(final MethodNode mn, final int k)
    {
        for (final TryCatchBlockNode t : mn.tryCatchBlocks)
        {
            if (mn.instructions.indexOf(t.start) <= k && k < mn.instructions.indexOf(t.end))
            {
                return true;
            }
        }
        return false;
    }

    /** Each instruction of a method to its counterpart in a copy made before the method was changed. */
    private static Map<AbstractInsnNode, AbstractInsnNode> toCopy(final AbstractInsnNode[] insns,
        final MethodNode copy)
    {
        final Map<AbstractInsnNode, AbstractInsnNode> to = new HashMap<>();
        final AbstractInsnNode[] copied = copy.instructions.toArray();
        for (int i = 0; i < insns.length; i++)
        {
            to.put(insns[i], copied[i]);
        }
        return to;
    }

    /** Whether the locals and the lowest {@code stack} stack values of a frame can be saved and restored. */
    private static boolean savable(final Frame<BasicValue> f, final int stack)
    {
        for (int i = 0; i < f.getLocals(); i++)
        {
            if (!savable(f.getLocal(i)))
            {
                return false;
            }
        }
        for (int i = 0; i < stack; i++)
        {
            if (!savable(f.getStack(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean savable(final BasicValue v)
    {
        return !(v instanceof FrameTypes.Uninitialized) && v != BasicValue.RETURNADDRESS_VALUE;
    }

    private static char sort(final BasicValue v)
    {
        final Type t = v.getType();
        if (t == null)
        {
            return '-';
        }
        switch (t.getSort())
        {
            case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT: return 'I';
            case Type.FLOAT: return 'F';
            case Type.LONG: return 'J';
            case Type.DOUBLE: return 'D';
            default: return 'L';
        }
    }

    /**
     * The monitors held before each instruction, outermost first: a local variable's number (the local the
     * compiler keeps the locked object in, or {@code this} of a synchronized method), or a class constant (a
     * static synchronized method). Null where unknown or unreached.
     */
    private static List<List<Object>> monitors(final AbstractInsnNode[] insns, final FrameTypes types)
    {
        final List<List<Object>> held = new ArrayList<>();
        final boolean[] conflict = new boolean[insns.length];
        for (int i = 0; i < insns.length; i++)
        {
            held.add(null);
        }
        if (insns.length == 0)
        {
            return held;
        }
        held.set(0, List.of());
        final java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        work.add(0);
        while (!work.isEmpty())
        {
            final int i = work.poll();
            final List<Object> in = held.get(i);
            if (conflict[i])
            {
                for (final int s : types.successors.get(i))
                {
                    if (!conflict[s])
                    {
                        conflict[s] = true;
                        held.set(s, null);
                        work.add(s);
                    }
                }
                continue;
            }
            if (in == null)
            {
                continue;
            }
            List<Object> out = in;
            final int op = insns[i].getOpcode();
            if (op == Opcodes.MONITORENTER)
            {
                final Object source = monitorSource(insns[i]);
                if (source == null)
                {
                    out = null;
                }
                else
                {
                    out = new ArrayList<>(in);
                    out.add(source);
                    out = List.copyOf(out);
                }
            }
            else if (op == Opcodes.MONITOREXIT)
            {
                out = in.isEmpty() ? null : List.copyOf(in.subList(0, in.size() - 1));
            }
            for (final int s : types.successors.get(i))
            {
                // an exception edge leaves from the state before the instruction; a monitor instruction that
                // throws has not changed it
                final boolean exceptional = isHandlerEdge(insns, i, s);
                final List<Object> next = exceptional ? in : out;
                if (next == null)
                {
                    if (!conflict[s])
                    {
                        conflict[s] = true;
                        held.set(s, null);
                        work.add(s);
                    }
                    continue;
                }
                final List<Object> old = held.get(s);
                if (old == null && !conflict[s])
                {
                    held.set(s, next);
                    work.add(s);
                }
                else if (old != null && !old.equals(next))
                {
                    conflict[s] = true;
                    held.set(s, null);
                    work.add(s);
                }
            }
        }
        for (int i = 0; i < insns.length; i++)
        {
            if (conflict[i])
            {
                held.set(i, null);
            }
        }
        return held;
    }

    private static boolean isHandlerEdge(final AbstractInsnNode[] insns, final int from, final int to)
    {
        final AbstractInsnNode target = insns[to];
        if (!(target instanceof LabelNode))
        {
            return false;
        }
        // a successor that is not the next instruction and not a jump target of this instruction is a handler
        if (to == from + 1)
        {
            return false;
        }
        final AbstractInsnNode insn = insns[from];
        if (insn instanceof JumpInsnNode)
        {
            return ((JumpInsnNode)insn).label != target;
        }
        if (insn instanceof TableSwitchInsnNode)
        {
            final TableSwitchInsnNode t = (TableSwitchInsnNode)insn;
            return t.dflt != target && !t.labels.contains(target);
        }
        if (insn instanceof LookupSwitchInsnNode)
        {
            final LookupSwitchInsnNode t = (LookupSwitchInsnNode)insn;
            return t.dflt != target && !t.labels.contains(target);
        }
        return true;
    }

    /** Where the object entered by this {@code monitorenter} is kept: a local's number, a class, or null. */
    private static Object monitorSource(final AbstractInsnNode enter)
    {
        // the access rewriting emits "dup; astore; dup; invokestatic Ssi.monitorEnter" before every monitorenter
        AbstractInsnNode p = previous(enter);
        if (!(p instanceof MethodInsnNode && SSI.equals(((MethodInsnNode)p).owner)))
        {
            return null;
        }
        p = previous(p);
        if (p == null || p.getOpcode() != Opcodes.DUP)
        {
            return null;
        }
        p = previous(p);
        if (p != null && p.getOpcode() == Opcodes.ASTORE && previous(p) != null &&
            previous(p).getOpcode() == Opcodes.DUP)
        {
            return ((VarInsnNode)p).var;
        }
        if (p != null && p.getOpcode() == Opcodes.ALOAD && ((VarInsnNode)p).var == 0)
        {
            // a synchronized method, made explicit by the access rewriting, at the method's start
            return previous(p) == null ? 0 : null;
        }
        if (p instanceof LdcInsnNode && ((LdcInsnNode)p).cst instanceof Type && previous(p) == null)
        {
            return ((LdcInsnNode)p).cst;
        }
        return null;
    }

    private static AbstractInsnNode previous(final AbstractInsnNode insn)
    {
        AbstractInsnNode p = insn.getPrevious();
        while (p != null && p.getOpcode() < 0)
        {
            p = p.getPrevious();
        }
        return p;
    }

    /**
     * Labels of loops (a backward jump's target) whose body holds one of the given calls, and of the outermost loop
     * of each nest: a thread that only computes can still move, between two iterations of the nest's outermost loop.
     * Loops that only compute and lie inside another loop get no poll: an armed poll is an opaque read, which C2
     * may not move, and one in the middle loop of {@code matMul} cost 10% (median of 8 alternating JMH runs, against
     * 3% with the outermost loop alone), before polls were free while disarmed (PollSite). (The access rewriting
     * keeps its hoisted array checks inside outer loops: see LoopHoisting.holdsLoop.) The loops of the replaced
     * waits ({@code waits}, see replaceWaits) were not the program's and make no loop an outer one.
     */
    private static List<LabelNode> loopHeaders(final MethodNode mn, final AbstractInsnNode[] insns,
        final Set<Integer> calls, final List<LabelNode> waits)
    {
        // every backward jump: {header index, jump index}, and its header
        final List<int[]> edges = new ArrayList<>();
        final List<LabelNode> edgeHeaders = new ArrayList<>();
        for (int i = 0; i < insns.length; i++)
        {
            for (final LabelNode t : LoopHoisting.branchTargets(insns[i]))
            {
                final int h = mn.instructions.indexOf(t);
                if (h <= i && !waits.contains(t))
                {
                    edges.add(new int[] {h, i});
                    edgeHeaders.add(t);
                }
            }
        }
        final List<LabelNode> out = new ArrayList<>();
        for (int e = 0; e < edges.size(); e++)
        {
            final LabelNode t = edgeHeaders.get(e);
            if (!out.contains(t) && (holdsCall(edges.get(e), calls) ||
                holdsLoop(edges.get(e), edges) && !insideLoop(edges.get(e), edges)))
            {
                out.add(t);
            }
        }
        return out;
    }

    private static boolean holdsCall(final int[] loop, final Set<Integer> calls)
    {
        for (final int c : calls)
        {
            if (c >= loop[0] && c <= loop[1])
            {
                return true;
            }
        }
        return false;
    }

    /** Whether this loop lies inside another one. */
    private static boolean insideLoop(final int[] loop, final List<int[]> edges)
    {
        for (final int[] outer : edges)
        {
            if (outer[0] < loop[0] && outer[1] >= loop[1])
            {
                return true;
            }
        }
        return false;
    }

    /** Whether another loop, with a header of its own, lies inside this one. */
    private static boolean holdsLoop(final int[] loop, final List<int[]> edges)
    {
        for (final int[] inner : edges)
        {
            if (inner[0] > loop[0] && inner[1] <= loop[1])
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- code

    /** What instrumenting one physical method left behind. */
    private static final class Instrumented
    {
        final List<LabelNode> marks = new ArrayList<>();
        final List<LabelNode> lockedMarks = new ArrayList<>();
        /** Per site id: the label to resume at (before the call, after the header's poll). */
        final Map<Integer, LabelNode> resumeAt = new HashMap<>();
        /** Per shape: the shared block that saves a frame of that shape. */
        final Map<String, LabelNode> savers = new HashMap<>();
        final InsnList tail = new InsnList();
        int temps = 1;
    }

    private MethodNode twin(final MethodNode mn, final String name)
    {
        final int access = Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC | (mn.access & Opcodes.ACC_STATIC);
        final MethodNode t = new MethodNode(access, name, mn.desc, null, null);
        final Map<LabelNode, LabelNode> labels = new HashMap<>();
        for (final AbstractInsnNode i : mn.instructions)
        {
            if (i instanceof LabelNode)
            {
                labels.put((LabelNode)i, new LabelNode());
            }
        }
        for (final AbstractInsnNode i : mn.instructions)
        {
            t.instructions.add(i.clone(labels));
        }
        for (final TryCatchBlockNode b : mn.tryCatchBlocks)
        {
            t.tryCatchBlocks.add(new TryCatchBlockNode(labels.get(b.start), labels.get(b.end), labels.get(b.handler),
                b.type));
        }
        t.maxLocals = mn.maxLocals;
        t.maxStack = mn.maxStack;
        return t;
    }

    /**
     * Adds the unwinding checks after calls, the polls at loop headers and the shared save blocks; and, in the
     * twins, the relay points (a label to resume at in the first twin, the hand-over to it in {@code relayTo}'s
     * caller, the twin that resumes inside monitors).
     */
    private Instrumented instrument(final MethodNode mn, final int id, final List<Site> sites,
        final Map<AbstractInsnNode, AbstractInsnNode> map, final int base, final MethodNode relayTo)
    {
        final Instrumented out = new Instrumented();
        final InsnList code = mn.instructions;
        final List<TryCatchBlockNode> programs = new ArrayList<>(mn.tryCatchBlocks);
        final int tSite = base;
        final Type ret = Type.getReturnType(mn.desc);
        for (final Site s : sites)
        {
            if (s.kind == ENTRY)
            {
                continue;
            }
            final AbstractInsnNode at = map == null ? s.at : map.get(s.at);
            if (s.kind == RELAY)
            {
                if (map != null)
                {
                    relay(mn, out, s, id, at, relayTo);
                }
                continue;
            }
            final LabelNode toSave = saver(mn, out, s, id, tSite, ret);
            if (s.kind == CALL)
            {
                final MethodInsnNode call = (MethodInsnNode)at;
                final LabelNode before = new LabelNode();
                code.insertBefore(call, before);
                out.marks.add(before);
                if (!s.monitors.isEmpty())
                {
                    out.lockedMarks.add(before);
                }
                out.resumeAt.put(s.id, before);
                final List<TryCatchBlockNode> handlers =
                    s.monitors.isEmpty() ? List.of() : covering(code, programs, call);
                final JumpInsnNode test = branchOnResult(call);
                if (test == null)
                {
                    afterCallCheck(mn, out, s, tSite, toSave, call, null, Type.getReturnType(call.desc).getSize(),
                        handlers);
                }
                else
                {
                    // the result decides a branch (a loop's exit: hasNext()): check on both sides of it, so that C2
                    // still finds the loop's exit test first and can make a counted loop of it
                    afterCallCheck(mn, out, s, tSite, toSave, test, null, 0, handlers);
                    final LabelNode edge = new LabelNode();
                    out.tail.add(edge);
                    afterCallCheck(mn, out, s, tSite, toSave, null, test.label, 0, handlers);
                    test.label = edge;
                }
            }
            else
            {
                final LabelNode after = new LabelNode();
                final LabelNode stub = new LabelNode();
                final InsnList poll = pollCheck(stub, after);
                if (at instanceof LabelNode)
                {
                    code.insert(at, poll);
                }
                else
                {
                    code.insertBefore(at, poll); // the loop's back edge (see backEdges)
                }
                out.resumeAt.put(s.id, after);
                final LabelNode mark = new LabelNode();
                final List<TryCatchBlockNode> handlers =
                    s.monitors.isEmpty() ? List.of() : covering(code, programs, at);
                out.tail.add(stub);
                out.tail.add(mark);
                out.tail.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "pollSlow", "()Z"));
                out.tail.add(new JumpInsnNode(Opcodes.IFEQ, after));
                saveAt(out.tail, s.id, tSite, toSave);
                protect(mn, out.tail, stub, handlers);
                out.marks.add(mark);
                if (!s.monitors.isEmpty())
                {
                    out.lockedMarks.add(mark);
                }
            }
        }
        return out;
    }

    /**
     * The {@code goto}s that close a loop, where its poll goes instead of its header when every backward jump to the
     * header is one and holds the header's monitors: C2 makes a counted loop only of a loop whose exit test comes
     * first, and a poll ahead of it (as at {@code while (it.hasNext())}) kept the loop from being unrolled. Null
     * when the poll stays at the header (a {@code do}-{@code while}'s conditional jump back).
     */
    private static List<AbstractInsnNode> backEdges(final AbstractInsnNode[] insns, final LabelNode header,
        final FrameTypes types, final List<List<Object>> monitors)
    {
        final int h = java.util.Arrays.asList(insns).indexOf(header);
        final List<AbstractInsnNode> out = new ArrayList<>();
        for (int i = h; i < insns.length; i++)
        {
            if (!LoopHoisting.branchTargets(insns[i]).contains(header))
            {
                continue;
            }
            if (insns[i].getOpcode() != Opcodes.GOTO || types.frames[i] == null ||
                !java.util.Objects.equals(monitors.get(i), monitors.get(h)))
            {
                return null;
            }
            out.add(insns[i]);
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * The fast path of every check (entry, after a call, in a loop): {@code Cont.poll()}, which the JIT folds to 0
     * while no capture is asked; out of line to {@code slow} when it is not 0, else on at {@code on}.
     */
    private static InsnList pollCheck(final LabelNode slow, final LabelNode on)
    {
        final InsnList il = new InsnList();
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "poll", "()I"));
        il.add(new JumpInsnNode(Opcodes.IFNE, slow));
        il.add(on);
        return il;
    }

    /**
     * The check after a call: while a capture unwinds the stack, the frame is saved instead of going on. It goes
     * after {@code at} in the code, or ({@code at} null) at the end of the method's tail, going on to {@code then}:
     * the taken side of a branch on the call's result. {@code result} words of the call's result are still on the
     * stack there, and dropped before the save.
     */
    private static void afterCallCheck(final MethodNode mn, final Instrumented out, final Site s, final int tSite,
        final LabelNode toSave, final AbstractInsnNode at, final LabelNode then, final int result,
        final List<TryCatchBlockNode> handlers)
    {
        final LabelNode after = new LabelNode();
        final LabelNode stub = new LabelNode();
        final InsnList check = pollCheck(stub, after);
        if (at == null)
        {
            check.add(new JumpInsnNode(Opcodes.GOTO, then));
            out.tail.add(check);
        }
        else
        {
            mn.instructions.insert(at, check);
        }
        out.tail.add(stub);
        out.tail.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "unwinding", "()Z"));
        out.tail.add(new JumpInsnNode(Opcodes.IFEQ, after));
        if (result > 0)
        {
            out.tail.add(new InsnNode(result == 2 ? Opcodes.POP2 : Opcodes.POP));
        }
        saveAt(out.tail, s.id, tSite, toSave);
        protect(mn, out.tail, stub, handlers);
    }

    /**
     * The {@code ifeq}/{@code ifne} that a call's boolean result goes straight into, or null. Only line numbers and
     * frames may lie between them, so that the branch is reached from the call alone and the frame there is the
     * call's, less its result.
     */
    private static JumpInsnNode branchOnResult(final MethodInsnNode call)
    {
        if (Type.getReturnType(call.desc).getSort() != Type.BOOLEAN)
        {
            return null;
        }
        AbstractInsnNode n = call.getNext();
        while (n != null && n.getOpcode() < 0 && !(n instanceof LabelNode))
        {
            n = n.getNext();
        }
        return n != null && (n.getOpcode() == Opcodes.IFEQ || n.getOpcode() == Opcodes.IFNE) ? (JumpInsnNode)n : null;
    }

    /**
     * A relay point in a twin: the label the first twin resumes at; in the twin that resumes inside monitors
     * ({@code to} given), before it, the hand-over of this activation to the first twin, through a frame of its own
     * that {@link io.ssijava.threads.cont.Cont#relay} makes the one to restore.
     */
    private void relay(final MethodNode mn, final Instrumented out, final Site s, final int id,
        final AbstractInsnNode after, final MethodNode to)
    {
        final LabelNode resume = new LabelNode();
        final InsnList il = new InsnList();
        if (to != null)
        {
            final boolean isStatic = (mn.access & Opcodes.ACC_STATIC) != 0;
            il.add(intConst(id));
            il.add(intConst(s.id));
            il.add(isStatic ? new InsnNode(Opcodes.ACONST_NULL) : new VarInsnNode(Opcodes.ALOAD, 0));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "relayFrame",
                "(IILjava/lang/Object;)L" + FRAME + ";"));
            pushLocals(il, s);
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "relay", "(L" + FRAME + ";)Z"));
            il.add(new JumpInsnNode(Opcodes.IFEQ, resume));
            handOver(il, to, isStatic, out);
        }
        il.add(resume);
        mn.instructions.insert(after, il);
        out.resumeAt.put(s.id, resume);
    }

    /**
     * The handlers of the program's that cover an instruction, in the table's order. A site's code in the method's
     * tail runs with the site's monitors held, and HotSpot compiles no method in which a call that can throw runs
     * with a monitor held and no handler: the tail code gets the site's handlers, as if it ran at the site.
     */
    private static List<TryCatchBlockNode> covering(final InsnList code, final List<TryCatchBlockNode> programs,
        final AbstractInsnNode at)
    {
        final int i = code.indexOf(at);
        final List<TryCatchBlockNode> out = new ArrayList<>();
        for (final TryCatchBlockNode t : programs)
        {
            if (code.indexOf(t.start) <= i && i < code.indexOf(t.end))
            {
                out.add(t);
            }
        }
        return out;
    }

    /** Covers the tail code from {@code from} to the current end of {@code tail} with the given handlers. */
    private static void protect(final MethodNode mn, final InsnList tail, final LabelNode from,
        final List<TryCatchBlockNode> handlers)
    {
        if (handlers.isEmpty())
        {
            return;
        }
        final LabelNode to = new LabelNode();
        tail.add(to);
        for (final TryCatchBlockNode t : handlers)
        {
            mn.tryCatchBlocks.add(new TryCatchBlockNode(from, to, t.handler, t.type));
        }
    }

    /** Jumps to a shared save block, telling it the site. */
    private static void saveAt(final InsnList il, final int site, final int tSite, final LabelNode saver)
    {
        il.add(intConst(site));
        il.add(new VarInsnNode(Opcodes.ISTORE, tSite));
        il.add(new JumpInsnNode(Opcodes.GOTO, saver));
    }

    /** The shared block that saves a frame of this site's shape and returns; made on first use. */
    private LabelNode saver(final MethodNode mn, final Instrumented out, final Site s, final int id, final int tSite,
        final Type ret)
    {
        final String shape = s.shape();
        final LabelNode known = out.savers.get(shape);
        if (known != null)
        {
            return known;
        }
        final LabelNode start = new LabelNode();
        out.savers.put(shape, start);
        final InsnList il = out.tail;
        il.add(start);
        // the saved stack values go to temporaries, top first
        int next = tSite + 1;
        final int[] slots = new int[s.stack];
        for (int i = s.stack - 1; i >= 0; i--)
        {
            final BasicValue v = s.frame.getStack(i);
            slots[i] = next;
            il.add(new VarInsnNode(type(v).getOpcode(Opcodes.ISTORE), next));
            next += v.getSize();
        }
        out.temps = Math.max(out.temps, next - tSite);
        il.add(intConst(id));
        il.add(new VarInsnNode(Opcodes.ILOAD, tSite));
        if ((mn.access & Opcodes.ACC_STATIC) == 0)
        {
            il.add(new VarInsnNode(Opcodes.ALOAD, 0));
        }
        else
        {
            il.add(new InsnNode(Opcodes.ACONST_NULL));
        }
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "frame", "(IILjava/lang/Object;)L" + FRAME + ";"));
        pushLocals(il, s);
        for (int i = 0; i < s.stack; i++)
        {
            final BasicValue v = s.frame.getStack(i);
            il.add(new VarInsnNode(type(v).getOpcode(Opcodes.ILOAD), slots[i]));
            il.add(push(v));
        }
        il.add(new InsnNode(Opcodes.POP));
        for (int i = s.monitors.size() - 1; i >= 0; i--)
        {
            // a thread that moves keeps the monitor its own until it enters it again where it arrives
            loadMonitor(il, s.monitors.get(i));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "leaving", "(Ljava/lang/Object;)V"));
        }
        final LabelNode saved = new LabelNode();
        il.add(saved);
        exitMonitors(il, s.monitors, s.monitors.size() - 1);
        il.add(zero(ret));
        il.add(new InsnNode(ret.getOpcode(Opcodes.IRETURN)));
        if (!s.monitors.isEmpty())
        {
            // should saving the frame fail, the handler exits the monitors, as the program's own handler would
            final LabelNode handler = new LabelNode();
            il.add(handler);
            exitMonitors(il, s.monitors, s.monitors.size() - 1);
            il.add(new InsnNode(Opcodes.ATHROW));
            mn.tryCatchBlocks.add(new TryCatchBlockNode(start, saved, handler, null));
        }
        return start;
    }

    /** Saves a site's locals into the frame on the stack, which stays there. */
    private static void pushLocals(final InsnList il, final Site s)
    {
        for (int i = 0; i < s.frame.getLocals(); i++)
        {
            final BasicValue v = s.frame.getLocal(i);
            if (v.getType() != null)
            {
                il.add(new VarInsnNode(type(v).getOpcode(Opcodes.ILOAD), i));
                il.add(push(v));
            }
        }
    }

    /**
     * Exits monitors {@code top} down to 0: the JVM monitors back to back, then their cluster locks, so that no call
     * runs between two monitor exits (HotSpot compiles no method in which a call that can throw runs with a monitor
     * held and no handler to exit it).
     */
    private static void exitMonitors(final InsnList il, final List<Object> monitors, final int top)
    {
        for (int i = top; i >= 0; i--)
        {
            loadMonitor(il, monitors.get(i));
            il.add(new InsnNode(Opcodes.MONITOREXIT));
        }
        for (int i = top; i >= 0; i--)
        {
            loadMonitor(il, monitors.get(i));
            il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorExit", "(Ljava/lang/Object;)V"));
        }
    }

    /**
     * Calls {@code to} (a twin) with this method's receiver and arguments, and returns what it returns. The call is
     * marked: the frame that makes it is one the stack check passes over.
     */
    private void handOver(final InsnList il, final MethodNode to, final boolean isStatic, final Instrumented out)
    {
        int slot = 0;
        if (!isStatic)
        {
            il.add(new VarInsnNode(Opcodes.ALOAD, 0));
            slot = 1;
        }
        for (final Type a : Type.getArgumentTypes(to.desc))
        {
            il.add(new VarInsnNode(a.getOpcode(Opcodes.ILOAD), slot));
            slot += a.getSize();
        }
        final LabelNode mark = new LabelNode();
        il.add(mark);
        out.marks.add(mark);
        il.add(new MethodInsnNode(isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKESPECIAL, cn.name, to.name,
            to.desc));
        il.add(new InsnNode(Type.getReturnType(to.desc).getOpcode(Opcodes.IRETURN)));
    }

    /** The original method: the entry check, and the hand-over to the twin when resuming. */
    private void addEntry(final MethodNode mn, final int id, final Site entry, final Instrumented out,
        final MethodNode twin)
    {
        final boolean isStatic = (mn.access & Opcodes.ACC_STATIC) != 0;
        final Type ret = Type.getReturnType(mn.desc);
        final LabelNode start = new LabelNode();
        final LabelNode stub = new LabelNode();
        final InsnList head = pollCheck(stub, start);
        mn.instructions.insert(head);
        final LabelNode enterMark = new LabelNode();
        final LabelNode restore = new LabelNode();
        final LabelNode capture = new LabelNode();
        // made before the stub below, which jumps to it (the tail only holds blocks that end in a jump or return)
        final LabelNode toSave = saver(mn, out, entry, id, mn.maxLocals, ret);
        final InsnList il = out.tail;
        il.add(stub);
        il.add(intConst(id));
        il.add(enterMark);
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "enter", "(I)I"));
        il.add(new InsnNode(Opcodes.DUP));
        il.add(new JumpInsnNode(Opcodes.IFNE, restore));
        il.add(new InsnNode(Opcodes.POP));
        il.add(new JumpInsnNode(Opcodes.GOTO, start));
        il.add(restore);
        il.add(intConst(1));
        il.add(new JumpInsnNode(Opcodes.IF_ICMPNE, capture));
        handOver(il, twin, isStatic, out);
        il.add(capture);
        saveAt(il, entry.id, mn.maxLocals, toSave);
        out.marks.add(enterMark);
        mn.instructions.add(out.tail);
    }

    /**
     * The twin: restore the saved frame, take the monitors again, and jump to the site; or, for a site inside
     * monitors when {@code lockedTwin} is given, hand the resumption over to that twin.
     */
    private void addRestore(final MethodNode twin, final int id, final List<Site> sites, final Instrumented out,
        final boolean isStatic, final MethodNode lockedTwin)
    {
        final InsnList il = new InsnList();
        final int tFrame = twin.maxLocals + out.temps;
        final LabelNode start = new LabelNode();
        il.add(intConst(id));
        il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "restoring", "(I)L" + FRAME + ";"));
        il.add(new VarInsnNode(Opcodes.ASTORE, tFrame));
        il.add(new VarInsnNode(Opcodes.ALOAD, tFrame));
        il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "site", "()I"));
        final LabelNode bad = new LabelNode();
        final LabelNode[] cases = new LabelNode[sites.size()];
        for (int i = 0; i < cases.length; i++)
        {
            cases[i] = new LabelNode();
        }
        il.add(new TableSwitchInsnNode(0, cases.length - 1, bad, cases));
        for (final Site s : sites)
        {
            il.add(cases[s.id]);
            if (lockedTwin != null && !s.monitors.isEmpty())
            {
                handOver(il, lockedTwin, isStatic, out);
                continue;
            }
            for (int i = 0; i < s.frame.getLocals(); i++)
            {
                final BasicValue v = s.frame.getLocal(i);
                if (v.getType() != null)
                {
                    pop(il, tFrame, v);
                    il.add(new VarInsnNode(type(v).getOpcode(Opcodes.ISTORE), i));
                }
            }
            for (int i = 0; i < s.stack; i++)
            {
                pop(il, tFrame, s.frame.getStack(i));
            }
            // each monitor entered again is exited by a handler of its own should what follows throw: HotSpot
            // compiles no method in which a call that can throw runs with a monitor held and no handler
            final List<LabelNode> held = new ArrayList<>();
            for (int k = 0; k < s.monitors.size(); k++)
            {
                final LabelNode before = new LabelNode();
                il.add(before);
                if (k > 0)
                {
                    held.add(before);
                }
                loadMonitor(il, s.monitors.get(k));
                il.add(new InsnNode(Opcodes.DUP));
                il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorEnter", "(Ljava/lang/Object;)V"));
                il.add(new InsnNode(Opcodes.MONITORENTER));
                final LabelNode entered = new LabelNode();
                il.add(entered);
                held.add(entered);
                loadMonitor(il, s.monitors.get(k));
                il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, SSI, "monitorEntered", "(Ljava/lang/Object;)V"));
            }
            il.add(new VarInsnNode(Opcodes.ALOAD, tFrame));
            il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "done", "()V"));
            if (s.kind == CALL)
            {
                final MethodInsnNode call = (MethodInsnNode)s.at;
                if (call.getOpcode() != Opcodes.INVOKESTATIC)
                {
                    il.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "receiver", "()Ljava/lang/Object;"));
                    // invokespecial (a private or a super method) needs a receiver of this class
                    final String owner = call.getOpcode() == Opcodes.INVOKESPECIAL ? cn.name : call.owner;
                    il.add(new TypeInsnNode(Opcodes.CHECKCAST, owner));
                }
                for (final Type a : Type.getArgumentTypes(call.desc))
                {
                    il.add(zero(a));
                }
            }
            final LabelNode restored = new LabelNode();
            il.add(restored);
            il.add(new JumpInsnNode(Opcodes.GOTO, s.kind == ENTRY ? start : out.resumeAt.get(s.id)));
            held.add(restored);
            for (int k = 0; k < s.monitors.size(); k++)
            {
                // monitors 0..k are held from held[2k] to held[2k + 1]
                final LabelNode handler = new LabelNode();
                il.add(handler);
                exitMonitors(il, s.monitors, k);
                il.add(new InsnNode(Opcodes.ATHROW));
                twin.tryCatchBlocks.add(new TryCatchBlockNode(held.get(2 * k), held.get(2 * k + 1), handler, null));
            }
        }
        il.add(bad);
        il.add(new TypeInsnNode(Opcodes.NEW, "java/lang/IllegalStateException"));
        il.add(new InsnNode(Opcodes.DUP));
        il.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "()V"));
        il.add(new InsnNode(Opcodes.ATHROW));
        il.add(start);
        twin.instructions.insert(il);
        twin.instructions.add(out.tail);
    }

    // ---------------------------------------------------------------- helpers

    private static void pop(final InsnList il, final int tFrame, final BasicValue v)
    {
        final Type t = v.getType();
        il.add(new VarInsnNode(Opcodes.ALOAD, tFrame));
        switch (sort(v))
        {
            case 'I': il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "gi", "()I")); return;
            case 'J': il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "gl", "()J")); return;
            case 'F': il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "gf", "()F")); return;
            case 'D': il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "gd", "()D")); return;
            default:
                il.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "ga", "()Ljava/lang/Object;"));
                if (t.equals(FrameTypes.NULL))
                {
                    // a slot only ever null here: restore the verifier's null type, not Object
                    il.add(new InsnNode(Opcodes.POP));
                    il.add(new InsnNode(Opcodes.ACONST_NULL));
                }
                else if (!"java/lang/Object".equals(t.getInternalName()))
                {
                    il.add(new TypeInsnNode(Opcodes.CHECKCAST, t.getInternalName()));
                }
        }
    }

    private static MethodInsnNode push(final BasicValue v)
    {
        switch (sort(v))
        {
            case 'I': return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "i", "(I)L" + FRAME + ";");
            case 'J': return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "l", "(J)L" + FRAME + ";");
            case 'F': return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "f", "(F)L" + FRAME + ";");
            case 'D': return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "d", "(D)L" + FRAME + ";");
            default: return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, FRAME, "a", "(Ljava/lang/Object;)L" + FRAME + ";");
        }
    }

    /** The JVM type used to load and store a value of this sort. */
    private static Type type(final BasicValue v)
    {
        switch (sort(v))
        {
            case 'I': return Type.INT_TYPE;
            case 'J': return Type.LONG_TYPE;
            case 'F': return Type.FLOAT_TYPE;
            case 'D': return Type.DOUBLE_TYPE;
            default: return Type.getObjectType("java/lang/Object");
        }
    }

    private static void loadMonitor(final InsnList il, final Object source)
    {
        if (source instanceof Integer)
        {
            il.add(new VarInsnNode(Opcodes.ALOAD, (Integer)source));
        }
        else
        {
            il.add(new LdcInsnNode(source));
        }
    }

    private static AbstractInsnNode zero(final Type t)
    {
        switch (t.getSort())
        {
            case Type.VOID: return new InsnNode(Opcodes.NOP);
            case Type.LONG: return new InsnNode(Opcodes.LCONST_0);
            case Type.FLOAT: return new InsnNode(Opcodes.FCONST_0);
            case Type.DOUBLE: return new InsnNode(Opcodes.DCONST_0);
            case Type.OBJECT: case Type.ARRAY: return new InsnNode(Opcodes.ACONST_NULL);
            default: return new InsnNode(Opcodes.ICONST_0);
        }
    }

    private static AbstractInsnNode intConst(final int v)
    {
        if (v >= -1 && v <= 5)
        {
            return new InsnNode(Opcodes.ICONST_0 + v);
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE)
        {
            return new IntInsnNode(v <= Byte.MAX_VALUE && v >= Byte.MIN_VALUE ? Opcodes.BIPUSH : Opcodes.SIPUSH, v);
        }
        return new LdcInsnNode(v);
    }
}
