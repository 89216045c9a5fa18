package io.ssijava.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where things are in the ssi-java checkout, for tests that run built artifacts. None of
 * these methods builds anything; {@link #requireFile(Path)} fails with a hint when an
 * artifact is missing.
 *
 * <p>Not to be confused with {@link java.nio.file.Paths}.
 */
public final class Paths {

    /** System property that overrides where the repository root is. */
    public static final String REPO_ROOT_PROPERTY = "ssi.repo.root";

    private static volatile Path cachedRoot;

    private Paths() {
    }

    /**
     * The repository root: the system property {@value #REPO_ROOT_PROPERTY} if set, else the
     * nearest directory at or above {@code user.dir} that holds both {@code pom.xml} and the
     * {@code ssi-java} script (Maven runs each module's tests in the module's directory).
     *
     * @return the root
     * @throws IllegalStateException when no such directory exists
     */
    public static Path repoRoot() {
        Path root = cachedRoot;
        if (root == null) {
            root = findRoot();
            cachedRoot = root;
        }
        return root;
    }

    private static Path findRoot() {
        String override = System.getProperty(REPO_ROOT_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("ssi-java"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with pom.xml and ssi-java at or above " + start
                + "; set -D" + REPO_ROOT_PROPERTY + "=<checkout>");
    }

    /** @return {@code agent/target/ssi-agent.jar} (the shaded runtime agent) */
    public static Path agentJar() {
        return repoRoot().resolve("agent/target/ssi-agent.jar");
    }

    /** @return {@code launcher/target/ssi-launcher.jar} (the executable launcher jar) */
    public static Path launcherJar() {
        return repoRoot().resolve("launcher/target/ssi-launcher.jar");
    }

    /** @return {@code samples/target/classes} (the compiled sample programs) */
    public static Path samplesClasses() {
        return repoRoot().resolve("samples/target/classes");
    }

    /** @return the {@code ssi-java} script at the repository root */
    public static Path ssiJavaScript() {
        return repoRoot().resolve("ssi-java");
    }

    /**
     * The java executable of the JVM running the tests, so child JVMs use the same JDK.
     *
     * @return {@code $java.home/bin/java}
     */
    public static Path javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
    }

    /**
     * Checks that a built artifact exists.
     *
     * @param path the file or directory
     * @return the path
     * @throws IllegalStateException naming the path and how to build it
     */
    public static Path requireFile(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " does not exist; build it first: cd " + repoRoot()
                    + " && mvn -B -q -DskipTests install");
        }
        return path;
    }
}
