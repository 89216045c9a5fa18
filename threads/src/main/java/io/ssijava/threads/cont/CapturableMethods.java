package io.ssijava.threads.cont;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The methods the agent made capturable: a number per method (the constant its code passes to {@link Cont}), and per
 * class the bytecode offsets at which a frame of each method may be captured. A thread is captured only when every
 * frame on its stack stands at one of those offsets, so a frame the agent could not prepare pins the thread instead
 * of being lost.
 */
public final class CapturableMethods
{
    /** One rewritten method. */
    public static final class Method
    {
        final int id;
        final String owner;
        final String name;
        final String desc;
        final boolean isStatic;

        Method(final int id, final String owner, final String name, final String desc, final boolean isStatic)
        {
            this.id = id;
            this.owner = owner;
            this.name = name;
            this.desc = desc;
            this.isStatic = isStatic;
        }

        /** @return internal name of the declaring class. */
        public String owner()
        {
            return owner;
        }

        /** @return method name. */
        public String name()
        {
            return name;
        }

        /** @return whether the method is static. */
        public boolean isStatic()
        {
            return isStatic;
        }

        /**
         * A method named by another node: the same name, for a class that may not be loaded here yet.
         *
         * @return the method description.
         */
        public static Method named(final String owner, final String name, final String desc, final boolean isStatic)
        {
            return new Method(-1, owner, name, desc, isStatic);
        }

        /** @return method descriptor. */
        public String desc()
        {
            return desc;
        }

        @Override
        public String toString()
        {
            return owner.replace('/', '.') + "." + name + desc;
        }
    }

    /** Capture offsets of the methods of one class, as defined by one loader. */
    private static final class ClassSites
    {
        /** Weak, so that a registered class does not keep its loader alive; null for the boot loader. */
        final java.lang.ref.WeakReference<ClassLoader> loader;
        /** name + descriptor of a physical method -> sorted offsets. */
        final Map<String, int[]> offsets;
        /** The same for the offsets where the frame holds a monitor. */
        final Map<String, int[]> locked;

        ClassSites(final ClassLoader loader, final Map<String, int[]> offsets, final Map<String, int[]> locked)
        {
            this.loader = loader == null ? null : new java.lang.ref.WeakReference<>(loader);
            this.offsets = offsets;
            this.locked = locked;
        }

        boolean definedBy(final ClassLoader l)
        {
            return loader == null ? l == null : loader.get() == l;
        }

        boolean gone()
        {
            return loader != null && loader.get() == null;
        }
    }

    private static final List<Method> BY_ID = new ArrayList<>();
    private static final Map<String, Integer> IDS = new ConcurrentHashMap<>();
    private static final Map<String, List<ClassSites>> SITES = new ConcurrentHashMap<>();

    private CapturableMethods()
    {
    }

    /**
     * The number of a method, assigned on first use; the same for every loader's copy of the class.
     *
     * @param owner    internal class name.
     * @param name     method name.
     * @param desc     descriptor.
     * @param isStatic whether the method is static.
     * @return its number.
     */
    public static int id(final String owner, final String name, final String desc, final boolean isStatic)
    {
        final String key = owner + '.' + name + desc;
        final Integer known = IDS.get(key);
        if (known != null)
        {
            return known;
        }
        synchronized (BY_ID)
        {
            return IDS.computeIfAbsent(key, k ->
            {
                BY_ID.add(new Method(BY_ID.size(), owner, name, desc, isStatic));
                return BY_ID.size() - 1;
            });
        }
    }

    /** @return the method with this number. */
    public static Method method(final int id)
    {
        synchronized (BY_ID)
        {
            return BY_ID.get(id);
        }
    }

    /**
     * Records where the frames of a class's methods may be captured. Called by the agent after it wrote the class.
     *
     * @param loader  the defining loader (null: boot).
     * @param owner   internal class name.
     * @param offsets name + descriptor of each physical method -> the capture offsets in it.
     * @param locked  the same for the offsets at which the frame holds a monitor.
     */
    public static void register(final ClassLoader loader, final String owner, final Map<String, int[]> offsets,
        final Map<String, int[]> locked)
    {
        for (final int[] o : offsets.values())
        {
            java.util.Arrays.sort(o);
        }
        for (final int[] o : locked.values())
        {
            java.util.Arrays.sort(o);
        }
        SITES.compute(owner, (k, list) ->
        {
            final List<ClassSites> out = new ArrayList<>();
            if (list != null)
            {
                for (final ClassSites s : list)
                {
                    if (!s.definedBy(loader) && !s.gone())
                    {
                        out.add(s);
                    }
                }
            }
            out.add(new ClassSites(loader, Map.copyOf(offsets), Map.copyOf(locked)));
            return out;
        });
    }

    /** What {@link #capturable} answers. */
    enum Answer
    {
        YES, NO, LOCKED
    }

    /**
     * @return whether a frame of this class and method, standing at this offset, may be captured, or
     * {@link Answer#LOCKED} if it may but holds a monitor there.
     */
    static Answer capturable(final Class<?> cls, final String nameDesc, final int bci)
    {
        final List<ClassSites> list = SITES.get(cls.getName().replace('.', '/'));
        if (list == null)
        {
            return Answer.NO;
        }
        for (final ClassSites s : list)
        {
            if (s.definedBy(cls.getClassLoader()))
            {
                final int[] o = s.offsets.get(nameDesc);
                if (o == null || java.util.Arrays.binarySearch(o, bci) < 0)
                {
                    return Answer.NO;
                }
                final int[] l = s.locked.get(nameDesc);
                return l != null && java.util.Arrays.binarySearch(l, bci) >= 0 ? Answer.LOCKED : Answer.YES;
            }
        }
        return Answer.NO;
    }
}
