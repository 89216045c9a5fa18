package io.ssijava.agent.jdk;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.MethodNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Methods that the instrumented copy of java.base adds to JDK classes, taken from templates compiled in this module
 * ({@link CyclicBarrierMoves}, {@link ThreadPoolExecutorMoves}, {@link FutureTaskMoves}, {@link RunnableAdapterMoves}).
 * A template declares the fields and private methods its code uses with the JDK's names and types, and a stand-in
 * for each nested or enclosing class it touches; its {@code ssi$} methods are copied into the JDK class with the
 * template's names mapped to the JDK's, and so are the facade's interfaces ({@code io.ssijava.rt}) it implements,
 * through which ssi-java's code calls them. They are only added if the JDK class (and each other class named) has
 * every field and method the template declares, so that a JDK whose class differs keeps its own behaviour (the wait
 * or the worker stays pinned) rather than failing when the method runs.
 */
final class JdkAdditions
{
    private static final String PREFIX = "ssi$";

    /** JDK class, its template, and the template's stand-ins for the JDK's nested classes. */
    private record Addition(String jdk, Class<?> template, Map<Class<?>, String> nested)
    {
    }

    private static final String FACADE = "io/ssijava/rt/";
    private static final String TPE = "java/util/concurrent/ThreadPoolExecutor";

    private static final List<Addition> ADDITIONS = List.of(
        new Addition("java/util/concurrent/CyclicBarrier", CyclicBarrierMoves.class,
            Map.of(CyclicBarrierMoves.Generation.class, "java/util/concurrent/CyclicBarrier$Generation")),
        new Addition(TPE + "$Worker", ThreadPoolExecutorMoves.Worker.class,
            Map.of(ThreadPoolExecutorMoves.class, TPE)),
        new Addition("java/util/concurrent/FutureTask", FutureTaskMoves.class, Map.of()),
        new Addition("java/util/concurrent/Executors$RunnableAdapter", RunnableAdapterMoves.class, Map.of()));

    private JdkAdditions()
    {
    }

    /**
     * @param internalName the JDK class.
     * @param bytes        its class file.
     * @param jdkClass     reads another class file of the JDK by internal name (null if there is none).
     * @return the class file with the template's methods added, or {@code bytes} if it has none or does not match.
     */
    static byte[] merge(final String internalName, final byte[] bytes, final Function<String, byte[]> jdkClass)
    {
        for (final Addition a : ADDITIONS)
        {
            if (a.jdk.equals(internalName))
            {
                return merge(a, bytes, jdkClass);
            }
        }
        return bytes;
    }

    private static byte[] merge(final Addition a, final byte[] bytes, final Function<String, byte[]> jdkClass)
    {
        final Map<String, String> names = new java.util.HashMap<>();
        names.put(internal(a.template), a.jdk);
        a.nested.forEach((stand, jdk) -> names.put(internal(stand), jdk));
        final SimpleRemapper remapper = new SimpleRemapper(names);

        final ClassNode target = read(bytes);
        if (!declaresAll(target, remapped(template(a.template), remapper)))
        {
            return bytes;
        }
        for (final Map.Entry<Class<?>, String> n : a.nested.entrySet())
        {
            final byte[] nested = jdkClass.apply(n.getValue());
            if (nested == null || !declaresAll(read(nested), remapped(template(n.getKey()), remapper)))
            {
                return bytes;
            }
        }
        final ClassNode added = remapped(template(a.template), remapper);
        for (final MethodNode m : added.methods)
        {
            if (m.name.startsWith(PREFIX))
            {
                target.methods.add(m);
            }
        }
        for (final String itf : added.interfaces)
        {
            if (itf.startsWith(FACADE) && !target.interfaces.contains(itf))
            {
                target.interfaces.add(itf);
            }
        }
        final ClassWriter cw = new ClassWriter(0); // the template's frames, remapped, still hold
        target.accept(cw);
        return cw.toByteArray();
    }

    /** Whether {@code jdk} has each field and each method (other than the additions and constructors) of the template. */
    private static boolean declaresAll(final ClassNode jdk, final ClassNode template)
    {
        for (final FieldNode f : template.fields)
        {
            if ((f.access & Opcodes.ACC_SYNTHETIC) == 0 &&
                jdk.fields.stream().noneMatch(j -> j.name.equals(f.name) && j.desc.equals(f.desc)))
            {
                return false;
            }
        }
        for (final MethodNode m : template.methods)
        {
            if (!m.name.startsWith(PREFIX) && !m.name.startsWith("<") && (m.access & Opcodes.ACC_SYNTHETIC) == 0 &&
                jdk.methods.stream().noneMatch(j -> j.name.equals(m.name) && j.desc.equals(m.desc)))
            {
                return false;
            }
        }
        return true;
    }

    private static ClassNode remapped(final byte[] template, final SimpleRemapper remapper)
    {
        final ClassNode out = new ClassNode();
        new ClassReader(template).accept(new ClassRemapper(out, remapper), 0);
        return out;
    }

    private static ClassNode read(final byte[] bytes)
    {
        final ClassNode out = new ClassNode();
        new ClassReader(bytes).accept(out, 0);
        return out;
    }

    private static String internal(final Class<?> c)
    {
        return c.getName().replace('.', '/');
    }

    private static byte[] template(final Class<?> c)
    {
        try (InputStream in = c.getResourceAsStream("/" + internal(c) + ".class"))
        {
            if (in == null)
            {
                throw new IllegalStateException("template class file missing: " + c.getName());
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
