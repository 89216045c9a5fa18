package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** monitorenter/monitorexit and synchronized methods take the cluster lock through the facade. */
@Timeout(10)
class MonitorRewriteTest extends RewriteTestSupport
{
    private Object sharedLock() throws Throwable
    {
        final Object lock = newInstance("Plain");
        setState(lock, DIRTY);
        return lock;
    }

    @Test
    void blockOnSharedObjectCallsRuntimeAroundTheJvmMonitor() throws Throwable
    {
        install("Monitors");
        final Object lock = sharedLock();
        assertEquals(true, call("Monitors", "block", lock));
        assertEquals(List.of("monitorEnter", "monitorExit"), rt.names());
        assertFalse(rt.calls.get(0).heldMonitor(), "cluster lock first, then the JVM monitor");
        assertFalse(rt.calls.get(1).heldMonitor(), "JVM monitor released before the cluster lock");
        assertSame(lock, rt.calls.get(0).arg());
        assertSame(lock, rt.calls.get(1).arg());
        assertFalse(Thread.holdsLock(lock));
    }

    @Test
    void blockOnLocalObjectDoesNotCallTheRuntime() throws Throwable
    {
        install("Monitors");
        final Object lock = newInstance("Plain");
        assertEquals(true, call("Monitors", "block", lock));
        assertEquals(11, call("Monitors", "nested", lock, lock));
        assertEquals(List.of(), rt.names());
    }

    @Test
    void blockOnUnmanagedObjectGoesToTheRuntime() throws Throwable
    {
        install("Monitors");
        final Object lock = new Object();
        assertEquals(true, call("Monitors", "block", lock));
        assertEquals(List.of("monitorEnter", "monitorExit"), rt.names());
    }

    @Test
    void nestedBlocksPairEnterAndExit() throws Throwable
    {
        install("Monitors");
        final Object a = sharedLock();
        final Object b = sharedLock();
        assertEquals(11, call("Monitors", "nested", a, b));
        assertEquals(List.of("monitorEnter", "monitorEnter", "monitorExit", "monitorExit"), rt.names());
        assertSame(a, rt.calls.get(0).arg());
        assertSame(b, rt.calls.get(1).arg());
        assertSame(b, rt.calls.get(2).arg());
        assertSame(a, rt.calls.get(3).arg());
    }

    @Test
    void blockThatThrowsStillExitsOnce() throws Throwable
    {
        install("Monitors");
        final Object lock = sharedLock();
        assertThrows(IllegalStateException.class, () -> call("Monitors", "blockThrows", lock));
        assertEquals(List.of("monitorEnter", "monitorExit"), rt.names());
        assertFalse(Thread.holdsLock(lock));
    }

    @Test
    void synchronizedInstanceMethodEntersAndExitsThis() throws Throwable
    {
        install("Monitors");
        final Object m = newInstance("Monitors");
        setState(m, DIRTY);
        assertEquals(true, callOn(m, "syncMethod"));
        assertEquals(1, get(m, "count"));
        assertEquals(List.of("monitorEnter", "monitorExit"), rt.names());
        assertSame(m, rt.calls.get(0).arg());
        assertSame(m, rt.calls.get(1).arg());
        rt.clear();
        assertEquals(8L, callOn(m, "syncLong", 4L));
        assertEquals(4L, callOn(m, "syncLong", -4L));
        assertEquals(List.of("monitorEnter", "monitorExit", "monitorEnter", "monitorExit"), rt.names());
    }

    @Test
    void synchronizedMethodThatThrowsExitsOnce() throws Throwable
    {
        install("Monitors");
        final Object m = newInstance("Monitors");
        setState(m, DIRTY);
        assertThrows(IllegalStateException.class, () -> callOn(m, "syncThrows"));
        assertEquals(List.of("monitorEnter", "monitorExit"), rt.names());
        assertFalse(Thread.holdsLock(m));
    }

    @Test
    void synchronizedMethodOnLocalObjectDoesNotCallTheRuntime() throws Throwable
    {
        install("Monitors");
        final Object m = newInstance("Monitors");
        assertEquals(true, callOn(m, "syncMethod"));
        assertThrows(IllegalStateException.class, () -> callOn(m, "syncThrows"));
        assertEquals(List.of(), rt.names());
    }

    @Test
    void staticSynchronizedMethodUsesTheClass() throws Throwable
    {
        final Class<?> c = cls("Monitors");
        install();
        assertEquals(true, call("Monitors", "staticSync"));
        assertThrows(IllegalStateException.class, () -> call("Monitors", "staticSyncThrows"));
        assertEquals(List.of("monitorEnter", "monitorExit", "monitorEnter", "monitorExit"), rt.names());
        for (final RecordingRuntime.Call call : rt.calls)
        {
            assertSame(c, call.arg());
        }
    }

    /**
     * BUG (lock order): a synchronized block takes the cluster lock and then the JVM monitor, but a synchronized
     * method holds the JVM monitor (ACC_SYNCHRONIZED) when it calls Ssi.monitorEnter. With Locks.enter, which makes
     * a newcomer wait while a revoke is pending and another local thread holds the token, a thread in a synchronized
     * method can wait for the token while holding the JVM monitor that a thread in a synchronized block (holding the
     * token) waits for: deadlock.
     */
    @Test
    void synchronizedMethodTakesClusterLockBeforeTheJvmMonitorLikeABlock() throws Throwable
    {
        install("Monitors");
        final Object m = newInstance("Monitors");
        setState(m, DIRTY);
        callOn(m, "syncMethod");
        assertEquals("monitorEnter", rt.calls.get(0).what());
        assertFalse(rt.calls.get(0).heldMonitor(),
            "Ssi.monitorEnter must run before the JVM monitor is taken, as for synchronized blocks " +
            "(consistent lock order cluster lock -> JVM monitor)");
        assertFalse(rt.calls.get(1).heldMonitor(),
            "Ssi.monitorExit must run after the JVM monitor is released, as for synchronized blocks");
    }

    /**
     * BUG: the monitorExit call inserted before each return of a synchronized method lies inside the catch-all
     * range that the rewriter adds for the exceptional exit: if the runtime's monitorExit throws, it is called a
     * second time from the handler.
     */
    @Test
    void failingMonitorExitInSynchronizedMethodIsNotRepeated() throws Throwable
    {
        install("Monitors");
        final Object m = newInstance("Monitors");
        setState(m, DIRTY);
        final IllegalStateException failure = new IllegalStateException("hand-over failed");
        rt.onMonitorExit = o ->
        {
            throw failure;
        };
        final Throwable thrown = assertThrows(Throwable.class, () -> callOn(m, "syncMethod"));
        assertSame(failure, thrown);
        assertEquals(List.of("monitorEnter", "monitorExit"), rt.names(), "monitorExit called once");
        assertFalse(Thread.holdsLock(m));
    }

    /**
     * BUG: the monitorExit call inserted after a block's monitorexit lies inside javac's catch-all range of the
     * synchronized block (which also covers the handler's own monitorexit). If the runtime's monitorExit throws
     * (or a StackOverflowError hits at that call), the handler runs monitorexit on a monitor the thread no longer
     * owns: IllegalMonitorStateException, caught by the same handler, forever. Runs in a child JVM because the
     * looping thread cannot be stopped.
     */
    @Test
    @Timeout(30)
    void failingMonitorExitAfterBlockDoesNotLoopForever() throws Exception
    {
        final String result = MonitorExitFailureMain.runInChildJvm();
        assertTrue(result.startsWith("THREW java.lang.IllegalStateException: hand-over failed"),
            "expected the runtime's exception to propagate once; child JVM said: " + result);
    }
}
