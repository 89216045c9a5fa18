package io.ssijava.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs a program with plain {@code java} (no ssi agent), the baseline that ssi-java runs are compared with. */
public final class PlainJava {

    private PlainJava() {
    }

    /**
     * The command {@code java -cp CLASSPATH MAIN ARGS...} with the test JVM's java.
     *
     * @param classpath the class path
     * @param main      the main class
     * @param args      program arguments
     * @return the command
     */
    public static List<String> command(String classpath, String main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.javaExecutable().toString());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Runs a program with plain java and the default timeout ({@link ProcessRunner#DEFAULT_TIMEOUT}).
     *
     * @param classpath the class path
     * @param main      the main class
     * @param args      program arguments
     * @return the result
     */
    public static ProcessRunner.Result run(String classpath, String main, String... args) {
        return ProcessRunner.of(command(classpath, main, args)).run();
    }

    /**
     * Runs a program with plain java and the default timeout.
     *
     * @param classpath the class path (one entry)
     * @param main      the main class
     * @param args      program arguments
     * @return the result
     */
    public static ProcessRunner.Result run(Path classpath, String main, String... args) {
        return run(classpath.toString(), main, args);
    }

    /**
     * Runs a program with plain java within a time limit.
     *
     * @param timeout   the wall-clock limit
     * @param classpath the class path
     * @param main      the main class
     * @param args      program arguments
     * @return the result
     */
    public static ProcessRunner.Result run(Duration timeout, String classpath, String main, String... args) {
        return ProcessRunner.of(command(classpath, main, args)).timeout(timeout).run();
    }
}
