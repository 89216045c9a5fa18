package io.ssijava.agent.rewrite;

import io.ssijava.threads.cont.Cont;
import io.ssijava.threads.cont.Continuation;
import io.ssijava.threads.cont.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Captures programs at their safe points and resumes them, on the same thread and on fresh ones, and compares what
 * they compute with a run of the same class that was not rewritten.
 */
@Timeout(60)
class ContinuationRewriteTest
{
    static Stream<Arguments> scenarios()
    {
        final List<Arguments> out = new ArrayList<>();
        for (final String s : List.of("loops", "recursion", "primitives", "stack", "lambdas", "tryCatch", "monitors",
            "syncMethod", "constructors", "virtual", "jdkCallback", "iterators"))
        {
            out.add(Arguments.of(s, 1));
            out.add(Arguments.of(s, 3));
        }
        out.add(Arguments.of("deep", 97));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, capture every {1}")
    @MethodSource("scenarios")
    void captureAndResumeAtSafePointsGivesThePlainResult(final String scenario, final int every) throws Exception
    {
        final Object expected = new RewritingLoader(false).load("Capture").getMethod("run", String.class)
            .invoke(null, scenario);
        final Class<?> c = new RewritingLoader().load("Capture");
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("body", String.class, Object[].class).invoke(null, scenario, out);
        Continuation k = Continuation.runCapturingEvery(body, every);
        int captures = 0;
        while (k != null)
        {
            captures++;
            // every other resume on a thread of its own, as after a move
            k = captures % 2 == 0 ? k.resumeCapturingEvery(every) : onNewThread(k, every);
        }
        assertEquals(expected, out[0]);
        assertTrue(captures > 0, "captured " + captures + " times");
    }

    @Test
    void onlyTheOutermostLoopOfANestThatOnlyComputesPollsAndALoopThatCallsPollsWhereverItIs()
    {
        final byte[] rewritten = new RewritingLoader().rewrittenBytes("Capture");
        final ClassNode cn = new ClassNode();
        new ClassReader(rewritten).accept(cn, 0);
        final MethodNode nest = cn.methods.stream()
            .filter(m -> m.name.equals("nest") && m.desc.equals("([[J)J")).findFirst().orElseThrow();
        int polls = 0;
        for (final AbstractInsnNode insn : nest.instructions)
        {
            if (insn instanceof MethodInsnNode && ((MethodInsnNode)insn).owner.equals(Cont.INTERNAL_NAME) &&
                ((MethodInsnNode)insn).name.equals("pollSlow"))
            {
                polls++;
            }
        }
        // a loop's poll goes on to its own pollSlow (the entry's and the after-call checks' to enter and unwinding):
        // the first nest's outer loop; the second nest's outer loop and its middle loop, which calls
        assertEquals(3, polls, () -> RewritingLoader.textify(rewritten));
    }

    @Test
    void everyCheckGoesThroughThePollSiteSoThatTheJitDropsItWhileNoCaptureIsAsked()
    {
        final byte[] rewritten = new RewritingLoader().rewrittenBytes("Capture");
        final ClassNode cn = new ClassNode();
        new ClassReader(rewritten).accept(cn, 0);
        int polls = 0;
        for (final MethodNode m : cn.methods)
        {
            for (final AbstractInsnNode insn : m.instructions)
            {
                if (insn instanceof FieldInsnNode && ((FieldInsnNode)insn).owner.equals(Cont.INTERNAL_NAME))
                {
                    fail(m.name + m.desc + " reads Cont." + ((FieldInsnNode)insn).name + " itself");
                }
                if (insn instanceof MethodInsnNode && ((MethodInsnNode)insn).owner.equals(Cont.INTERNAL_NAME) &&
                    ((MethodInsnNode)insn).name.equals("poll"))
                {
                    polls++;
                }
            }
        }
        final int checks = polls;
        assertTrue(checks > 20, () -> checks + " checks\n" + RewritingLoader.textify(rewritten));
    }

    @Test
    void aBodyThatIsNotAskedRunsToItsEnd() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("body", String.class, Object[].class).invoke(null, "recursion", out);
        assertNull(Continuation.run(body));
        assertEquals(987L, out[0]);
    }

    @Test
    void aRequestFromAnotherThreadIsTakenAtTheNextSafePointAndTheFramesCanBeResumedTwice() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("spinner", AtomicBoolean.class, AtomicBoolean.class,
            Object[].class).invoke(null, started, stop, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread t = new Thread(() -> captured.set(Continuation.run(body)), "spinner");
        t.start();
        // asked once it has counted: the count it was captured with must come back on resume
        while (!started.get() || !Continuation.request(t))
        {
            Thread.onSpinWait();
        }
        t.join(20_000);
        assertFalse(t.isAlive());
        final Continuation k = captured.get();
        assertNotNull(k, "captured");
        final Frame bottom = k.frames().get(0);
        assertTrue(bottom.method().name().startsWith("lambda$spinner$"), bottom.toString());
        stop.set(true);
        assertNull(k.resume());
        assertEquals(Boolean.TRUE, out[0]);
        out[0] = null;
        assertNull(k.resume(), "the same frames resume again");
        assertEquals(Boolean.TRUE, out[0]);
    }

