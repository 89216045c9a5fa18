package io.ssijava.dsm;

import io.ssijava.rt.Managed;

/**
 * Resolves class names that arrive on the wire. Only classes of this job are ever instantiated: rewritten
 * application classes (loaded from the job's class path by the job's loader), arrays of those or of JDK types, and
 * a few immutable JDK value types. Anything else is refused with a {@link WireException}.
 */
public final class JobClasses
{
    private volatile ClassLoader loader;

    /** @param loader the loader of the job's classes (the application class loader). */
    public JobClasses(final ClassLoader loader)
    {
        this.loader = loader;
    }

    /** @return the loader of the job's classes. */
    public ClassLoader loader()
    {
        return loader;
    }

    /** Changes the loader used for the job's classes (e.g. to the loader of the main class). */
    public void loader(final ClassLoader loader)
    {
        this.loader = loader;
    }

    private Class<?> load(final String name)
    {
        if (name.isEmpty() || name.length() > 1024)
        {
            throw new WireException("bad class name of length " + name.length());
        }
        try
        {
            return Class.forName(name, false, loader);
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new WireException("refusing class " + name + ": not a class of this job (" + ex + ")");
        }
    }

    Class<?> managedClass(final String name)
    {
        final Class<?> c = load(name);
        if (!Managed.class.isAssignableFrom(c) || c.isInterface() ||
            java.lang.reflect.Modifier.isAbstract(c.getModifiers()))
        {
            throw new WireException("refusing class " + name + ": not a rewritten application class");
        }
        return c;
    }

    Class<?> arrayClass(final String name)
    {
        if (!name.startsWith("["))
        {
            throw new WireException("refusing " + name + ": not an array class");
        }
        final Class<?> c = load(name);
        if (!c.isArray())
        {
            throw new WireException("refusing " + name + ": not an array class");
        }
        return c;
    }

    Class<?> enumClass(final String name)
    {
        final Class<?> c = load(name);
        if (!c.isEnum())
        {
            throw new WireException("refusing " + name + ": not an enum");
        }
        return c;
    }

    Class<?> recordClass(final String name)
    {
        final Class<?> c = load(name);
        if (!c.isRecord())
        {
            throw new WireException("refusing " + name + ": not a record");
        }
        return c;
    }

    Class<?> anyClass(final String name)
    {
        return load(name);
    }
}
