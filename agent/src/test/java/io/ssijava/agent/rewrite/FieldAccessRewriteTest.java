package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** getfield/putfield: the inlined state check and its slow paths. */
@Timeout(10)
class FieldAccessRewriteTest extends RewriteTestSupport
{
    private Object point() throws Throwable
    {
        return newInstance("Point");
    }

    /** The simulated fault: the runtime fetches the values and marks the copy valid and clean. */
    private void faultFills(final Object target, final String field, final Object value)
    {
        rt.onReadMiss = o ->
        {
            if (o == target)
            {
                set(o, field, value);
                setState(o, CLEAN);
            }
        };
    }

    @Test
    void readOfInvalidCopyFaultsOnceAndSeesTheFetchedValue() throws Throwable
    {
        install("Fields");
        final Object p = point();
        set(p, "x", 1);
        setState(p, INVALID);
        faultFills(p, "x", 42);
        assertEquals(42, call("Fields", "getX", p), "the read must happen after the fault");
        assertEquals(1, rt.count("readMiss", p));
        assertEquals(CLEAN, state(p));
        assertEquals(42, call("Fields", "getX", p));
        assertEquals(1, rt.count("readMiss", p), "valid now: no second fault");
        assertEquals(List.of("readMiss"), rt.names());
    }

    @Test
    void readOfLocalOrCleanOrDirtyCopyDoesNotCallTheRuntime() throws Throwable
    {
        install("Fields");
        final Object p = point();
        set(p, "x", 7);
        for (final int s : new int[] {0, CLEAN, DIRTY})
        {
            setState(p, s);
            assertEquals(7, call("Fields", "getX", p));
            assertEquals(0L, call("Fields", "getL", p));
            assertEquals(null, call("Fields", "getRef", p));
        }
        assertEquals(List.of(), rt.names());
    }

    @Test
    void categoryTwoFieldsReadThroughTheFault() throws Throwable
    {
        install("Fields");
        final Object p = point();
        setState(p, INVALID);
        rt.onReadMiss = o ->
        {
            set(o, "l", Long.MIN_VALUE + 3);
            set(o, "d", -0.125);
            setState(o, CLEAN);
        };
        assertEquals(Long.MIN_VALUE + 3, call("Fields", "getL", p));
        setState(p, INVALID);
        assertEquals(-0.125, call("Fields", "getD", p));
        assertEquals(2, rt.count("readMiss", p));
    }

    @Test
    void writeToCleanCopyCallsWriteMissBeforeTheWrite() throws Throwable
    {
        install("Fields");
        final Object p = point();
        set(p, "x", 3);
        setState(p, CLEAN);
        final int[] seenAtMiss = new int[1];
        rt.onWriteMiss = o ->
        {
            seenAtMiss[0] = (Integer)get(o, "x");
            setState(o, DIRTY);
        };
        call("Fields", "setX", p, 9);
        assertEquals(9, get(p, "x"));
        assertEquals(3, seenAtMiss[0], "writeMiss (twin) must see the value before the write");
        assertEquals(1, rt.count("writeMiss", p));
        call("Fields", "setX", p, 10);
        assertEquals(1, rt.count("writeMiss", p), "dirty now: no second trap");
        assertEquals(10, get(p, "x"));
    }

    @Test
    void writeToInvalidCopyAlsoTraps() throws Throwable
    {
        install("Fields");
        final Object p = point();
        setState(p, INVALID);
        call("Fields", "setRef", p, "r");
        assertEquals(1, rt.count("writeMiss", p));
        assertEquals("r", get(p, "ref"));
    }

    @Test
    void writeToLocalOrDirtyCopyDoesNotCallTheRuntime() throws Throwable
    {
        install("Fields");
        final Object p = point();
        call("Fields", "setX", p, 1);
        call("Fields", "setL", p, 2L);
        setState(p, DIRTY);
        call("Fields", "setD", p, 3.0);
        call("Fields", "setRef", p, "x");
        assertEquals(List.of(), rt.names());
        assertEquals(1, get(p, "x"));
        assertEquals(2L, get(p, "l"));
        assertEquals(3.0, get(p, "d"));
    }

    @Test
    void categoryTwoWritesAndCompoundAssignmentsKeepTheirValues() throws Throwable
    {
        install("Fields");
        final Object p = point();
        setState(p, CLEAN);
        rt.onWriteMiss = o -> setState(o, DIRTY);
        call("Fields", "setL", p, 0x1234_5678_9ABC_DEF0L);
        assertEquals(0x1234_5678_9ABC_DEF0L, get(p, "l"));
        setState(p, INVALID);
        rt.onReadMiss = o -> setState(o, CLEAN);
        assertEquals(0x1234_5678_9ABC_DEF1L, call("Fields", "addL", p, 1L));
        assertEquals(0x1234_5678_9ABC_DEF1L, get(p, "l"));
        set(p, "d", 1.5);
        setState(p, INVALID);
        assertEquals(-3.0, call("Fields", "scaleD", p, -2.0));
        assertEquals(-3.0, get(p, "d"));
        assertEquals(List.of("writeMiss", "readMiss", "writeMiss", "readMiss", "writeMiss"), rt.names());
    }

