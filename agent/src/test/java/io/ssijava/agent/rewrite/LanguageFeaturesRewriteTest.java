package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambdas, string concatenation, inner classes, enums, records and interfaces after rewriting. */
@Timeout(10)
class LanguageFeaturesRewriteTest extends RewriteTestSupport
{
    @Test
    void lambdaCreationSiteReportsItsSiteAndReturnsTheSameObject() throws Throwable
    {
        install("Lambdas");
        @SuppressWarnings("unchecked")
        final Supplier<String> s = (Supplier<String>)call("Lambdas", "capture", "hi");
        assertEquals("hi!", s.get());
        assertEquals(1, rt.count("lambdaCreated", s), "the returned object is the one reported");
        final int site = (Integer)rt.calls("lambdaCreated").get(0).extra();
        final Object recorded = siteOf(site);
        assertEquals("rewritetest/Lambdas", read(recorded, "host"));
        assertEquals("get", read(recorded, "samName"));
        assertEquals("()Ljava/lang/Object;", read(recorded, "samDescriptor"));

        @SuppressWarnings("unchecked")
        final Function<String, Integer> f = (Function<String, Integer>)call("Lambdas", "methodRef");
        assertEquals(4, f.apply("four"));
        final int site2 = (Integer)rt.calls("lambdaCreated").get(1).extra();
        assertTrue(site2 != site);
        assertEquals("length", read(siteOf(site2), "implName"));
        assertEquals(read(recorded, "index"), 0);
        assertEquals(read(siteOf(site2), "index"), 1);

        final int[] box = {0};
        final Runnable r = (Runnable)call("Lambdas", "serializable", (Object)box);
        r.run();
        assertEquals(1, box[0]);
        assertEquals(1, rt.count("lambdaCreated", r), "altMetafactory sites too");
        assertTrue(r instanceof java.io.Serializable);

        call("Lambdas", "capture", "again");
        assertEquals(site, (Integer)rt.calls("lambdaCreated").get(3).extra(), "same site, same id");
    }

    @Test
    void stringConcatenationIsUntouched() throws Throwable
    {
        install("Lambdas");
        assertEquals("a1-2-3.5-null", call("Lambdas", "concat", "a", 1, 2L, 3.5, null));
        assertEquals(List.of(), rt.names());
        assertTrue(bytecode("Lambdas").contains("makeConcatWithConstants"));
    }

    @Test
    void scenarioGivesTheSameResultRewrittenAndPlain() throws Throwable
    {
        final RewritingLoader plain = new RewritingLoader(false);
        final Object expected = plain.load("Scenario").getMethod("run").invoke(null);
        final Object actual = call("Scenario", "run");
        assertEquals(expected, actual);
        assertTrue(((String)actual).contains("4000,8000,4000"), actual.toString());
    }

    @Test
    void scenarioRunsWithARuntimeInstalledAndOnlyLocalObjects() throws Throwable
    {
        final RewritingLoader plain = new RewritingLoader(false);
        final Object expected = plain.load("Scenario").getMethod("run").invoke(null);
        rt.startThreads = true;
        install();
        final Object actual = call("Scenario", "run");
        assertEquals(expected, actual);
        // everything is local: field and monitor slow paths never run
        // (Object.clone() of a local object is the exception, see CallRedirectRewriteTest)
        rt.calls.removeIf(c -> c.what().equals("readMiss") && c.arg().getClass().getSimpleName().equals("Cl"));
        for (final String never : List.of("readMiss", "writeMiss", "staticReadMiss", "staticWriteMiss",
            "monitorEnter", "monitorExit", "releaseShared", "identityHashCode"))
        {
            assertEquals(0, rt.count(never), never + ": " + rt.calls(never));
        }
        assertTrue(rt.count("threadStart") >= 5);
        assertTrue(rt.count("lambdaCreated") >= 3);
    }

    @Test
    void innerClassesAccessTheirOuterInstanceThroughChecks() throws Throwable
    {
        install("Outer");
        final Object outer = newInstance("Outer");
        final Class<?> innerClass = cls("Outer$Inner");
        final Object inner = innerClass.getConstructor(cls("Outer"), int.class).newInstance(outer, 3);
        setState(outer, INVALID);
        rt.onReadMiss = o ->
        {
            set(o, "secret", 100);
            setState(o, CLEAN);
        };
        rt.onWriteMiss = o -> setState(o, DIRTY);
        assertEquals(103, callOn(inner, "peek"));
        assertEquals(1, rt.count("readMiss", outer));
        assertEquals(1, rt.count("writeMiss", outer));
        assertEquals(106, callOn(outer, "viaAnonymous", 3));
        assertEquals(206, callOn(outer, "viaLocalClass"));
    }

    @Test
    void innerClassConstructorsStoreOuterBeforeSuperWithoutChecks() throws Throwable
    {
        final Object outer = newInstance("Outer");
        final Object inner = cls("Outer$Inner").getConstructor(cls("Outer"), int.class).newInstance(outer, 1);
        final Field f = field(inner.getClass(), "this$0");
        assertSame(outer, f.get(inner));
    }

    private static Object siteOf(final int id) throws Exception
    {
        final Class<?> sites = Class.forName("io.ssijava.dsm.LambdaSites");
        final Object instance = sites.getField("INSTANCE").get(null);
        final Field list = sites.getDeclaredField("sites");
        list.setAccessible(true);
        synchronized (instance)
        {
            return ((List<?>)list.get(instance)).get(id);
        }
    }

    private static Object read(final Object o, final String name)
    {
        return get(o, name);
    }
}
