package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** wait/notify, Thread start/join/isAlive, exit, identity hash codes and Object.clone go through the facade. */
@Timeout(10)
class CallRedirectRewriteTest extends RewriteTestSupport
{
    @Test
    void waitAndNotifyOnSharedObjectGoToTheRuntime() throws Throwable
    {
        install("Monitors");
        final Object o = newInstance("Plain");
        setState(o, DIRTY);
        call("Monitors", "waitNotify", o);
        assertEquals(List.of("monitorEnter", "await", "await", "notify", "notifyAll", "monitorExit"), rt.names());
        assertEquals("1ms+0ns", rt.calls("await").get(0).extra());
        assertEquals("1ms+5ns", rt.calls("await").get(1).extra());
        for (final RecordingRuntime.Call c : rt.calls)
        {
            assertSame(o, c.arg());
        }
        assertTrue(rt.calls("await").get(0).heldMonitor(), "wait is called with the JVM monitor held");
    }

    @Test
    void waitAndNotifyOnLocalObjectUseTheJvm() throws Throwable
    {
        install("Monitors");
        final Object o = newInstance("Plain");
        call("Monitors", "waitNotify", o);
        assertEquals(List.of(), rt.names());
    }

    @Test
    void waitWithoutRuntimeReallyWaitsAndIsWokenByRewrittenNotify() throws Throwable
    {
        final Object o = newInstance("Plain");
        final Thread waiter = new Thread(() ->
        {
            try
            {
                call("Monitors", "waitForever", o);
            }
            catch (final Throwable ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        waiter.setDaemon(true);
        waiter.start();
        while (waiter.getState() != Thread.State.WAITING)
        {
            Thread.sleep(1);
        }
        final Runnable r = () -> { };
        call("Monitors", "notifyThroughInterface", r);
        synchronized (o)
        {
            o.notifyAll();
        }
        waiter.join(5000);
        assertFalse(waiter.isAlive());
    }

    @Test
    void notifyThroughInterfaceTypedReceiverIsRedirected() throws Throwable
    {
        install("Monitors");
        final Runnable r = () -> { };
        call("Monitors", "notifyThroughInterface", r);
        // a lambda is not Managed: the runtime decides
        assertEquals(List.of("monitorEnter", "notifyAll", "monitorExit"), rt.names());
    }

    @Test
    void threadStartJoinIsAliveOnThread() throws Throwable
    {
        install("ThreadOps");
        final boolean[] ran = new boolean[1];
        final Thread t = new Thread(() -> ran[0] = true);
        assertEquals(false, call("ThreadOps", "startJoin", t));
        assertTrue(ran[0]);
        assertEquals(List.of("threadStart", "threadJoin", "threadIsAlive"), rt.names());
        assertEquals(0L, rt.calls("threadJoin").get(0).extra());
        for (final RecordingRuntime.Call c : rt.calls)
        {
            assertSame(t, c.arg());
        }
    }

    @Test
    void threadStartJoinIsAliveOnSubclass() throws Throwable
    {
        install("ThreadOps", "Worker");
        final Thread w = (Thread)newInstance("Worker");
        assertEquals(false, call("ThreadOps", "startJoinWorker", w));
        assertEquals(true, get(w, "ran"));
        // its constructor asked for its name; its run() hands its body (a lambda) to the facade on the worker's own
        // thread, during the join
        assertEquals(1, rt.calls("threadName").size());
        assertEquals(1, rt.calls("runThread").size());
        assertSame(w, rt.calls("runThread").get(0).arg());
        assertEquals(1, rt.calls("lambdaCreated").size());
        assertEquals(List.of("threadStart", "threadJoin", "threadIsAlive"), rt.names().stream()
            .filter(n -> !n.equals("threadName") && !n.equals("runThread") && !n.equals("lambdaCreated")).toList());
        assertEquals(10_000L, rt.calls("threadJoin").get(0).extra());
    }

    @Test
    void threadCallsWithoutRuntimeBehaveAsBefore() throws Throwable
    {
        final Thread w = (Thread)newInstance("Worker");
        assertEquals(false, call("ThreadOps", "startJoinWorker", w));
        assertEquals(true, get(w, "ran"));
        assertEquals(false, call("ThreadOps", "alive", w));
    }

    @Test
    void overriddenStartIsKeptAndItsSuperStartIsRedirected() throws Throwable
    {
        install("ThreadOps", "CustomStart");
        final Thread c = (Thread)newInstance("CustomStart");
        call("ThreadOps", "startCustom", c);
        assertEquals(1, get(c, "overrideRuns"), "the override runs");
        assertEquals(true, get(c, "ran"));
        assertEquals(1, rt.count("threadStart", c), "super.start() reaches the runtime");
    }

    /**
     * BUG: CustomStart.start() calls super.start(), rewritten to Ssi.threadStart(this); with no runtime installed
     * Ssi.threadStart calls t.start() -- virtually, i.e. the override again -- and so on: StackOverflowError.
     * (NodeRuntime's ClusterThreads.start does the same t.start() for a local placement.)
     */
    @Test
    void overriddenStartWorksWithoutRuntime() throws Throwable
    {
        final Thread c = (Thread)newInstance("CustomStart");
        call("ThreadOps", "startCustom", c);
        assertEquals(1, get(c, "overrideRuns"));
        assertEquals(true, get(c, "ran"));
    }

    /**
     * BUG: a CustomStart whose static type is Thread: invokevirtual Thread.start() is replaced by Ssi.threadStart(t)
     * unconditionally, so with a runtime (that starts the JVM thread itself) the user's start() override never
     * runs. Virtual dispatch must still reach the override.
     */
    @Test
    void overriddenStartRunsWhenCalledThroughThreadType() throws Throwable
    {
        install("ThreadOps", "CustomStart");
        final Thread c = (Thread)newInstance("CustomStart");
        call("ThreadOps", "startAsThread", c);
        assertEquals(true, get(c, "ran"));
        assertEquals(1, rt.count("threadStart", c));
        assertEquals(1, get(c, "overrideRuns"), "the start() override must run");
    }

    @Test
    void systemExitAndRuntimeExitGoToTheRuntime() throws Throwable
    {
        install("ThreadOps");
        assertEquals("after", call("ThreadOps", "exit", 3));
        assertEquals("after", call("ThreadOps", "runtimeExit", 4));
        assertEquals(List.of("exit", "exit"), rt.names());
        assertEquals(3, rt.calls.get(0).extra());
        assertEquals(4, rt.calls.get(1).extra());
    }

    @Test
    void systemIdentityHashCodeGoesThroughTheFacade() throws Throwable
    {
        install("ThreadOps");
        final Object local = newInstance("Plain");
        final Object shared = newInstance("WithHash");
        setState(shared, CLEAN);
        final Object jdk = "a JDK value";
        final Object plain = new Object();
        assertEquals(System.identityHashCode(local), call("ThreadOps", "identity", local));
        assertEquals(System.identityHashCode(jdk), call("ThreadOps", "identity", jdk));
        assertEquals(RecordingRuntime.HASH, call("ThreadOps", "identity", shared),
            "even a class with its own hashCode has the home node's identity hash");
        assertEquals(0, call("ThreadOps", "identity", (Object)null));
        assertEquals(List.of("identityHashCode"), rt.names());
        // plain objects and arrays carry no state word: the runtime decides (they may be shared)
        assertEquals(RecordingRuntime.HASH, call("ThreadOps", "identity", plain));
        assertEquals(List.of("identityHashCode", "identityHashCode"), rt.names());
    }

    @Test
    void hashCodeOnAnObjectTypedReceiverHashesPlainObjectsAndArraysByIdentityAndDispatchesTheRest() throws Throwable
    {
        install("ThreadOps");
        final Object shared = newInstance("WithHash");
        setState(shared, CLEAN);
        assertEquals("abc".hashCode(), call("ThreadOps", "hash", "abc"));
        assertEquals(42, call("ThreadOps", "hash", 42));
        assertEquals(77, call("ThreadOps", "hash", shared), "a class's own hashCode is called");
        assertEquals(List.of(), rt.names());
        // plain objects and arrays carry no state word: the runtime decides (they may be shared)
        assertEquals(RecordingRuntime.HASH, call("ThreadOps", "hash", new Object()));
        assertEquals(RecordingRuntime.HASH, call("ThreadOps", "hash", (Object)new int[3]));
        assertEquals(List.of("identityHashCode", "identityHashCode"), rt.names());
        assertThrows(NullPointerException.class, () -> call("ThreadOps", "hash", (Object)null));
        // the virtual call stays at the call site, where it keeps the site's own type profile
        final String code = RewritingLoader.textify(loader.rewrittenBytes("ThreadOps"));
        assertTrue(code.contains("INVOKEVIRTUAL java/lang/Object.hashCode ()I"), code);
    }

    @Test
    void cloneOfSharedObjectFaultsTheOriginalAndReturnsALocalCopy() throws Throwable
    {
        install("Cl");
        final Object o = newInstance("Cl");
        setState(o, INVALID);
        rt.onReadMiss = x ->
        {
            set(x, "v", 31);
            setState(x, CLEAN);
        };
        final Object copy = callOn(o, "copy");
        assertNotSame(o, copy);
        assertEquals(31, get(copy, "v"), "the clone copies the fetched values");
        assertEquals(0, state(copy), "the clone is a new local object");
        assertEquals(CLEAN, state(o));
        assertEquals(1, rt.count("readMiss", o));
    }

    /**
     * BUG (minor, performance): the rewriter emits an unconditional Ssi.readMiss(this) before Object.clone(), so
     * every clone of a local (or valid) object takes the runtime's slow path (NodeRuntime: a metaOf lookup). Other
     * reads emit the inline {@code state >= 0} check first.
     */
    @Test
    void cloneOfLocalOrValidObjectDoesNotCallTheRuntime() throws Throwable
    {
        install("Cl");
        final Object o = newInstance("Cl");
        callOn(o, "copy");
        setState(o, CLEAN);
        callOn(o, "copy");
        assertEquals(List.of(), rt.names());
    }

    @Test
    void cloneWithoutRuntime() throws Throwable
    {
        final Object o = newInstance("Cl");
        set(o, "v", 2);
        final Object copy = callOn(o, "copy");
        assertEquals(2, get(copy, "v"));
        assertEquals(0, state(copy));
    }
}
