package io.ssijava.agent.rewrite;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The program's main and a Thread subclass's run() hand their bodies to the facade; unnamed threads get names. */
@Timeout(10)
class MovableBodiesRewriteTest extends RewriteTestSupport
{
    /** The input class as the rewriting loader names it. */
    private static final String MAIN = RewritingLoader.PKG + "MainProgram";

    @AfterEach
    void noMainClass()
    {
        ClassRewriter.mainClass(null);
    }

    @Test
    void theMainClassesMainRunsItsBodyThroughRunMainOnTheCallingThread() throws Throwable
    {
        ClassRewriter.mainClass(MAIN);
        install("MainProgram");
        final Object[] seen = (Object[])cls("MainProgram").getField("SEEN").get(null);
        cls("MainProgram").getMethod("main", String[].class).invoke(null, (Object)new String[] {"hello"});
        assertEquals(1, rt.calls("runMain").size());
        assertEquals("hello", seen[0]);
        assertSame(Thread.currentThread(), seen[1]);
        final java.lang.reflect.Method original = cls("MainProgram").getDeclaredMethod(MovableBodies.MAIN,
            String[].class);
        assertTrue(Modifier.isPrivate(original.getModifiers()) && Modifier.isStatic(original.getModifiers()));
    }

    @Test
    void anotherClassesMainIsLeftAsItIs() throws Throwable
    {
        install("MainProgram");
        cls("MainProgram").getMethod("main", String[].class).invoke(null, (Object)new String[] {"x"});
        assertEquals(0, rt.calls("runMain").size());
    }

    @Test
    void unnamedThreadsOfTheProgramAreNamedThroughTheFacade() throws Throwable
    {
        install("ThreadOps", "Worker");
        final Thread w = (Thread)newInstance("Worker");
        assertTrue(w.getName().startsWith("Thread-"), w.getName());
        assertEquals(1, rt.calls("threadName").size());
    }
}
