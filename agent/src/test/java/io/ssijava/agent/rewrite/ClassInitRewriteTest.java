package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Class initializers run once in the cluster; elsewhere the static values are fetched. */
@Timeout(10)
class ClassInitRewriteTest extends RewriteTestSupport
{
    @Test
    void withoutRuntimeTheInitializerRuns() throws Throwable
    {
        final Class<?> c = cls("Init");
        assertEquals(List.of("Init.d", "Init.<clinit>"), Probe.LOG);
        assertEquals("1,2,orig,Init.d,true,2,g", call("Init", "dump"));
        assertEquals(1.5, call("Init", "firstF"));
        assertEquals(0, getStatic(c, "__ssi_ss"));
    }

    @Test
    void whenClinitStartSaysRunTheOriginalRunsAndClinitDoneIsCalled() throws Throwable
    {
        install();
        final Class<?> c = cls("Init");
        assertEquals(List.of("Init.d", "Init.<clinit>"), Probe.LOG);
        assertEquals(List.of("clinitStart", "clinitDone"),
            rt.calls.stream().filter(x -> x.arg() == c).map(RecordingRuntime.Call::what).toList());
        assertEquals(0, rt.count("fetchStatics"));
        assertEquals("1,2,orig,Init.d,true,2,g", call("Init", "dump"));
    }

    @Test
    void whenClinitStartSaysFetchTheValuesAreStoredSortedByNameAndTheBodyDoesNotRun() throws Throwable
    {
        final double[] f = {9.5};
        final Object d = new Object()
        {
            @Override
            public String toString()
            {
                return "fetched-d";
            }
        };
        // sorted by field name: a(long) b(int) c(String) d(final Object) e(boolean) f(double[]) g(char)
        final Object[] values = {10L, 20, "fetched", d, false, f, 'x'};
        rt.clinitStart = k -> !k.getSimpleName().equals("Init");
        rt.fetchStatics = k -> values;
        install();
        final Class<?> c = cls("Init");
        assertEquals(List.of(), Probe.LOG, "the original initializer must not run");
        assertEquals(List.of("clinitStart", "fetchStatics", "clinitFetched"),
            rt.calls.stream().filter(x -> x.arg() == c).map(RecordingRuntime.Call::what).toList());
        assertEquals(10L, getStatic(c, "a"));
        assertEquals(20, getStatic(c, "b"));
        assertEquals("fetched", getStatic(c, "c"));
        assertSame(d, getStatic(c, "d"), "final statics are fetched too");
        assertEquals(false, getStatic(c, "e"));
        assertSame(f, getStatic(c, "f"));
        assertEquals('x', getStatic(c, "g"));
        assertEquals("10,20,fetched,fetched-d,false,1,x", call("Init", "dump"));
        assertEquals(9.5, call("Init", "firstF"), "the class's array guards are set up on the fetch path too");
    }

    @Test
    void classWithoutStaticsHasNoClusterInitializer() throws Throwable
    {
        install();
        cls("Plain");
        cls("Fields");
        assertEquals(0, rt.count("clinitStart"));
    }

    @Test
    void enumInitializerRunsLocally() throws Throwable
    {
        install();
        final Class<?> c = cls("Color");
        assertEquals(3, c.getEnumConstants().length);
        assertEquals(0, rt.calls.stream().filter(x -> x.arg() == c).count());
    }

    @Test
    void interfaceStaticsAreFetchedToo() throws Throwable
    {
        final int[] table = {7, 8, 9};
        rt.clinitStart = k -> !k.getSimpleName().equals("Shape");
        rt.fetchStatics = k -> new Object[] {List.of("fetched"), table};
        install();
        final Class<?> shape = cls("Shape");
        assertEquals(List.of("fetched"), getStatic(shape, "NAMES"));
        assertArrayEquals(table, (int[])getStatic(shape, "TABLE"));
        cls("Square");
        assertEquals("fetched:4.0:9", callOn(call("Shape", "square", 2.0), "describe"));
    }
}
