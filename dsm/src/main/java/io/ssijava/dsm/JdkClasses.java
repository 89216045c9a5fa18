package io.ssijava.dsm;

import java.util.List;

/**
 * Which classes of java.base the instrumented copy of the JDK rewrites: the collections of {@code java.util} and
 * all of {@code java.util.concurrent}, less the classes that must stay per node or cannot be kept consistent.
 */
public final class JdkClasses
{
    /** Packages whose classes are rewritten (not their sub-packages). */
    private static final List<String> PACKAGES = List.of("java/util/", "java/util/concurrent/",
        "java/util/concurrent/atomic/", "java/util/concurrent/locks/");

    /**
     * Left as they are, by class-name prefix. Why:
     * IdentityHashMap is the runtime's own side table (rewriting it would recurse);
     * WeakHashMap, ThreadLocalRandom and the fork/join pool keep state in references, threads or the JVM (fork/join
     * tasks are rewritten: CompletableFuture's async tasks are ForkJoinTasks run by any executor);
     * ImmutableCollections hash with a per-JVM salt, so they travel by value instead;
     * the array algorithms (Arrays, sorting, Base64, HexFormat) are checked at their callers, once per call;
     * ServiceLoader, ResourceBundle, Scanner and Formatter wrap class loaders, streams and caches of one JVM.
     */
    private static final List<String> EXCLUDED = List.of("java/util/IdentityHashMap", "java/util/WeakHashMap",
        "java/util/ImmutableCollections", "java/util/concurrent/ThreadLocalRandom", "java/util/concurrent/ForkJoinPool",
        "java/util/concurrent/ForkJoinWorkerThread", "java/util/Arrays", "java/util/DualPivotQuicksort",
        "java/util/ArrayPrefixHelpers", "java/util/ArraysParallelSortHelpers", "java/util/TimSort",
        "java/util/ComparableTimSort", "java/util/Base64", "java/util/HexFormat", "java/util/ServiceLoader",
        "java/util/ResourceBundle", "java/util/Scanner", "java/util/Formatter", "java/util/Objects");

    private JdkClasses()
    {
    }

    /**
     * @return whether this class is part of the JDK (a named module of the boot or platform loader), so that it is
     * only kept consistent if the instrumented copy rewrites it.
     */
    public static boolean isJdk(final Class<?> c)
    {
        final ClassLoader l = c.getClassLoader();
        return c.getModule().isNamed() && (l == null || l == ClassLoader.getPlatformClassLoader());
    }

    /** @return whether the instrumented copy of java.base rewrites this class. */
    public static boolean isInstrumented(final String internalName)
    {
        if (internalName == null || !internalName.startsWith("java/util/"))
        {
            return false;
        }
        final int slash = internalName.lastIndexOf('/');
        final String pkg = internalName.substring(0, slash + 1);
        if (!PACKAGES.contains(pkg) || internalName.endsWith("/package-info") || internalName.endsWith("/module-info"))
        {
            return false;
        }
        for (final String prefix : EXCLUDED)
        {
            if (internalName.startsWith(prefix) && (internalName.length() == prefix.length() ||
                internalName.charAt(prefix.length()) == '$'))
            {
                return false;
            }
        }
        return true;
    }
}
