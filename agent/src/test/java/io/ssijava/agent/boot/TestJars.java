package io.ssijava.agent.boot;

import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.levels.Schedule;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Builds the small jars the spawner tests need. */
final class TestJars {

    private static final String PACKAGE_DIR = "io/ssijava/agent/boot/";

    private TestJars() {
    }

    /**
     * A fake {@code ssi-agent.jar}: premain {@link FakeAgent}, holding every class of this
     * package (main and test) and the checkpoint configuration classes {@link NodeOptions}
     * uses, so it works whatever the program's class path is, as the shaded real agent does.
     */
    static Path fakeAgentJar(Path dir) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        collect(classesDirOf(NodeSpawner.class), PACKAGE_DIR, classes);
        collect(classesDirOf(FakeAgent.class), PACKAGE_DIR, classes);
        // a jar when the agent is built on its own, a classes directory in a reactor build
        collectFrom(CheckpointConfig.class, "io/ssijava/checkpoint/", classes);
        collectFrom(Schedule.class, "io/ssijava/checkpoint/levels/", classes);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", FakeAgent.class.getName());
        Path jar = dir.resolve("ssi-agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    /** An application jar that holds only a manifest naming {@code mainClass}. */
    static Path mainOnlyJar(Path dir, String mainClass) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.flush();
        }
        return jar;
    }

    private static Path classesDirOf(Class<?> type) throws IOException {
        try {
            Path p = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(p)) {
                throw new IOException("expected " + type + " to come from a classes directory, not " + p);
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static void collectFrom(Class<?> type, String packageDir, Map<String, byte[]> into)
            throws IOException {
        Path location;
        try {
            location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(location)) {
            collect(location, packageDir, into);
            return;
        }
        try (FileSystem jar = FileSystems.newFileSystem(location)) {
            collect(jar.getPath("/"), packageDir, into);
        }
    }

    private static void collect(Path root, String packageDir, Map<String, byte[]> into) throws IOException {
        Path pkg = root.resolve(packageDir);
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : files.filter(c -> c.toString().endsWith(".class")).toList()) {
                into.putIfAbsent(packageDir + f.getFileName(), Files.readAllBytes(f));
            }
        }
    }
}
