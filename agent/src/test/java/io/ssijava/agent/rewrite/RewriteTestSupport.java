package io.ssijava.agent.rewrite;

import io.ssijava.rt.Managed;
import io.ssijava.rt.Ssi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/** Per test: a fresh rewriting loader, a recording runtime (installed only where a test asks), clean probes. */
abstract class RewriteTestSupport
{
    static final int RTRAP = Ssi.RTRAP;
    static final int WTRAP = Ssi.WTRAP;
    /** A shared, valid, clean copy in slot 5. */
    static final int CLEAN = WTRAP | 5;
    /** A shared, invalid copy in slot 5. */
    static final int INVALID = RTRAP | WTRAP | 5;
    /** A shared, valid, dirty copy in slot 5 (no trap). */
    static final int DIRTY = 5;

    static
    {
        // as the agent does in premain on a cluster node: arms the ArrayGuards (read once, when ArrayGuard is
        // initialized, which happens when the first rewritten class with an array access is initialized)
        System.setProperty(Ssi.CLUSTER_PROPERTY, "true");
    }

    RewritingLoader loader;
    RecordingRuntime rt;

    @BeforeEach
    void setUpRewriting()
    {
        Ssi.install(null);
        Probe.reset();
        loader = new RewritingLoader();
        rt = new RecordingRuntime();
    }

    @AfterEach
    void tearDownRewriting()
    {
        Ssi.install(null);
        Probe.reset();
    }

    /** Installs the recording runtime, after loading (and initializing) the given classes without it. */
    void install(final String... preload)
    {
        for (final String c : preload)
        {
            loader.load(c);
        }
        Ssi.install(rt);
    }

    Class<?> cls(final String simpleName)
    {
        return loader.load(simpleName);
    }

    /** Calls the only static method of that name. */
    Object call(final String className, final String method, final Object... args) throws Throwable
    {
        return invoke(cls(className), null, method, args);
    }

    /** Calls the only static method of that name of a class from any loader. */
    static Object callStatic(final Class<?> c, final String method, final Object... args) throws Throwable
    {
        return invoke(c, null, method, args);
    }

    /** Calls the only instance method of that name. */
    static Object callOn(final Object target, final String method, final Object... args) throws Throwable
    {
        return invoke(target.getClass(), target, method, args);
    }

    private static Object invoke(final Class<?> c, final Object target, final String method, final Object... args)
        throws Throwable
    {
        Method found = null;
        final java.util.List<Class<?>> types = new java.util.ArrayList<>();
        for (Class<?> k = c; k != null; k = k.getSuperclass())
        {
            types.add(k);
        }
        for (Class<?> k = c; k != null; k = k.getSuperclass())
        {
            types.addAll(Arrays.asList(k.getInterfaces()));
        }
        for (final Class<?> k : types)
        {
            if (found != null)
            {
                break;
            }
            for (final Method m : k.getDeclaredMethods())
            {
                if (m.getName().equals(method) && Modifier.isStatic(m.getModifiers()) == (target == null) &&
                    m.getParameterCount() == args.length && !m.isSynthetic() && !m.isBridge())
                {
                    if (found != null)
                    {
                        throw new IllegalArgumentException("ambiguous " + method + " in " + c);
                    }
                    found = m;
                }
            }
        }
        if (found == null)
        {
            throw new IllegalArgumentException("no " + method + Arrays.toString(args) + " in " + c);
        }
        found.setAccessible(true);
        try
        {
            return found.invoke(target, args);
        }
        catch (final InvocationTargetException ex)
        {
            throw ex.getCause();
        }
    }

    Object newInstance(final String className, final Object... args) throws Throwable
    {
        for (final Constructor<?> k : cls(className).getDeclaredConstructors())
        {
            if (k.getParameterCount() == args.length && compatible(k.getParameterTypes(), args))
            {
                k.setAccessible(true);
                try
                {
                    return k.newInstance(args);
                }
                catch (final InvocationTargetException ex)
                {
                    throw ex.getCause();
                }
            }
        }
        throw new IllegalArgumentException("no constructor " + className + Arrays.toString(args));
    }

    private static boolean compatible(final Class<?>[] types, final Object[] args)
    {
        for (int i = 0; i < types.length; i++)
        {
            final Class<?> t = types[i].isPrimitive() ? box(types[i]) : types[i];
            if (args[i] != null && !t.isInstance(args[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(final Class<?> p)
    {
        return p == int.class ? Integer.class : p == long.class ? Long.class : p == double.class ? Double.class :
            p == boolean.class ? Boolean.class : p == char.class ? Character.class : p == byte.class ? Byte.class :
            p == short.class ? Short.class : Float.class;
    }

    static int state(final Object o)
    {
        return ((Managed)o).__ssi_state();
    }

    static void setState(final Object o, final int state)
    {
        ((Managed)o).__ssi_state(state);
    }

    static Field field(final Class<?> c, final String name)
    {
        for (Class<?> k = c; k != null; k = k.getSuperclass())
        {
            try
            {
                final Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            }
            catch (final NoSuchFieldException ex)
            {
                // up
            }
        }
        throw new IllegalArgumentException("no field " + name + " in " + c);
    }

    static Object get(final Object o, final String name)
    {
        try
        {
            return field(o.getClass(), name).get(o);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static void set(final Object o, final String name, final Object value)
    {
        try
        {
            field(o.getClass(), name).set(o, value);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static Object getStatic(final Class<?> c, final String name)
    {
        try
        {
            return field(c, name).get(null);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static void setStatic(final Class<?> c, final String name, final Object value)
    {
        try
        {
            field(c, name).set(null, value);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    String bytecode(final String simpleName)
    {
        return RewritingLoader.textify(loader.rewrittenBytes(simpleName));
    }
}
