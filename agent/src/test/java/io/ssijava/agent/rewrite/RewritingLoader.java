package io.ssijava.agent.rewrite;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;
import org.objectweb.asm.util.TraceClassVisitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the test input classes (compiled in {@code io.ssijava.agent.rewrite.inputs}) under the package
 * {@code rewritetest}, which is outside {@code io/ssijava/**} so that the rewriter treats them as application
 * classes, and (unless {@code rewrite} is false) passes them through {@link ClassRewriter#rewrite}. Child-first for
 * {@code rewritetest.*} only: the facade ({@code io.ssijava.rt}) and {@link Probe} come from the parent and are
 * shared with the test.
 */
final class RewritingLoader extends ClassLoader
{
    static final String SRC = "io/ssijava/agent/rewrite/inputs/";
    static final String DST = "rewritetest/";
    static final String PKG = "rewritetest.";

    private final boolean rewrite;
    private final Map<String, byte[]> rewritten = new ConcurrentHashMap<>();

    RewritingLoader(final boolean rewrite)
    {
        super(rewrite ? "rewriting" : "plain", RewritingLoader.class.getClassLoader());
        this.rewrite = rewrite;
    }

    RewritingLoader()
    {
        this(true);
    }

    /** @return the input class {@code rewritetest.<simpleName>}, rewritten, initialized. */
    Class<?> load(final String simpleName)
    {
        try
        {
            return Class.forName(PKG + simpleName, true, this);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** @return the input class, loaded but not initialized. */
    Class<?> loadUninitialized(final String simpleName)
    {
        try
        {
            return Class.forName(PKG + simpleName, false, this);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
    {
        if (!name.startsWith(PKG))
        {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name))
        {
            Class<?> c = findLoadedClass(name);
            if (c == null)
            {
                final String internal = name.replace('.', '/');
                byte[] bytes = original(internal);
                if (bytes == null)
                {
                    throw new ClassNotFoundException(name);
                }
                if (rewrite)
                {
                    bytes = ClassRewriter.rewrite(this, bytes);
                    rewritten.put(internal, bytes);
                }
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve)
            {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public InputStream getResourceAsStream(final String name)
    {
        if (name.startsWith(DST) && name.endsWith(".class"))
        {
            final byte[] bytes = original(name.substring(0, name.length() - ".class".length()));
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        }
        return super.getResourceAsStream(name);
    }

    /** The class file of an input as the rewriter sees it: compiled, renamed into {@code rewritetest}. */
    static byte[] original(final String internalName)
    {
        if (!internalName.startsWith(DST))
        {
            return null;
        }
        final String source = SRC + internalName.substring(DST.length()) + ".class";
        try (InputStream in = RewritingLoader.class.getClassLoader().getResourceAsStream(source))
        {
            if (in == null)
            {
                return null;
            }
            final ClassReader reader = new ClassReader(in);
            final ClassWriter writer = new ClassWriter(0);
            reader.accept(new ClassRemapper(writer, new Remapper(Opcodes.ASM9)
            {
                @Override
                public String map(final String name)
                {
                    return name.startsWith(SRC) ? DST + name.substring(SRC.length()) : name;
                }
            }), 0);
            return writer.toByteArray();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The bytes this loader defined for an input class (after rewriting). */
    byte[] rewrittenBytes(final String simpleName)
    {
        loadUninitialized(simpleName);
        return rewritten.get(DST + simpleName);
    }

    /** Readable bytecode, for failure messages. */
    static String textify(final byte[] bytes)
    {
        final StringWriter sw = new StringWriter();
        new ClassReader(bytes).accept(new TraceClassVisitor(new PrintWriter(sw)), 0);
        return sw.toString();
    }
}
