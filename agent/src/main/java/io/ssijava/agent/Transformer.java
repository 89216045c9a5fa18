package io.ssijava.agent;

import io.ssijava.agent.jit.InlineHints;
import io.ssijava.agent.rewrite.ClassRewriter;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rewrites every application class as it is loaded. Never throws: a class that cannot be rewritten is reported once
 * on stderr with its name and the reason, and is loaded with as much of the rewriting as could be applied (at least
 * its state field, so that other rewritten classes can still link against it).
 */
final class Transformer implements ClassFileTransformer
{
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final boolean verbose;

    Transformer(final boolean verbose)
    {
        this.verbose = verbose;
    }

    @Override
    public byte[] transform(final ClassLoader loader, final String className, final Class<?> classBeingRedefined,
        final ProtectionDomain protectionDomain, final byte[] classfileBuffer)
    {
        if (loader == null || classBeingRedefined != null || !ClassRewriter.isApplicationClass(className) ||
            loader == ClassLoader.getPlatformClassLoader())
        {
            return null;
        }
        try
        {
            final byte[] out = ClassRewriter.rewrite(loader, classfileBuffer);
            InlineHints.rewritten(className, classfileBuffer, out);
            if (verbose)
            {
                System.err.println("ssi-java: rewrote " + className.replace('/', '.'));
            }
            return out;
        }
        catch (final Throwable ex)
        {
            report(className, ex);
            try
            {
                return ClassRewriter.rewriteStructureOnly(loader, classfileBuffer);
            }
            catch (final Throwable ex2)
            {
                return null;
            }
        }
    }

    private void report(final String className, final Throwable ex)
    {
        if (reported.add(className))
        {
            System.err.println("ssi-java: class " + className.replace('/', '.') + " is not rewritten (" + ex +
                "); its objects are not kept consistent across nodes");
        }
    }
}
