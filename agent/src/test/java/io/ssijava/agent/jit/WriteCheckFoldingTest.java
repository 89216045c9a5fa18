package io.ssijava.agent.jit;

import io.ssijava.rt.ArrayGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The class that the agent puts in place of ArrayWriteSite while a node has no shared array, and the original. */
class WriteCheckFoldingTest
{
    @AfterEach
    void noTrappedArrays()
    {
        ArrayGuard.trappedArrays = 0;
    }

    /** Defines one version of ArrayWriteSite in a loader of its own (ArrayGuard comes from the test's loader). */
    private static int trapped(final byte[] classFile) throws Exception
    {
        return call(classFile, "trapped");
    }

    private static int call(final byte[] classFile, final String method) throws Exception
    {
        final ClassLoader loader = new ClassLoader(WriteCheckFoldingTest.class.getClassLoader())
        {
            @Override
            protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
            {
                if (name.equals("io.ssijava.rt.ArrayWriteSite"))
                {
                    synchronized (getClassLoadingLock(name))
                    {
                        final Class<?> done = findLoadedClass(name);
                        return done != null ? done : defineClass(name, classFile, 0, classFile.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        final Method m = loader.loadClass("io.ssijava.rt.ArrayWriteSite").getMethod(method);
        return (int)m.invoke(null);
    }

    @Test
    void theFoldedSiteAnswersZeroWhateverTheCountAndTheOriginalReadsItOrHoists() throws Exception
    {
        final byte[] original = WriteCheckFolding.original();
        ArrayGuard.trappedArrays = 5;
        assertEquals(5, trapped(original));
        assertEquals(0, trapped(WriteCheckFolding.folded(original)));
        assertEquals(1, call(original, "hoisting"));
        assertEquals(0, call(WriteCheckFolding.folded(original), "hoisting"));
        // redefinition takes new bodies only: the same fields and methods
        assertEquals(ClassFiles.members(original), ClassFiles.members(WriteCheckFolding.folded(original)));
    }
}
