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
 * ({@code list.add(queue.take())}) wait in locals too, and go back under the result. {@code Lock.lock()} and the
 * phaser waits that an interrupt does not end wait in their interruptible forms ({@link #rewriteUninterruptible}).
 * {@code CyclicBarrier.await()}, which an interrupt breaks, is split into arriving and waiting for the trip
 * ({@link #rewriteBarrier}). Calls on an application subclass that inherits the method count too
 * ({@link #listedOwner}). Left alone are calls made with an object under construction on the stack
 * ({@code new Box(queue.take())}).
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

    /** Executors whose {@code awaitTermination} only waits (a thread interrupted out of it has changed nothing). */
    private static final Set<String> EXECUTORS = Set.of("java/util/concurrent/ExecutorService",
        "java/util/concurrent/ThreadPoolExecutor", "java/util/concurrent/ScheduledExecutorService",
        "java/util/concurrent/ScheduledThreadPoolExecutor", "java/util/concurrent/ForkJoinPool");

    private static final String TIMED = "JLjava/util/concurrent/TimeUnit;)";
    private static final String SEMAPHORE = "java/util/concurrent/Semaphore";
    private static final String LOCK = "lock()V";
    private static final String PHASER = "java/util/concurrent/Phaser";
    private static final String ARRIVE_AND_AWAIT = "arriveAndAwaitAdvance()I";
    /** Waits that an interrupt does not end: they wait in their interruptible forms ({@link #rewriteUninterruptible}). */
    private static final Set<String> UNINTERRUPTIBLE = Set.of(LOCK, "awaitAdvance(I)I", ARRIVE_AND_AWAIT);
    private static final String BARRIER = "java/util/concurrent/CyclicBarrier";
    private static final String BARRIER_AWAIT = "await()I";
    /**
     * Whether this JVM's {@code CyclicBarrier} has the methods that the instrumented JDK adds to it (the agent's
     * CyclicBarrierMoves): without them a barrier's wait stays pinned.
     */
    private static final boolean BARRIER_MOVES = barrierMoves();

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
        Map.entry("awaitAdvanceInterruptibly(I" + TIMED + "I", Set.of(PHASER)),
        Map.entry("awaitTermination(" + TIMED + "Z", EXECUTORS),
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
        Map.entry("awaitAdvanceInterruptibly(I)I", Set.of(PHASER)),
        Map.entry("awaitAdvance(I)I", Set.of(PHASER)),
        Map.entry(ARRIVE_AND_AWAIT, Set.of(PHASER)));

    private BlockingCalls()
    {
    }

    private static boolean barrierMoves()
    {
        try
        {
            java.util.concurrent.CyclicBarrier.class.getMethod("ssi$arrive");
            return true;
        }
        catch (final NoSuchMethodException ex)
        {
            return false;
        }
    }

    private static Set<String> union(final Set<String> a, final Set<String> b)
    {
        final java.util.HashSet<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    static boolean isMovable(final MethodInsnNode m)
    {
        return m.getOpcode() != Opcodes.INVOKESTATIC && listedOwners(m).contains(m.owner);
    }

    /** The listed types that declare the called method with the meaning above (none if it is not listed). */
    private static Set<String> listedOwners(final MethodInsnNode m)
    {
        final String method = m.name + m.desc;
        if (BARRIER_MOVES && (BARRIER_AWAIT.equals(method) || ("await(" + TIMED + "I").equals(method)))
        {
            return Set.of(BARRIER);
        }
        final Set<String> owners = CALLS.get(method);
        return owners == null ? Set.of() : owners;
    }

    /**
     * The listed class whose method a call names, or null: the call's own owner if it is listed, or else the listed
     * class that an application subclass inherits the method from ({@code jobs.take()} on a {@code class JobQueue
     * extends LinkedBlockingQueue<Job>}), with no class between them declaring the method, or the methods that its
     * rewriting calls in its place ({@code arrive}, {@code awaitAdvanceInterruptibly}). A lock's subclass keeps its
     * {@code lock()} as it is: the uncontended shortcut ({@code Cont.lockAtOnce}) is for the JDK's locks only.
     */
    private static String listedOwner(final ClassLoader loader, final MethodInsnNode m)
    {
        if (isMovable(m))
        {
            return m.owner;
        }
        final Set<String> owners = listedOwners(m);
        if (m.getOpcode() != Opcodes.INVOKEVIRTUAL || owners.isEmpty() || LOCKS.containsAll(owners) ||
            !ClassRewriter.isApplicationClass(m.owner))
        {
            return null;
        }
        final String method = m.name + m.desc;
        final Set<String> replaced = ARRIVE_AND_AWAIT.equals(method) || "awaitAdvance(I)I".equals(method) ?
            Set.of(method, "arrive()I", "awaitAdvanceInterruptibly(I)I") : Set.of(method);
        String c = m.owner;
        for (int depth = 0; c != null && depth < 64; depth++)
        {
            if (owners.contains(c))
            {
                return c;
            }
            final ClassInfo info = ClassInfo.of(loader, c);
            if (info == null || replaced.stream().anyMatch(info.methods::contains))
            {
                return null;
            }
            c = info.superName;
        }
        return null;
    }

    /**
     * Rewrites the movable blocking calls of a method, but those made with an object under construction on the stack.
     *
     * @return the retry labels, to become safe points.
     */
    static List<LabelNode> rewrite(final ClassLoader loader, final ClassNode cn, final MethodNode mn)
    {
        final List<LabelNode> out = new ArrayList<>();
        final AbstractInsnNode[] insns = mn.instructions.toArray();
        boolean any = false;
        final String[] listed = new String[insns.length];
        for (int i = 0; i < insns.length; i++)
        {
            if (insns[i] instanceof MethodInsnNode)
            {
                listed[i] = listedOwner(loader, (MethodInsnNode)insns[i]);
                any |= listed[i] != null;
            }
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
            if (listed[i] == null || types.frames[i] == null)
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
            if (BARRIER.equals(listed[i]))
            {
                out.add(rewriteBarrier(mn, call, below));
                continue;
            }
            if (UNINTERRUPTIBLE.contains(call.name + call.desc))
            {
                out.add(rewriteUninterruptible(mn, call, below));
                continue;
            }
            out.add(rewriteCall(mn, call, args, below, CONDITIONS.contains(listed[i])));
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
     * A wait that an interrupt does not end ({@code Lock.lock()}, {@code Phaser.awaitAdvance},
     * {@code Phaser.arriveAndAwaitAdvance}) waits in the interruptible form instead. Values of the program's under
     * the call are kept as in {@link #rewriteCall}. {@code lock.lock()} becomes (JDK locks only: see
     * {@code Cont.lockAtOnce}):
     * <pre>
     *   store the lock in a new local
     *   if (Cont.lockAtOnce(lock)) goto taken    (the uncontended case: no wait to move out of)
     *   interrupted = false
     * retry:                                     (a safe point)
     *   if (Cont.blockingEnter()) goto retry
     *   lock.lockInterruptibly()                 (in a try block)
     *   Cont.blockingExit(); Cont.uninterruptibleDone(interrupted)
     * taken:
     *   ...
     * catch (InterruptedException e):
     *   interrupted |= Cont.programInterrupted(); goto retry
     * </pre>
     * {@code phaser.awaitAdvance(phase)} waits in {@code awaitAdvanceInterruptibly(phase)} the same way, with the
     * phaser and the phase in locals; {@code phaser.arriveAndAwaitAdvance()} first arrives ({@code arrive()}, which
     * does not wait) and then awaits the advance of the phase it arrived at, as its contract says it is equivalent
     * to. An interrupt of the program's does not end the wait: it is set again once the wait is over.
     */
    private static LabelNode rewriteUninterruptible(final MethodNode mn, final MethodInsnNode call,
        final Type[] below)
    {
        final boolean lock = LOCK.equals(call.name + call.desc);
        final boolean arrives = ARRIVE_AND_AWAIT.equals(call.name + call.desc);
        final int target = mn.maxLocals;
        final int phase = target + 1;
        final int interrupted = target + 2;
        mn.maxLocals = target + 3;
        final Kept kept = new Kept(mn, below, Type.getReturnType(call.desc));
        final LabelNode retry = new LabelNode();
        final LabelNode start = new LabelNode();
        final LabelNode end = new LabelNode();
        final LabelNode handler = new LabelNode();
        final LabelNode taken = new LabelNode();

        final InsnList before = new InsnList();
        if (!lock && !arrives)
        {
            before.add(new VarInsnNode(Opcodes.ISTORE, phase));
        }
        before.add(new VarInsnNode(Opcodes.ASTORE, target));
        kept.store(before);
        if (lock)
        {
            before.add(new VarInsnNode(Opcodes.ALOAD, target));
            before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "lockAtOnce",
                "(Ljava/util/concurrent/locks/Lock;)Z", false));
            before.add(new JumpInsnNode(Opcodes.IFNE, taken));
        }
        else if (arrives)
        {
            before.add(new VarInsnNode(Opcodes.ALOAD, target));
            before.add(new MethodInsnNode(call.getOpcode(), call.owner, "arrive", "()I", call.itf));
            before.add(new VarInsnNode(Opcodes.ISTORE, phase));
        }
        before.add(new InsnNode(Opcodes.ICONST_0));
        before.add(new VarInsnNode(Opcodes.ISTORE, interrupted));
        before.add(retry);
        before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingEnter", "()Z", false));
        before.add(new JumpInsnNode(Opcodes.IFNE, retry));
        before.add(start);
        before.add(new VarInsnNode(Opcodes.ALOAD, target));
        if (!lock)
        {
            before.add(new VarInsnNode(Opcodes.ILOAD, phase));
        }
        mn.instructions.insertBefore(call, before);
        final MethodInsnNode wait = lock ?
            new MethodInsnNode(call.getOpcode(), call.owner, "lockInterruptibly", "()V", call.itf) :
            new MethodInsnNode(call.getOpcode(), call.owner, "awaitAdvanceInterruptibly", "(I)I", call.itf);
        mn.instructions.set(call, wait);

        final InsnList rest = new InsnList();
        rest.add(end);
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingExit", "()V", false));
        rest.add(new VarInsnNode(Opcodes.ILOAD, interrupted));
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "uninterruptibleDone", "(Z)V", false));
        final LabelNode after = new LabelNode();
        rest.add(new JumpInsnNode(Opcodes.GOTO, lock ? taken : after));
        rest.add(handler);
        rest.add(new InsnNode(Opcodes.POP));
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "programInterrupted", "()Z", false));
        rest.add(new VarInsnNode(Opcodes.ILOAD, interrupted));
        rest.add(new InsnNode(Opcodes.IOR));
        rest.add(new VarInsnNode(Opcodes.ISTORE, interrupted));
        rest.add(new JumpInsnNode(Opcodes.GOTO, retry));
        rest.add(lock ? taken : after);
        kept.restore(rest);
        mn.instructions.insert(wait, rest);
        mn.tryCatchBlocks.add(0, new TryCatchBlockNode(start, end, handler, IE));
        return retry;
    }

    /**
     * {@code barrier.await()}, on a JDK whose {@code CyclicBarrier} the instrumented copy gave the methods of the
     * agent's CyclicBarrierMoves, becomes (values of the program's under the call kept as in {@link #rewriteCall}):
     * <pre>
     *   store the barrier in a new local
     *   arrival = barrier.ssi$arrive()             (once; null if this arrival tripped the barrier)
     *   if (arrival == null) push 0, goto done
     * retry:                                       (a safe point)
     *   if (Cont.blockingEnter()) goto retry
     *   barrier.ssi$awaitTrip(arrival)              (in a try block; answers the arrival's index)
     *                                               (timed: ssi$awaitTrip(arrival, nanos left), as in rewriteCall)
     *   Cont.blockingExit()
     * done:
     *   ...
     * catch (InterruptedException e):
     *   if (Cont.programInterrupted()) barrier.ssi$interrupted(arrival, e)   (breaks the barrier and throws, as
     *   goto retry                                                            await() does, if still waiting)
     * </pre>
     * An interrupt that only asks for a capture leaves the wait without breaking the barrier.
     */
    private static LabelNode rewriteBarrier(final MethodNode mn, final MethodInsnNode call, final Type[] below)
    {
        final boolean timed = call.desc.contains(TIMED);
        final int barrier = mn.maxLocals;
        final int arrival = barrier + 1;
        final int caught = barrier + 2;
        final int left = barrier + 3; // a timed wait: the nanoseconds left, and when this node began waiting
        final int since = barrier + 5;
        mn.maxLocals = timed ? barrier + 7 : barrier + 3;
        final Kept kept = new Kept(mn, below, Type.INT_TYPE);
        final LabelNode retry = new LabelNode();
        final LabelNode start = new LabelNode();
        final LabelNode end = new LabelNode();
        final LabelNode handler = new LabelNode();
        final LabelNode done = new LabelNode();

        final InsnList before = new InsnList();
        if (timed)
        {
            // left = unit.toNanos(timeout): timeout, unit -> unit, timeout
            before.add(new InsnNode(Opcodes.DUP_X2));
            before.add(new InsnNode(Opcodes.POP));
            before.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, UNIT, "toNanos", "(J)J", false));
            before.add(new VarInsnNode(Opcodes.LSTORE, left));
        }
        before.add(new VarInsnNode(Opcodes.ASTORE, barrier));
        kept.store(before);
        before.add(new VarInsnNode(Opcodes.ALOAD, barrier));
        before.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, BARRIER, "ssi$arrive", "()Ljava/lang/Object;", false));
        before.add(new VarInsnNode(Opcodes.ASTORE, arrival));
        before.add(new VarInsnNode(Opcodes.ALOAD, arrival));
        before.add(new JumpInsnNode(Opcodes.IFNONNULL, retry));
        before.add(new InsnNode(Opcodes.ICONST_0));
        before.add(new JumpInsnNode(Opcodes.GOTO, done));
        before.add(retry);
        before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingEnter", "()Z", false));
        before.add(new JumpInsnNode(Opcodes.IFNE, retry));
        if (timed)
        {
            before.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false));
            before.add(new VarInsnNode(Opcodes.LSTORE, since));
        }
        before.add(start);
        before.add(new VarInsnNode(Opcodes.ALOAD, barrier));
        before.add(new VarInsnNode(Opcodes.ALOAD, arrival));
        if (timed)
        {
            before.add(new VarInsnNode(Opcodes.LLOAD, left));
        }
        mn.instructions.insertBefore(call, before);
        final MethodInsnNode wait = new MethodInsnNode(Opcodes.INVOKEVIRTUAL, BARRIER, "ssi$awaitTrip",
            timed ? "(Ljava/lang/Object;J)I" : "(Ljava/lang/Object;)I", false);
        mn.instructions.set(call, wait);

        final InsnList rest = new InsnList();
        rest.add(end);
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "blockingExit", "()V", false));
        rest.add(new JumpInsnNode(Opcodes.GOTO, done));
        rest.add(handler);
        rest.add(new VarInsnNode(Opcodes.ASTORE, caught));
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
        rest.add(new MethodInsnNode(Opcodes.INVOKESTATIC, CONT, "programInterrupted", "()Z", false));
        rest.add(new JumpInsnNode(Opcodes.IFEQ, retry));
        rest.add(new VarInsnNode(Opcodes.ALOAD, barrier));
        rest.add(new VarInsnNode(Opcodes.ALOAD, arrival));
        rest.add(new VarInsnNode(Opcodes.ALOAD, caught));
        rest.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, BARRIER, "ssi$interrupted",
            "(Ljava/lang/Object;L" + IE + ";)V", false));
        rest.add(new JumpInsnNode(Opcodes.GOTO, retry));
        rest.add(done);
        kept.restore(rest);
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
        mn.maxLocals = next;
        final Type result = Type.getReturnType(call.desc);
        final Kept kept = new Kept(mn, below, result);
        next = mn.maxLocals;
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
        kept.store(before);
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
        kept.restore(rest);
        mn.instructions.insert(call, rest);
        // first in the table: inside any handler of the program's that also covers the call
        mn.tryCatchBlocks.add(0, new TryCatchBlockNode(start, end, handler, IE));
        return retry;
    }

    /**
     * The values the program left on the operand stack under a call (bottom first), kept in new locals across the
     * wait, whose safe point must start with an empty stack, and put back under the call's result.
     */
    private static final class Kept
    {
        private final Type[] types;
        private final int[] slots;
        private final Type result;
        private final int resultSlot;

        Kept(final MethodNode mn, final Type[] below, final Type result)
        {
            this.types = below;
            this.result = result;
            slots = new int[below.length];
            int next = mn.maxLocals;
            for (int k = 0; k < below.length; k++)
            {
                slots[k] = next;
                next += below[k].getSize();
            }
            resultSlot = next;
            if (below.length > 0)
            {
                next += result.getSize();
            }
            mn.maxLocals = next;
        }

        /** Stores them, top first: the call's own values must be off the stack already. */
        void store(final InsnList into)
        {
            for (int k = types.length - 1; k >= 0; k--)
            {
                into.add(new VarInsnNode(types[k].getOpcode(Opcodes.ISTORE), slots[k]));
            }
        }

        /** Puts them back under the result, which is on the stack. */
        void restore(final InsnList into)
        {
            if (types.length == 0)
            {
                return;
            }
            if (result.getSize() > 0)
            {
                into.add(new VarInsnNode(result.getOpcode(Opcodes.ISTORE), resultSlot));
            }
            for (int k = 0; k < types.length; k++)
            {
                into.add(new VarInsnNode(types[k].getOpcode(Opcodes.ILOAD), slots[k]));
            }
            if (result.getSize() > 0)
            {
                into.add(new VarInsnNode(result.getOpcode(Opcodes.ILOAD), resultSlot));
            }
        }
    }
}
