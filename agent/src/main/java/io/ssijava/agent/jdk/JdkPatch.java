package io.ssijava.agent.jdk;

import io.ssijava.agent.jit.InlineHints;
import io.ssijava.agent.rewrite.ClassRewriter;
import io.ssijava.dsm.JdkClasses;
import io.ssijava.rt.Ssi;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The instrumented copy of java.base that cluster nodes run with: the JDK's collections and
 * {@code java.util.concurrent} rewritten like application classes, plus the runtime facade ({@code io.ssijava.rt}),
 * which that code calls and which therefore must live in java.base itself.
 * <p>
 * Generated from the running JDK's own classes on first use and cached per JDK build and agent build, so it always
 * matches the JDK in use; a JVM picks it up with {@link #jvmFlags}. {@code --patch-module} cannot be given to a
 * running JVM, which is why a node started without it starts itself again with it.
 */
public final class JdkPatch
{
    private static final String MARKER = "ssi-java-jdk-patch.ok";
    /** A cached copy that no job has used for this long is deleted when a new copy is made. */
    static final long UNUSED_DAYS = 14;
    private static final long DAY_MILLIS = 24L * 60 * 60 * 1000;

    private JdkPatch()
    {
    }

    /**
     * Prints the JVM flags that make a JVM run with the instrumented java.base of this JDK, one per line, generating
     * it first if needed: {@code java -cp ssi-agent.jar io.ssijava.agent.jdk.JdkPatch} (used by the benchmarks).
     *
     * @param args none.
     * @throws Exception if the copy cannot be made.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path jar = Path.of(JdkPatch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (final String flag : jvmFlags(prepare(jar)))
        {
            System.out.println(flag);
        }
    }

    /** @return whether this JVM runs with the instrumented java.base. */
    public static boolean isActive()
    {
        return Ssi.class.getModule() == Object.class.getModule();
    }

    /**
     * @param dir the instrumented copy.
     * @return the JVM flags that make a JVM use it.
     */
    public static List<String> jvmFlags(final Path dir)
    {
        return List.of("--patch-module=java.base=" + dir, "--add-exports=java.base/io.ssijava.rt=ALL-UNNAMED");
    }

    /** @return whether a JVM flag is one of {@link #jvmFlags}: ssi-java's, not the program's. */
    public static boolean isJvmFlag(final String arg)
    {
        return arg.startsWith("--patch-module=java.base=") ||
            arg.equals("--add-exports=java.base/io.ssijava.rt=ALL-UNNAMED");
    }

    /**
     * Returns the instrumented copy for this JDK and agent, generating it first if it is not cached yet.
     *
     * @param agentJar the agent jar (the facade's classes come from it; its content is part of the cache key).
     * @return the directory to patch java.base with.
     * @throws IOException if it cannot be written.
     */
    public static Path prepare(final Path agentJar) throws IOException
    {
        final Path root = cacheRoot();
        final String version = System.getProperty("java.runtime.version", "unknown");
        final Path dir = root.resolve("jdk-" + version.replaceAll("[^A-Za-z0-9._-]", "_") + "-" +
            key(agentJar, version));
        if (Files.isRegularFile(dir.resolve(MARKER)))
        {
            touch(dir.resolve(MARKER)); // in use: kept by the pruning of other versions' copies
            return dir;
        }
        Files.createDirectories(root);
        System.err.println("ssi-java: making the JDK's collections and java.util.concurrent cluster-aware for JDK " +
            version + " (once; cached in " + dir + ")");
        final long start = System.nanoTime();
        final Path tmp = Files.createTempDirectory(root, "tmp-");
        try
        {
            final int classes = writeJdkClasses(tmp);
            writeFacade(agentJar, tmp);
            Files.writeString(tmp.resolve(MARKER), "classes=" + classes + "\n");
            try
            {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final FileAlreadyExistsException | AtomicMoveNotSupportedException ex)
            {
                // another job made it meanwhile
            }
            catch (final IOException ex)
            {
                if (!Files.isRegularFile(dir.resolve(MARKER)))
                {
                    throw ex;
                }
            }
            System.err.printf("ssi-java: %d classes instrumented in %d ms%n", classes,
                (System.nanoTime() - start) / 1_000_000);
            prune(root, dir, System.currentTimeMillis());
            return dir;
        }
        finally
        {
            deleteTree(tmp);
        }
    }

    private static int writeJdkClasses(final Path out) throws IOException
    {
        final FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        final Path base = jrt.getPath("/modules/java.base");
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base.resolve("java/util")))
        {
            walk.filter(p -> p.toString().endsWith(".class")).forEach(files::add);
        }
        int n = 0;
        final List<String> hints = new ArrayList<>();
        for (final Path p : files)
        {
            final String rel = base.relativize(p).toString();
            final String internal = rel.substring(0, rel.length() - ".class".length());
            if (!JdkClasses.isInstrumented(internal))
            {
                continue;
            }
            final byte[] original = Files.readAllBytes(p);
            final byte[] rewritten;
            try
            {
                rewritten = HomeCallPrologues.inject(internal, ClassRewriter.rewriteJdk(JdkAdditions.merge(internal,
                    original, name -> readJdkClass(base, name))));
                hints.addAll(InlineHints.jdkLines(internal, original, rewritten));
            }
            catch (final RuntimeException ex)
            {
                throw new IOException("cannot instrument " + internal.replace('/', '.') + ": " + ex, ex);
            }
            final Path target = out.resolve(rel);
            Files.createDirectories(target.getParent());
            Files.write(target, rewritten);
            n++;
        }
        Files.write(out.resolve(InlineHints.JDK_HINTS_FILE), hints);
        return n;
    }

    private static byte[] readJdkClass(final Path base, final String internalName)
    {
        try
        {
            return Files.readAllBytes(base.resolve(internalName + ".class"));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** Copies the facade package out of the agent jar (or the class directory it runs from). */
    private static void writeFacade(final Path agentJar, final Path out) throws IOException
    {
        final String pkg = Ssi.INTERNAL_NAME.substring(0, Ssi.INTERNAL_NAME.lastIndexOf('/') + 1);
        final Path dir = out.resolve(pkg);
        Files.createDirectories(dir);
        if (Files.isDirectory(agentJar))
        {
            try (Stream<Path> list = Files.list(agentJar.resolve(pkg)))
            {
                for (final Path p : (Iterable<Path>)list::iterator)
                {
                    Files.copy(p, dir.resolve(p.getFileName().toString()));
                }
            }
            return;
        }
        try (JarFile jar = new JarFile(agentJar.toFile()))
        {
            for (final JarEntry e : (Iterable<JarEntry>)jar.stream()::iterator)
            {
                final String name = e.getName();
                if (name.startsWith(pkg) && name.endsWith(".class") && name.indexOf('/', pkg.length()) < 0)
                {
                    try (InputStream in = jar.getInputStream(e))
                    {
                        Files.copy(in, out.resolve(name));
                    }
                }
            }
        }
    }

    private static Path cacheRoot()
    {
        final String given = System.getProperty("ssi.cache.dir", System.getenv("SSI_JAVA_CACHE"));
        if (given != null && !given.isBlank())
        {
            return Path.of(given);
        }
        final String xdg = System.getenv("XDG_CACHE_HOME");
        final Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) :
            Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("ssi-java");
    }

    /**
     * Same JDK build, same java.home and same agent build give the same copy. The agent build is told by the name,
     * CRC-32 and size of every entry of its jar, from the jar's directory: a SHA-256 of the whole jar (4 MB) took a
     * node about 50 ms of its start, mostly for loading the security providers and running the digest before it was
     * compiled. A cache key needs no cryptographic hash: CRC-32C and CRC-32 of that list make its 48 bits.
     */
    static String key(final Path agentJar, final String version) throws IOException
    {
        final StringBuilder text = new StringBuilder(version).append('\n')
            .append(System.getProperty("java.home", "")).append('\n');
        if (Files.isDirectory(agentJar))
        {
            text.append(System.nanoTime()); // classes being developed: a copy of its own every time
        }
        else
        {
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(agentJar.toFile()))
            {
                jar.stream().forEach(e -> text.append(e.getName()).append(' ').append(e.getCrc()).append(' ')
                    .append(e.getSize()).append('\n'));
            }
        }
        final byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final java.util.zip.CRC32C high = new java.util.zip.CRC32C();
        high.update(bytes);
        final java.util.zip.CRC32 low = new java.util.zip.CRC32();
        low.update(bytes);
        // 12 hex digits, leading zeros kept (the 49th bit, set, is cut off)
        return Long.toHexString((high.getValue() << 32 | low.getValue()) & 0xffff_ffff_ffffL | 1L << 48).substring(1);
    }

    /**
     * Deletes the copies that no job has used for {@link #UNUSED_DAYS} days (another JDK, or another ssi-java build:
     * each is a few MB, and every new build makes one), and temporary directories a day old (a generation that was
     * cut short). Only done when a new copy is made. A copy in use is touched at every start, so it stays.
     *
     * @param keep the copy just made.
     */
    static void prune(final Path root, final Path keep, final long nowMillis)
    {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root))
        {
            for (final Path d : dirs)
            {
                final String name = d.getFileName().toString();
                if (d.equals(keep) || !Files.isDirectory(d))
                {
                    continue;
                }
                if (name.startsWith("jdk-") && Files.isRegularFile(d.resolve(MARKER)) &&
                    nowMillis - Files.getLastModifiedTime(d.resolve(MARKER)).toMillis() > UNUSED_DAYS * DAY_MILLIS ||
                    name.startsWith("tmp-") && nowMillis - Files.getLastModifiedTime(d).toMillis() > DAY_MILLIS)
                {
                    deleteTree(d);
                }
            }
        }
        catch (final IOException ex)
        {
            // best effort: an old copy left behind costs disk space, nothing else
        }
    }

    private static void touch(final Path file)
    {
        try
        {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        }
        catch (final IOException ex)
        {
            // a read-only cache still works; its copies are only never pruned
        }
    }

    private static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // a leftover temporary directory is harmless
        }
    }
}
