package io.ssijava.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds the ssi agent jar. In order: the system property {@value #PROPERTY}, the environment
 * variable {@value #ENV}, {@code <launcher dir>/../../agent/target/ssi-agent.jar} (a build
 * tree: the launcher jar is {@code launcher/target/ssi-launcher.jar}), and
 * {@code <launcher dir>/ssi-agent.jar} (both jars copied side by side). An explicitly given
 * path must exist; it is never silently replaced by a fallback.
 */
public final class AgentJarLocator {

    /** System property naming the agent jar. */
    public static final String PROPERTY = "ssi.agent.jar";
    /** Environment variable naming the agent jar. */
    public static final String ENV = "SSI_AGENT_JAR";
    /** The agent jar's file name. */
    public static final String JAR_NAME = "ssi-agent.jar";

    private AgentJarLocator() {
    }

    /**
     * Finds the agent jar.
     *
     * @param properties       system property lookup
     * @param environment      environment variable lookup
     * @param launcherLocation where the launcher's classes are (its jar, or a classes
     *                         directory); empty if unknown
     * @return the agent jar, absolute and normalized
     * @throws UsageException when it cannot be found, naming every place that was tried
     */
    public static Path locate(Function<String, String> properties, Function<String, String> environment,
                              Optional<Path> launcherLocation) throws UsageException {
        Path explicit = explicit(properties.apply(PROPERTY), "-D" + PROPERTY);
        if (explicit == null) {
            explicit = explicit(environment.apply(ENV), ENV);
        }
        if (explicit != null) {
            return explicit;
        }
        List<Path> tried = new ArrayList<>();
        if (launcherLocation.isPresent()) {
            // Both for launcher/target/ssi-launcher.jar and launcher/target/classes the
            // parent is launcher/target.
            Path dir = launcherLocation.get().toAbsolutePath().normalize().getParent();
            if (dir != null) {
                tried.add(dir.resolve("../../agent/target").resolve(JAR_NAME).normalize());
                tried.add(dir.resolve(JAR_NAME));
            }
        }
        for (Path candidate : tried) {
            if (Files.isRegularFile(candidate)) {
                return checked(candidate, "found");
            }
        }
        throw new UsageException("cannot find the ssi agent jar (" + JAR_NAME + "); looked in: -D" + PROPERTY
                + ", $" + ENV + (tried.isEmpty() ? "" : ", " + joined(tried))
                + ". Build it with: mvn -B -q -DskipTests install (from the ssi-java checkout), or point "
                + ENV + " at it", false);
    }

    private static Path explicit(String value, String source) throws UsageException {
        if (value == null || value.isBlank()) {
            return null;
        }
        Path p = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isRegularFile(p)) {
            throw new UsageException("the ssi agent jar given by " + source + " does not exist: " + p, false);
        }
        return checked(p, source);
    }

    private static Path checked(Path jar, String source) throws UsageException {
        // -javaagent:<jar>=<options> is split at the first '=' by the JVM.
        if (jar.toString().indexOf('=') >= 0) {
            throw new UsageException("the ssi agent jar path (" + source + ") must not contain '=': " + jar, false);
        }
        return jar;
    }

    private static String joined(List<Path> paths) {
        List<String> names = new ArrayList<>();
        paths.forEach(p -> names.add(p.toString()));
        return String.join(", ", names);
    }
}
