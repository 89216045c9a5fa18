package io.ssijava.launcher;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds the jars the launcher tests need. */
final class TestJars {

    private TestJars() {
    }

    /** The directory holding the compiled test classes. */
    static Path testClasses() {
        try {
            return Path.of(TestJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A manifest-only {@code ssi-agent.jar} whose premain is {@link FakeAgent} (found on the class path). */
    static Path fakeAgentJar(Path dir) throws IOException {
        Manifest mf = manifest();
        mf.getMainAttributes().putValue("Premain-Class", FakeAgent.class.getName());
        return write(dir.resolve("ssi-agent.jar"), mf);
    }

    /** {@code app.jar} running {@link EchoProgram}, holding it and {@link FakeAgent}. */
    static Path echoAppJar(Path dir) throws IOException {
        Manifest mf = manifest();
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, EchoProgram.class.getName());
        return write(dir.resolve("app.jar"), mf, EchoProgram.class, FakeAgent.class);
    }

    private static Manifest manifest() {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        return mf;
    }

    private static Path write(Path jar, Manifest mf, Class<?>... classes) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                Files.copy(testClasses().resolve(entry), out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