    @Test
    void accessThroughNullThrowsTheSameExceptionAndMessageAsPlainJava() throws Throwable
    {
        // the check passes a null object, so that the access itself throws, with the JVM's own helpful message
        install("Fields");
        final RewritingLoader plainLoader = new RewritingLoader(false);
        final Object none = null;
        final Object[][] calls = {{"getX"}, {"getL"}, {"getRef"}, {"setX", 1}, {"setL", 2L}, {"setD", 0.5}, {"setRef", "r"}};
        for (final Object[] c : calls)
        {
            final Object[] args = new Object[c.length];
            args[0] = none;
            System.arraycopy(c, 1, args, 1, c.length - 1);
            final Throwable plain = assertThrows(NullPointerException.class,
                () -> callStatic(plainLoader.load("Fields"), (String)c[0], args));
            final Throwable rewritten = assertThrows(NullPointerException.class, () -> call("Fields", (String)c[0], args));
            assertEquals(plain.getMessage(), rewritten.getMessage(), (String)c[0]);
        }
        assertEquals(List.of(), rt.names());
    }

    @Test
    void spillSlotsDoNotClobberLiveLocals() throws Throwable
    {
        final Object a = point();
        final Object b = point();
        set(a, "l", 100L);
        set(a, "x", 3);
        final Object plain = call("Fields", "mixed", a, b, 7L, 2.25, 11);
        install();
        setState(a, INVALID);
        setState(b, CLEAN);
        rt.onReadMiss = o -> setState(o, CLEAN);
        rt.onWriteMiss = o -> setState(o, DIRTY);
        final Object b2 = point();
        setState(b2, INVALID);
        assertEquals(plain, call("Fields", "mixed", a, b2, 7L, 2.25, 11));
        assertEquals("107/4.5/11/214/14/true/7/2.25", plain);
    }

    @Test
    void inheritedFieldOfSubclassUsesTheRootStateWord() throws Throwable
    {
        install("Fields");
        final Object s = newInstance("SubPoint");
        set(s, "x", 1);
        set(s, "y", 2);
        setState(s, INVALID);
        rt.onReadMiss = o ->
        {
            set(o, "y", 20);
            setState(o, CLEAN);
        };
        assertEquals(21, call("Fields", "getY", s));
        assertEquals(1, rt.count("readMiss", s));
        rt.onWriteMiss = o -> setState(o, DIRTY);
        call("Fields", "setY", s, 5);
        assertEquals(1, rt.count("writeMiss", s));
        assertEquals(5, get(s, "y"));
    }

    @Test
    void volatileWriteToSharedObjectReleases() throws Throwable
    {
        install("Fields");
        final Object p = point();
        call("Fields", "setV", p, 1);
        assertEquals(0, rt.count("releaseShared"), "local object: nothing to release");
        setState(p, DIRTY);
        call("Fields", "setV", p, 2);
        assertEquals(List.of("releaseShared"), rt.names());
        assertEquals(2, get(p, "v"));
        rt.clear();
        setState(p, CLEAN);
        rt.onWriteMiss = o -> setState(o, DIRTY);
        call("Fields", "setVl", p, 5L);
        assertEquals(List.of("writeMiss", "releaseShared"), rt.names(), "trap before, release after the write");
        assertEquals(5L, get(p, "vl"));
    }

    @Test
    void volatileReadOfInvalidCopyFaults() throws Throwable
    {
        install("Fields");
        final Object p = point();
        setState(p, INVALID);
        faultFills(p, "v", 8);
        assertEquals(8, call("Fields", "getV", p));
        assertEquals(1, rt.count("readMiss", p));
    }

    @Test
    void constructorAccessesToThisAreNotChecked() throws Throwable
    {
        install("Point");
        // half-way through the constructor the object becomes (as far as its state word says) an invalid copy:
        // the constructor's own reads and writes of this must not trap (the object under construction is local)
        Probe.hook = o -> setState(o, INVALID);
        final Object p = newInstance("Point", 4);
        assertEquals(5, get(p, "x"));
        assertEquals(50L, get(p, "l"));
        assertEquals(12.5, get(p, "d"));
        assertEquals(List.of(), rt.names());
    }

    @Test
    void copyConstructorChecksTheOtherObject() throws Throwable
    {
        install("Point", "SubPoint");
        final Object other = point();
        set(other, "x", 1);
        setState(other, INVALID);
        rt.onReadMiss = o ->
        {
            set(o, "x", 6);
            set(o, "l", 60L);
            set(o, "d", 0.5);
            set(o, "ref", "r");
            setState(o, CLEAN);
        };
        final Object copy = newInstance("Point", other);
        assertEquals(1, rt.count("readMiss", other));
        assertEquals(6, get(copy, "x"));
        assertEquals(60L, get(copy, "l"));
        assertEquals(0.5, get(copy, "d"));
        assertEquals("r", get(copy, "ref"));
        assertEquals(0, state(copy));
        assertEquals(List.of("readMiss"), rt.names());

        setState(other, INVALID);
        final Object sub = newInstance("SubPoint", other, 1);
        assertEquals(7, get(sub, "y"));
        assertEquals(6, get(sub, "x"));
        assertTrue(rt.count("readMiss", other) >= 2);
        assertEquals(0, rt.count("writeMiss"));
        assertSame(null, rt.calls.stream().filter(c -> c.arg() == sub).findAny().orElse(null));
    }
}
