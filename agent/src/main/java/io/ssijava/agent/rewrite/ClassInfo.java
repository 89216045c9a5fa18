package io.ssijava.agent.rewrite;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the rewriter needs to know about other classes (super class, interface flag, fields and their flags,
 * declared methods) without loading them: read from the class files through the defining loader's resources.
 */
final class ClassInfo
{
    private static final Map<ClassLoader, Map<String, ClassInfo>> CACHE = new ConcurrentHashMap<>();
    private static final ClassLoader BOOT_KEY = new ClassLoader(null)
    {
    };

    final String name;
    final String superName;
    final boolean isInterface;
    /** field name -> access flags. */
    final Map<String, Integer> fields = new HashMap<>();
    /** name + descriptor of declared methods. */
    final Set<String> methods = new HashSet<>();

    private ClassInfo(final String name, final String superName, final boolean isInterface)
    {
        this.name = name;
        this.superName = superName;
        this.isInterface = isInterface;
    }

    static ClassInfo of(final ClassLoader loader, final String name)
    {
        final ClassLoader key = loader == null ? BOOT_KEY : loader;
        final Map<String, ClassInfo> perLoader = CACHE.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        final ClassInfo known = perLoader.get(name);
        if (known != null)
        {
            return known;
        }
        final ClassInfo info = read(loader, name);
        if (info != null)
        {
            perLoader.put(name, info);
        }
        return info;
    }

    /** Registers a class being transformed now (its bytes are at hand, its resource may not be). */
    static ClassInfo register(final ClassLoader loader, final byte[] bytes)
    {
        final ClassInfo info = parse(new ClassReader(bytes));
        CACHE.computeIfAbsent(loader == null ? BOOT_KEY : loader, k -> new ConcurrentHashMap<>()).put(info.name, info);
        return info;
    }

    private static ClassInfo read(final ClassLoader loader, final String name)
    {
        final String resource = name + ".class";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource) :
            ClassLoader.getSystemResourceAsStream(resource))
        {
            if (in == null)
            {
                return null;
            }
            return parse(new ClassReader(in));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private static ClassInfo parse(final ClassReader reader)
    {
        final ClassInfo[] out = new ClassInfo[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9)
        {
            @Override
            public void visit(final int version, final int access, final String name, final String signature,
                final String superName, final String[] interfaces)
            {
                out[0] = new ClassInfo(name, superName, (access & Opcodes.ACC_INTERFACE) != 0);
            }

            @Override
            public FieldVisitor visitField(final int access, final String name, final String descriptor,
                final String signature, final Object value)
            {
                out[0].fields.put(name, access);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(final int access, final String name, final String descriptor,
                final String signature, final String[] exceptions)
            {
                out[0].methods.add(name + descriptor);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return out[0];
    }

    /** Finds the class that declares a field, walking up from {@code owner}; null if unknown. */
    static ClassInfo declaringClass(final ClassLoader loader, final String owner, final String field)
    {
        String c = owner;
        int guard = 0;
        while (c != null && guard++ < 64)
        {
            final ClassInfo info = of(loader, c);
            if (info == null)
            {
                return null;
            }
            if (info.fields.containsKey(field))
            {
                return info;
            }
            c = info.superName;
        }
        return null;
    }

    /** @return whether {@code name} is java.lang.Thread or a subclass of it. */
    static boolean isThread(final ClassLoader loader, final String name)
    {
        String c = name;
        int guard = 0;
        while (c != null && guard++ < 64)
        {
            if (c.equals("java/lang/Thread"))
            {
                return true;
            }
            final ClassInfo info = of(loader, c);
            if (info == null)
            {
                return false;
            }
            c = info.superName;
        }
        return false;
    }

    /** @return whether a class between {@code name} and Thread (exclusive) declares {@code method}. */
    static boolean overridesThreadMethod(final ClassLoader loader, final String name, final String method)
    {
        String c = name;
        int guard = 0;
        while (c != null && !c.equals("java/lang/Thread") && guard++ < 64)
        {
            final ClassInfo info = of(loader, c);
            if (info == null)
            {
                return false;
            }
            if (info.methods.contains(method))
            {
                return true;
            }
            c = info.superName;
        }
        return false;
    }

    /** Common super class for frame computation, without loading classes. */
    static String commonSuperClass(final ClassLoader loader, final String a, final String b)
    {
        final Set<String> ancestors = new HashSet<>();
        String c = a;
        int guard = 0;
        while (c != null && guard++ < 64)
        {
            ancestors.add(c);
            final ClassInfo info = of(loader, c);
            if (info == null)
            {
                break;
            }
            if (info.isInterface)
            {
                return "java/lang/Object";
            }
            c = info.superName;
        }
        c = b;
        guard = 0;
        while (c != null && guard++ < 64)
        {
            if (ancestors.contains(c))
            {
                return c;
            }
            final ClassInfo info = of(loader, c);
            if (info == null || info.isInterface)
            {
                break;
            }
            c = info.superName;
        }
        return "java/lang/Object";
    }
}
