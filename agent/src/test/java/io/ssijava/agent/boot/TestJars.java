package io.ssijava.agent.boot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
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
     * package (main and test), so it works whatever the program's class path is, as the
     * shaded real agent does.
     */
    static Path fakeAgentJar(Path dir) throws IOException {
        Map<String, Path> classes = new LinkedHashMap<>();
        collect(classesDirOf(NodeSpawner.class), classes);
        collect(classesDirOf(FakeAgent.class), classes);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", FakeAgent.class.getName());
        Path jar = dir.resolve("ssi-agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            for (Map.Entry<String, Path> e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                Files.copy(e.getValue(), out);
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

    private static void collect(Path root, Map<String, Path> into) throws IOException {
        Path pkg = root.resolve(PACKAGE_DIR);
        try (Stream<Path> files = Files.list(pkg)) {
            files.filter(f -> f.toString().endsWith(".class"))
                    .forEach(f -> into.putIfAbsent(PACKAGE_DIR + f.getFileName(), f));
        }
    }
}
