package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** getstatic/putstatic: the check against the class's {@code __ssi_ss}. */
@Timeout(10)
class StaticFieldRewriteTest extends RewriteTestSupport
{
    private Class<?> statics;

    private void setUpStatics()
    {
        statics = cls("Statics");
        cls("SubStatics");
        install();
    }

    private void ss(final int state)
    {
        setStatic(statics, "__ssi_ss", state);
    }

    private int ss()
    {
        return (Integer)getStatic(statics, "__ssi_ss");
    }

    @Test
    void readOfInvalidStaticsFaultsOnceAndSeesTheFetchedValue() throws Throwable
    {
        setUpStatics();
        setStatic(statics, "counter", 1);
        ss(INVALID);
        rt.onStaticReadMiss = c ->
        {
            setStatic(c, "counter", 99);
            setStatic(c, "__ssi_ss", CLEAN);
        };
        assertEquals(99, call("Statics", "getCounter"));
        assertEquals(1, rt.count("staticReadMiss", statics));
        assertEquals(99, call("Statics", "getCounter"));
        assertEquals(List.of("staticReadMiss"), rt.names());
    }

    @Test
    void readOfLocalCleanOrDirtyStaticsDoesNotCallTheRuntime() throws Throwable
    {
        setUpStatics();
        setStatic(statics, "big", 5L);
        for (final int s : new int[] {0, CLEAN, DIRTY})
        {
            ss(s);
            assertEquals(5L, call("Statics", "getBig"));
        }
        assertEquals(List.of(), rt.names());
    }

    @Test
    void writeToCleanStaticsTraps() throws Throwable
    {
        setUpStatics();
        ss(CLEAN);
        rt.onStaticWriteMiss = c -> setStatic(c, "__ssi_ss", DIRTY);
        call("Statics", "setBig", Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, getStatic(statics, "big"));
        assertEquals(1, rt.count("staticWriteMiss", statics));
        call("Statics", "setCounter", 3);
        assertEquals(3, getStatic(statics, "counter"));
        assertEquals(List.of("staticWriteMiss"), rt.names());
        ss(0);
        call("Statics", "setCounter", 4);
        assertEquals(List.of("staticWriteMiss"), rt.names(), "local statics: no trap");
    }

    @Test
    void compoundStaticUpdateReadsThenWrites() throws Throwable
    {
        setUpStatics();
        setStatic(statics, "big", 10L);
        ss(INVALID);
        rt.onStaticReadMiss = c -> setStatic(c, "__ssi_ss", CLEAN);
        rt.onStaticWriteMiss = c -> setStatic(c, "__ssi_ss", DIRTY);
        assertEquals(15L, call("Statics", "addBig", 5L));
        assertEquals(List.of("staticReadMiss", "staticWriteMiss"), rt.names());
        assertEquals(DIRTY, ss());
    }

    @Test
    void finalStaticsAreNeverChecked() throws Throwable
    {
        setUpStatics();
        ss(INVALID);
        assertSame(getStatic(statics, "FINAL_OBJ"), call("Statics", "getFinal"));
        assertEquals(List.of(), rt.names());
    }

    @Test
    void inheritedStaticChecksTheDeclaringClass() throws Throwable
    {
        setUpStatics();
        ss(INVALID);
        rt.onStaticReadMiss = c ->
        {
            setStatic(c, "counter", 12);
            setStatic(c, "__ssi_ss", CLEAN);
        };
        assertEquals(12, call("SubStatics", "readInherited"));
        assertEquals(1, rt.count("staticReadMiss", statics), "the miss names the declaring class");
        rt.onStaticWriteMiss = c -> setStatic(c, "__ssi_ss", DIRTY);
        call("SubStatics", "writeInherited", 13);
        assertEquals(1, rt.count("staticWriteMiss", statics));
        assertEquals(13, getStatic(statics, "counter"));
    }

    @Test
    void volatileStaticWriteReleasesOnlyWhenShared() throws Throwable
    {
        setUpStatics();
        call("Statics", "setVol", 1);
        assertEquals(List.of(), rt.names());
        ss(DIRTY);
        call("Statics", "setVol", 2);
        assertEquals(List.of("releaseShared"), rt.names());
        assertEquals(2, getStatic(statics, "vol"));
    }
}
