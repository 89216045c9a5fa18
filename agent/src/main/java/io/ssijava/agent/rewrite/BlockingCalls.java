package io.ssijava.agent.rewrite;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blocking {@code java.util.concurrent} calls that a thread can move out of. The thread waits in JDK frames, which
 * cannot be captured; but each of these calls, when interrupted, throws {@code InterruptedException} having done
 * nothing (no element taken, no permit or lock acquired, no signal consumed), so it can be left and made again.
 * A call made with nothing else on the operand stack becomes:
 * <pre>
 *   store receiver and arguments in new locals
 * retry:                                   (a safe point: the frame is captured here, locals and all)
 *   if (Cont.blockingEnter()) goto retry   (a capture is waiting: take it before blocking)
 *   load receiver and arguments; the call  (in a try block)
 *   Cont.blockingExit()                    (an interrupt of ours that came too late is taken back)
 *   ...
 * catch (InterruptedException e):
 *   Cont.blockingInterrupted(e); goto retry (rethrows unless the interrupt was a request to capture)
 * </pre>
 * A request to capture interrupts a thread inside such a call ({@code Continuation.requestMove}); the program
 * never sees that interrupt. A timed call is made again with the time that was left (in nanoseconds, which travel
 * with the frame). {@code Condition.await} is the exception to making the call again: a signal may come between
 * the interrupt and the new call, and would be lost; so it returns instead, as the spurious wake-up its contract
 * allows (a timed await answers true, {@code awaitNanos} the time it had left), and the thread is captured at its
 * next safe point (the loop around the wait). Values the program left on the stack under the call
 * ({@code list.add(queue.take())}) wait in locals too, and go back under the result. {@code Lock.lock()}, which an
 * interrupt does not end, waits in {@code lockInterruptibly} instead ({@link #rewriteLock}). Left alone are calls
 * whose interruption has effects ({@code CyclicBarrier.await} breaks the barrier) and calls made with an object
 * under construction on the stack ({@code new Box(queue.take())}).
 */
final class BlockingCalls
{
    private static final String CONT = ContinuationRewriter.CONT;
    private static final String IE = "java/lang/InterruptedException";
    private static final String UNIT = "java/util/concurrent/TimeUnit";

    private static final String BQ = "java/util/concurrent/BlockingQueue";
    private static final Set<String> QUEUES = Set.of(BQ, "java/util/concurrent/BlockingDeque",
        "java/util/concurrent/TransferQueue", "java/util/concurrent/LinkedBlockingQueue",
        "java/util/concurrent/ArrayBlockingQueue", "java/util/concurrent/LinkedBlockingDeque",
        "java/util/concurrent/PriorityBlockingQueue", "java/util/concurrent/DelayQueue",
        "java/util/concurrent/SynchronousQueue", "java/util/concurrent/LinkedTransferQueue");
    private static final Set<String> FUTURES = Set.of("java/util/concurrent/Future",
        "java/util/concurrent/RunnableFuture", "java/util/concurrent/FutureTask",
        "java/util/concurrent/CompletableFuture");
    private static final Set<String> CONDITIONS = Set.of("java/util/concurrent/locks/Condition",
        "java/util/concurrent/locks/AbstractQueuedSynchronizer$ConditionObject",
        "java/util/concurrent/locks/AbstractQueuedLongSynchronizer$ConditionObject");
    private static final Set<String> LOCKS = Set.of("java/util/concurrent/locks/Lock",
        "java/util/concurrent/locks/ReentrantLock", "java/util/concurrent/locks/ReentrantReadWriteLock$ReadLock",
        "java/util/concurrent/locks/ReentrantReadWriteLock$WriteLock");

    private static final String TIMED = "JLjava/util/concurrent/TimeUnit;)";
    private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
    private static final String LOCK = "lock()V";

    /**
     * Method (name + descriptor) to the types that declare it with the meaning above. A timed call (its last two
     * parameters a {@code long} and a {@code TimeUnit}) is made again with the time that is left, in nanoseconds;
     * once none is left, it is made with none, and answers as a timed-out call does.
     */
    private static final Map<String, Set<String>> CALLS = Map.ofEntries(
        Map.entry("poll(" + TIMED + "Ljava/lang/Object;", QUEUES),
        Map.entry("offer(Ljava/lang/Object;" + TIMED + "Z", QUEUES),
        Map.entry("pollFirst(" + TIMED + "Ljava/lang/Object;", QUEUES),
        Map.entry("pollLast(" + TIMED + "Ljava/lang/Object;", QUEUES),
        Map.entry("get(" + TIMED + "Ljava/lang/Object;", FUTURES),
        Map.entry("await(" + TIMED + "Z", union(CONDITIONS, Set.of("java/util/concurrent/CountDownLatch"))),
        Map.entry("tryAcquire(" + TIMED + "Z", Set.of(SEMAPHORE)),
        Map.entry("tryAcquire(I" + TIMED + "Z", Set.of(SEMAPHORE)),
        Map.entry("tryLock(" + TIMED + "Z", LOCKS),
        Map.entry("awaitAdvanceInterruptibly(I" + TIMED + "I", Set.of("java/util/concurrent/Phaser")),
        Map.entry("take()Ljava/lang/Object;", QUEUES),
        Map.entry("put(Ljava/lang/Object;)V", QUEUES),
        Map.entry("takeFirst()Ljava/lang/Object;", QUEUES),
        Map.entry("takeLast()Ljava/lang/Object;", QUEUES),
        Map.entry("get()Ljava/lang/Object;", FUTURES),
        Map.entry("await()V", union(CONDITIONS, Set.of("java/util/concurrent/CountDownLatch"))),
        Map.entry("acquire()V", Set.of(SEMAPHORE)),
        Map.entry("acquire(I)V", Set.of(SEMAPHORE)),
        Map.entry("lockInterruptibly()V", LOCKS),
        Map.entry(LOCK, LOCKS),
        Map.entry("awaitNanos(J)J", CONDITIONS),
        Map.entry("awaitUntil(Ljava/util/Date;)Z", CONDITIONS),
        Map.entry("awaitAdvanceInterruptibly(I)I", Set.of("java/util/concurrent/Phaser")));

    private BlockingCalls()
    {
    }

    private static Set<String> union(final Set<String> a, final Set<String> b)
    {
        final java.util.HashSet<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    static boolean isMovable(final MethodInsnNode m)
    {
        final Set<String> owners = CALLS.get(m.name + m.desc);
        return owners != null && owners.contains(m.owner) && m.getOpcode() != Opcodes.INVOKESTATIC;
    }

    /**
     * Rewrites the movable blocking calls of a method that are made with an otherwise empty operand stack.
     *
     * @return the retry labels, to become safe points.
     */
    static List<LabelNode> rewrite(final ClassLoader loader, final ClassNode cn, final MethodNode mn)
    {
        final List<LabelNode> out = new ArrayList<>();
        final AbstractInsnNode[] insns = mn.instructions.toArray();
        boolean any = false;
        for (final AbstractInsnNode insn : insns)
        {
            any |= insn instanceof MethodInsnNode && isMovable((MethodInsnNode)insn);
        }
        if (!any)
        {
            return out;
        }
        final FrameTypes types;
        try
        {
            types = FrameTypes.analyze(loader, cn, mn);
        }
        catch (final AnalyzerException | RuntimeException ex)
        {
            return out;
        }
        for (int i = 0; i < insns.length; i++)
        {
            if (!(insns[i] instanceof MethodInsnNode) || !isMovable((MethodInsnNode)insns[i]) ||
                types.frames[i] == null)
            {
                continue;
            }
            final MethodInsnNode call = (MethodInsnNode)insns[i];
            final Type[] args = Type.getArgumentTypes(call.desc);
            final Type[] below = below(types.frames[i], args.length + 1);
            if (below == null)
            {
                continue; // an object under construction is on the stack: it cannot be kept, the wait stays pinned
            }
            if (LOCK.equals(call.name + call.desc))
            {
                if (below.length == 0)
                {
                    out.add(rewriteLock(mn, call));
                }
                continue;
            }
            out.add(rewriteCall(mn, call, args, below, CONDITIONS.contains(call.owner)));
        }
        return out;
    }

    /**
     * The types of the values on the stack under the call's receiver and arguments (bottom first), or null if one
     * of them cannot be kept in a local (an object between {@code new} and its constructor).
     */
    private static Type[] below(final Frame<BasicValue> frame, final int callValues)
    {
        final Type[] out = new Type[frame.getStackSize() - callValues];
        for (int k = 0; k < out.length; k++)
        {
            final BasicValue v = frame.getStack(k);
            if (v instanceof FrameTypes.Uninitialized || v.getType() == null)
            {
                return null;
            }
            out[k] = v.getType().equals(FrameTypes.NULL) ? Type.getType(Object.class) : v.getType();
        }
        return out;
    }

    /**
     * {@code lock.lock()}, made with an otherwise empty stack, becomes (JDK locks only: see {@code Cont.lockAtOnce}):
     * <pre>
     *   store the lock in a new local
     *   if (Cont.lockAtOnce(lock)) goto taken    (the uncontended case: no wait to move out of)
     *   interrupted = false
     * retry:                                     (a safe point)
     *   if (Cont.blockingEnter()) goto retry
     *   lock.lockInterruptibly()                 (in a try block)
     *   Cont.blockingExit(); Cont.lockTaken(interrupted)
     * taken:
     *   ...
     * catch (InterruptedException e):
     *   interrupted |= Cont.lockInterrupted(); goto retry
     * </pre>
     * An interrupt of the program's does not end the wait, as with {@code lock()}: it is set again once the lock is
     * held.
     */
    private static LabelNode rewriteLock(final MethodNode mn, final MethodInsnNode call)
    {
        final int lock = mn.maxLocals;
        final int interrupted = lock + 1;
        mn.maxLocals = lock + 2;
        final LabelNode retry = new LabelNode();
        final LabelNode start = new LabelNode();
        final LabelNode end = new LabelNode();
        final LabelNode handler = new LabelNode();
        final LabelNode taken = new LabelNode();

        final InsnList before = new InsnList();
        before.add(new VarInsnNode(Opcodes.ASTORE, lock));
        before.add(new VarInsnNode(Opcodes.ALOAD, lock));
        before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "lockAtOnce",
            "(Ljava/util/concurrent/locks/Lock;)Z", false));
        before.add(new JumpInsnNode(Opcodes.IFNE, taken));
        before.add(new InsnNode(Opcodes.ICONST_0));
        before.add(new VarInsnNode(Opcodes.ISTORE, interrupted));
        before.add(retry);
        before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingEnter", "()Z", false));
        before.add(new JumpInsnNode(Opcodes.IFNE, retry));
        before.add(start);
        before.add(new VarInsnNode(Opcodes.ALOAD, lock));
        mn.instructions.insertBefore(call, before);
        final MethodInsnNode wait = new MethodInsnNode(call.getOpcode(), call.owner, "lockInterruptibly", "()V",
            call.itf);
        mn.instructions.set(call, wait);

        final InsnList rest = new InsnList();
        rest.add(end);
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingExit", "()V", false));
        rest.add(new VarInsnNode(Opcodes.ILOAD, interrupted));
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "lockTaken", "(Z)V", false));
        rest.add(new JumpInsnNode(Opcodes.GOTO, taken));
        rest.add(handler);
        rest.add(new InsnNode(Opcodes.POP));
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "lockInterrupted", "()Z", false));
        rest.add(new VarInsnNode(Opcodes.ILOAD, interrupted));
        rest.add(new InsnNode(Opcodes.IOR));
        rest.add(new VarInsnNode(Opcodes.ISTORE, interrupted));
        rest.add(new JumpInsnNode(Opcodes.GOTO, retry));
        rest.add(taken);
        mn.instructions.insert(wait, rest);
        mn.tryCatchBlocks.add(0, new TryCatchBlockNode(start, end, handler, IE));
        return retry;
    }

    /**
     * @param below the values the program left on the stack under the call (bottom first): kept in locals across
     *              the retry, which must start with an empty stack, and put back under the call's result.
     * @param wakes whether a request ends the call as a spurious wake-up (a void call) instead of making it again.
     */
    private static LabelNode rewriteCall(final MethodNode mn, final MethodInsnNode call, final Type[] args,
        final Type[] below, final boolean wakes)
    {
        // receiver first, then the arguments, each in a local of its own; then what lies below them
        final int[] slots = new int[args.length + 1];
        int next = mn.maxLocals;
        slots[0] = next++;
        for (int a = 0; a < args.length; a++)
        {
            slots[a + 1] = next;
            next += args[a].getSize();
        }
        final int[] kept = new int[below.length];
        for (int k = 0; k < below.length; k++)
        {
            kept[k] = next;
            next += below[k].getSize();
        }
        final Type result = Type.getReturnType(call.desc);
        final int resultSlot = next;
        if (below.length > 0 && result.getSize() > 0)
        {
            next += result.getSize();
        }
        // a timed call: the nanoseconds left (they travel with the frame) and when this node made the call
        final boolean timed = !wakes && call.desc.contains(TIMED);
        // awaitNanos ended early answers the nanoseconds it had left, as its contract asks
        final boolean nanosLeft = wakes && result.getSort() == Type.LONG;
        final int left = next;
        final int since = next + 2;
        mn.maxLocals = timed || nanosLeft ? next + 4 : next;
        final Type receiver = Type.getObjectType(call.owner);

        final InsnList before = new InsnList();
        for (int a = args.length - 1; a >= 0; a--)
        {
            before.add(new VarInsnNode(args[a].getOpcode(Opcodes.ISTORE), slots[a + 1]));
        }
        before.add(new VarInsnNode(receiver.getOpcode(Opcodes.ISTORE), slots[0]));
        for (int k = below.length - 1; k >= 0; k--)
        {
            before.add(new VarInsnNode(below[k].getOpcode(Opcodes.ISTORE), kept[k]));
        }
        if (timed)
        {
            before.add(new VarInsnNode(Opcodes.ALOAD, slots[args.length]));
            before.add(new VarInsnNode(Opcodes.LLOAD, slots[args.length - 1]));
            before.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, UNIT, "toNanos", "(J)J", false));
            before.add(new VarInsnNode(Opcodes.LSTORE, left));
        }
        final LabelNode retry = new LabelNode();
        final LabelNode start = new LabelNode();
        before.add(retry);
        before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingEnter", "()Z", false));
        before.add(new JumpInsnNode(Opcodes.IFNE, retry));
        if (timed || nanosLeft)
        {
            before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false));
            before.add(new VarInsnNode(Opcodes.LSTORE, since));
        }
        before.add(start);
        before.add(new VarInsnNode(Opcodes.ALOAD, slots[0]));
        for (int a = 0; a < (timed ? args.length - 2 : args.length); a++)
        {
            before.add(new VarInsnNode(args[a].getOpcode(Opcodes.ILOAD), slots[a + 1]));
        }
        if (timed)
        {
            before.add(new VarInsnNode(Opcodes.LLOAD, left));
            before.add(new FieldInsnNode(Opcodes.GETSTATIC, UNIT, "NANOSECONDS", "L" + UNIT + ";"));
        }
        mn.instructions.insertBefore(call, before);

        final LabelNode end = new LabelNode();
        final LabelNode handler = new LabelNode();
        final LabelNode after = new LabelNode();
        final InsnList rest = new InsnList();
        rest.add(end);
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingExit", "()V", false));
        rest.add(new JumpInsnNode(Opcodes.GOTO, after));
        rest.add(handler);
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingInterrupted",
            "(L" + IE + ";)V", false));
        if (timed)
        {
            // left -= now - since
            rest.add(new VarInsnNode(Opcodes.LLOAD, left));
            rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false));
            rest.add(new VarInsnNode(Opcodes.LLOAD, since));
            rest.add(new InsnNode(Opcodes.LSUB));
            rest.add(new InsnNode(Opcodes.LSUB));
            rest.add(new VarInsnNode(Opcodes.LSTORE, left));
        }
        if (nanosLeft)
        {
            // the argument less the time waited
            rest.add(new VarInsnNode(Opcodes.LLOAD, slots[1]));
            rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false));
            rest.add(new VarInsnNode(Opcodes.LLOAD, since));
            rest.add(new InsnNode(Opcodes.LSUB));
            rest.add(new InsnNode(Opcodes.LSUB));
        }
        else if (wakes && result.getSort() == Type.BOOLEAN)
        {
            rest.add(new InsnNode(Opcodes.ICONST_1)); // a timed await woken before its time answers true
        }
        rest.add(new JumpInsnNode(Opcodes.GOTO, wakes ? after : retry));
        rest.add(after);
        if (below.length > 0)
        {
            // the program's values go back under the result
            if (result.getSize() > 0)
            {
                rest.add(new VarInsnNode(result.getOpcode(Opcodes.ISTORE), resultSlot));
            }
            for (int k = 0; k < below.length; k++)
            {
                rest.add(new VarInsnNode(below[k].getOpcode(Opcodes.ILOAD), kept[k]));
            }
            if (result.getSize() > 0)
            {
                rest.add(new VarInsnNode(result.getOpcode(Opcodes.ILOAD), resultSlot));
            }
        }
        mn.instructions.insert(call, rest);
        // first in the table: inside any handler of the program's that also covers the call
        mn.tryCatchBlocks.add(0, new TryCatchBlockNode(start, end, handler, IE));
        return retry;
    }
}