    /**
     * Runs a body on a new thread and asks for a capture once the thread waits (in a sleep or join slice).
     *
     * @return the frames it was captured with: it must not have been left to finish its wait.
     */
    private static Continuation captureWhileWaiting(final Runnable body, final String name) throws Exception
    {
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread t = new Thread(() -> captured.set(Continuation.run(body)), name);
        t.start();
        while (t.getState() != Thread.State.TIMED_WAITING || !Continuation.request(t))
        {
            Thread.onSpinWait();
        }
        t.join(20_000);
        assertFalse(t.isAlive());
        final Continuation k = captured.get();
        assertNotNull(k, "a waiting thread is captured, not left to finish its wait");
        return k;
    }

    @Test
    void aThreadCapturedInASleepResumesSleepingWhatWasLeft() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final long[] out = new long[1];
        final long millis = 1500;
        final Runnable body = (Runnable)c.getMethod("sleeper", long.class, long[].class).invoke(null, millis, out);
        final Continuation k = captureWhileWaiting(body, "sleeper");
        final long left = k.waiting().leftNanos();
        assertEquals(Continuation.Waiting.SLEEP, k.waiting().kind());
        assertTrue(left > 0 && left <= millis * 1_000_000L, () -> "left " + left);
        final long resumedAt = System.nanoTime();
        final Thread again = new Thread(() -> assertNull(k.resume()), "resumed");
        again.start();
        again.join(20_000);
        assertTrue(System.nanoTime() - resumedAt >= left, "the resumed frame sleeps what was left");
        assertTrue(out[0] >= millis * 1_000_000L, () -> "the sleep took " + out[0] + " ns in all, not " + millis + " ms");
    }

    @Test
    void aThreadCapturedInAJoinResumesJoiningTheSameThread() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final Thread other = new Thread(() ->
        {
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "other");
        other.start();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("joiner", Thread.class, Object[].class).invoke(null, other, out);
        final Continuation k = captureWhileWaiting(body, "joiner");
        assertEquals(Continuation.Waiting.JOIN, k.waiting().kind());
        assertSame(other, k.waiting().target());
        assertNull(out[0], "the join has not returned");
        final Thread again = new Thread(() -> assertNull(k.resume()), "resumed");
        again.start();
        release.countDown();
        again.join(20_000);
        assertFalse(again.isAlive());
        assertEquals(Boolean.TRUE, out[0], "the resumed frame joined the same thread");
    }

    @Test
    void aThreadCapturedInsideABlockingQueueTakeResumesTakingAndNeverSeesTheInterruptThatTookItOut() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final java.util.concurrent.BlockingQueue<Integer> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        final AtomicBoolean blocked = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("taker", java.util.concurrent.BlockingQueue.class,
            AtomicBoolean.class, Object[].class).invoke(null, queue, blocked, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread t = new Thread(() -> captured.set(Continuation.run(body)), "taker");
        t.start();
        final Continuation k = captureWhenBlocked(t, blocked, captured);
        assertNotNull(k, "captured inside take()");
        assertNull(out[0], "it took nothing and saw no interrupt");
        final AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        final Thread again = new Thread(() ->
        {
            assertNull(k.resume());
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }, "resumed");
        again.start();
        queue.put(20);
        queue.put(22);
        again.join(20_000);
        assertFalse(again.isAlive(), "the resumed frame takes again");
        assertEquals(42, out[0]);
        assertFalse(interruptedAfter.get());
    }

    @Test
    void aTakeFromAQueueOfTheProgramsOwnSubclassIsCapturedAndResumedToo() throws Exception
    {
        final RewritingLoader loader = new RewritingLoader();
        final Class<?> c = loader.load("Capture");
        final Class<?> jobs = loader.load("Capture$JobQueue");
        final java.util.concurrent.BlockingQueue<?> queue =
            (java.util.concurrent.BlockingQueue<?>)jobs.getConstructor().newInstance();
        @SuppressWarnings("unchecked")
        final java.util.concurrent.BlockingQueue<Integer> ints = (java.util.concurrent.BlockingQueue<Integer>)queue;
        final AtomicBoolean blocked = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("subclassTaker", jobs, AtomicBoolean.class, Object[].class)
            .invoke(null, queue, blocked, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread t = new Thread(() -> captured.set(Continuation.run(body)), "subclass taker");
        t.start();
        final Continuation k = captureWhenBlocked(t, blocked, captured);
        assertNotNull(k, "captured inside take()");
        assertNull(out[0], "it took nothing and saw no interrupt");
        final Thread again = new Thread(() -> assertNull(k.resume()), "resumed");
        again.start();
        ints.put(20);
        ints.put(22);
        again.join(20_000);
        assertFalse(again.isAlive(), "the resumed frame takes again");
        assertEquals(42, out[0]);
    }

    @Test
    void aBlockingCallWithTheProgramsValuesUnderItOnTheStackIsCapturedAndResumedWithThem() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final java.util.concurrent.BlockingQueue<Integer> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        final AtomicBoolean blocked = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("stackedTaker", java.util.concurrent.BlockingQueue.class,
            AtomicBoolean.class, Object[].class).invoke(null, queue, blocked, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread first = new Thread(() -> captured.set(Continuation.run(body)), "in got.add(queue.take())");
        first.start();
        final Continuation k1 = captureWhenBlocked(first, blocked, captured);
        assertNotNull(k1, "captured inside take() with the list under it");

        final Thread second = new Thread(() -> captured.set(k1.resume()), "in 100L + queue.take()");
        second.start();
        queue.put(20);
        final Continuation k2 = captureWhenBlocked(second, blocked, captured);
        assertNotNull(k2, "captured inside take() with a long under it");
        assertNull(out[0]);

        final Thread third = new Thread(() -> captured.set(k2.resume()), "resumed");
        third.start();
        queue.put(22);
        third.join(20_000);
        assertFalse(third.isAlive());
        assertNull(captured.get());
        assertEquals("[20] 122", out[0]);
    }

    @Test
    void aThreadCapturedWaitingInLockResumesWaitingForTheLockAndKeepsAnInterruptOfTheProgramsAsLockDoes()
        throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock(true);
        final AtomicBoolean blocked = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("locker", java.util.concurrent.locks.Lock.class,
            AtomicBoolean.class, Object[].class).invoke(null, lock, blocked, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        lock.lock();
        final Thread first = new Thread(() -> captured.set(Continuation.run(body)), "in lock()");
        first.start();
        final Continuation k = captureWhenBlocked(first, blocked, captured);
        assertNotNull(k, "captured inside lock()");
        assertNull(out[0]);
        assertFalse(lock.hasQueuedThreads(), "it left the lock's queue");

        final Thread again = new Thread(() -> captured.set(k.resume()), "resumed");
        again.start();
        while (!lock.hasQueuedThread(again))
        {
            Thread.onSpinWait();
        }
        again.interrupt(); // lock() does not stop for the program's interrupt
        lock.unlock();
        again.join(20_000);
        assertFalse(again.isAlive());
        assertNull(captured.get());
        assertEquals("held true, interrupted true", out[0]);
    }

    @Test
    void aThreadCapturedInArriveAndAwaitAdvanceHasArrivedOnceAndResumesAwaitingTheSamePhase() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final java.util.concurrent.Phaser phaser = new java.util.concurrent.Phaser(2);
        final AtomicBoolean blocked = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("phaserArriver", java.util.concurrent.Phaser.class,
            AtomicBoolean.class, Object[].class).invoke(null, phaser, blocked, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread first = new Thread(() -> captured.set(Continuation.run(body)), "in arriveAndAwaitAdvance()");
        first.start();
        final Continuation k = captureWhenBlocked(first, blocked, captured);
        assertNotNull(k, "captured inside arriveAndAwaitAdvance()");
        assertNull(out[0]);
        assertEquals(1, phaser.getArrivedParties(), "it arrived once");
        assertEquals(0, phaser.getPhase());

        final Thread again = new Thread(() -> captured.set(k.resume()), "resumed");
        again.start();
        while (again.getState() != Thread.State.WAITING)
        {
            Thread.onSpinWait();
        }
        again.interrupt(); // the wait does not stop for the program's interrupt
        assertEquals(1, phaser.getArrivedParties(), "the resumed frame did not arrive again");
        phaser.arrive();
        again.join(20_000);
        assertFalse(again.isAlive());
        assertNull(captured.get());
        assertEquals("phase 1, interrupted true", out[0]);
    }

    private static Continuation captureWhenBlocked(final Thread t, final AtomicBoolean blocked,
        final AtomicReference<Continuation> captured) throws InterruptedException
    {
        while (!blocked.get() || t.getState() != Thread.State.WAITING)
        {
            Thread.onSpinWait();
        }
        blocked.set(false);
        assertTrue(Continuation.request(t));
        t.join(20_000);
        assertFalse(t.isAlive(), "a request takes the thread out of take()");
        return captured.getAndSet(null);
    }

    @Test
    void aThreadCapturedAtAMonitorWaitResumesWaitingOnTheSameMonitor() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final Object lock = new Object();
        final boolean[] go = new boolean[1];
        final AtomicBoolean inside = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("waiter", Object.class, boolean[].class, AtomicBoolean.class,
            Object[].class).invoke(null, lock, go, inside, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread t = new Thread(() -> captured.set(Continuation.run(body)), "waiter");
        t.start();
        while (!inside.get() || !Continuation.request(t))
        {
            Thread.onSpinWait();
        }
        // no node runtime here: the wait is the JVM's, which a request cannot cut short; a notify without the
        // release makes it wait again, and the safe point at that wait captures it
        while (t.isAlive())
        {
            synchronized (lock)
            {
                lock.notifyAll();
            }
            t.join(10);
        }
        final Continuation k = captured.get();
        assertNotNull(k, "captured at its wait");
        assertEquals(Continuation.Waiting.MONITOR, k.waiting().kind());
        assertSame(lock, k.waiting().target());
        assertNull(out[0], "it did not get past the wait");
        final Thread again = new Thread(() -> assertNull(k.resume()), "resumed");
        again.start();
        synchronized (lock)
        {
            go[0] = true;
        }
        // without a node runtime the monitor was free between the capture and the resumed wait: notify until the
        // resumed frame, waiting on the same monitor, sees the release
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (again.isAlive() && System.nanoTime() < deadline)
        {
            synchronized (lock)
            {
                lock.notifyAll();
            }
            again.join(10);
        }
        assertFalse(again.isAlive(), "the resumed frame waits on the same monitor, which the release ends");
        assertEquals(Boolean.TRUE, out[0], "it saw the release, inside the monitor");
    }

    @Test
    void aThreadInsideJdkCodeIsPinnedUntilThatFrameReturns() throws Exception
    {
        final Class<?> c = new RewritingLoader().load("Capture");
        final AtomicBoolean inside = new AtomicBoolean();
        final AtomicBoolean go = new AtomicBoolean();
        final Object[] out = new Object[1];
        final Runnable body = (Runnable)c.getMethod("pinned", AtomicBoolean.class, AtomicBoolean.class, Object[].class)
            .invoke(null, inside, go, out);
        final AtomicReference<Continuation> captured = new AtomicReference<>();
        final Thread t = new Thread(() -> captured.set(Continuation.run(body)), "pinned");
        t.start();
        // asked only once it is inside forEach: asked earlier, it would be captured before it got there
        while (!inside.get())
        {
            Thread.onSpinWait();
        }
        assertTrue(Continuation.request(t));
        String pinnedBy = null;
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (pinnedBy == null && System.nanoTime() < deadline)
        {
            pinnedBy = Continuation.pinnedBy(t);
            Thread.onSpinWait();
        }
        assertNotNull(pinnedBy, "the request is reported as pending");
        assertTrue(pinnedBy.contains("forEach"), pinnedBy);
        assertTrue(t.isAlive());
        go.set(true);
        t.join(20_000);
        final Continuation k = captured.get();
        assertNotNull(k, "captured once the JDK frame returned");
        assertNull(out[0]);
        assertNull(k.resume());
        assertEquals(11L, out[0]);
    }

    @Test
    void aLoaderThatCannotSeeTheContinuationRuntimeGetsNoCaptureChecks()
    {
        final byte[] original = RewritingLoader.original("rewritetest/Capture");
        final ClassLoader isolated = new ClassLoader(null)
        {
        };
        assertFalse(refersToCont(ClassRewriter.rewrite(isolated, original)), "a NoClassDefFoundError waiting to happen");
        assertTrue(refersToCont(ClassRewriter.rewrite(new RewritingLoader(), original)));
    }

    private static boolean refersToCont(final byte[] classFile)
    {
        final org.objectweb.asm.tree.ClassNode cn = new org.objectweb.asm.tree.ClassNode();
        new org.objectweb.asm.ClassReader(classFile).accept(cn, 0);
        return cn.methods.stream().anyMatch(m -> m.name.endsWith(ContinuationRewriter.TWIN_SUFFIX)) ||
            new String(classFile, java.nio.charset.StandardCharsets.ISO_8859_1).contains(ContinuationRewriter.CONT);
    }

    private static Continuation onNewThread(final Continuation k, final int every) throws Exception
    {
        final AtomicReference<Object> result = new AtomicReference<>();
        final Thread t = new Thread(() ->
        {
            try
            {
                result.set(k.resumeCapturingEvery(every));
            }
            catch (final Throwable ex)
            {
                result.set(ex);
            }
        });
        t.start();
        t.join();
        if (result.get() instanceof Throwable)
        {
            throw new AssertionError("resume failed", (Throwable)result.get());
        }
        return (Continuation)result.get();
    }
}
