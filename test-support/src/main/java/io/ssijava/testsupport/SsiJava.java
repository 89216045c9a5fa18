package io.ssijava.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a program under ssi-java, for end-to-end tests. Needs the built jars
 * ({@link Paths#launcherJar()}, {@link Paths#agentJar()}).
 */
public final class SsiJava {

    /** The JVM flag the runtime's dependencies need (Agrona uses jdk.internal.misc). */
    public static final String ADD_EXPORTS = "--add-exports";
    /** The value for {@link #ADD_EXPORTS}. */
    public static final String ADD_EXPORTS_VALUE = "java.base/jdk.internal.misc=ALL-UNNAMED";

    private SsiJava() {
    }

    /**
     * {@code java -jar ssi-launcher.jar --nodes N -cp CLASSPATH MAIN ARGS...}: the way users run it.
     *
     * @param nodes     cluster size
     * @param classpath the program's class path
     * @param main      the main class
     * @param args      program arguments
     * @return the command
     */
    public static List<String> launcherCommand(int nodes, String classpath, String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Paths.javaExecutable().toString(), "-jar",
                Paths.launcherJar().toString(), "--nodes", Integer.toString(nodes), "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * {@code java --add-exports ... -javaagent:ssi-agent.jar=AGENTARGS -cp CLASSPATH MAIN ARGS...}:
     * the agent-only mode, without the launcher.
     *
     * @param agentArgs the agent option string, e.g. {@code nodes=3,stats}
     * @param classpath the program's class path
     * @param main      the main class
     * @param args      program arguments
     * @return the command
     */
    public static List<String> agentCommand(String agentArgs, String classpath, String main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Paths.javaExecutable().toString(), ADD_EXPORTS, ADD_EXPORTS_VALUE,
                "-javaagent:" + Paths.agentJar() + "=" + agentArgs, "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Runs a program through the launcher with the default timeout.
     *
     * @param nodes     cluster size
     * @param classpath the program's class path
     * @param main      the main class
     * @param args      program arguments
     * @return the result
     */
    public static ProcessRunner.Result run(int nodes, String classpath, String main, String... args) {
        return run(ProcessRunner.DEFAULT_TIMEOUT, nodes, classpath, main, args);
    }

    /**
     * Runs a program through the launcher within a time limit.
     *
     * @param timeout   the wall-clock limit
     * @param nodes     cluster size
     * @param classpath the program's class path
     * @param main      the main class
     * @param args      program arguments
     * @return the result
     */
    public static ProcessRunner.Result run(Duration timeout, int nodes, String classpath, String main,
                                           String... args) {
        Paths.requireFile(Paths.launcherJar());
        return ProcessRunner.of(launcherCommand(nodes, classpath, main, args)).timeout(timeout).run();
    }
}
