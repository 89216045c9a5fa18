package io.ssijava.agent.boot;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a JVM was started: java executable, JVM flags, class path, main class (or jar, or
 * module) and program arguments. {@link #current()} reads this JVM's; {@link #toCommand()}
 * turns it back into a command line, so worker nodes can be started exactly like node 0.
 *
 * <p>Why not just split {@code sun.java.command}: it joins the main class and the arguments
 * with spaces, so {@code Main "a b"} and {@code Main a b} look the same. On Linux
 * {@code /proc/self/cmdline} has the exact arguments; we take the tail of it whose
 * space-joined form equals {@code sun.java.command}. Splitting on spaces is only the last
 * resort (see {@link #isExact()}).
 */
public final class JvmCommandLine {

    /** How the program's entry point was named. */
    public enum Mode {
        /** {@code java -cp CP Main args}. */
        CLASS,
        /** {@code java -jar app.jar args}. */
        JAR,
        /** {@code java -m module/Main args}. */
        MODULE
    }

    private static final String JAVAAGENT = "-javaagent:";

    private final String javaExecutable;
    private final List<String> jvmArgs;
    private final String classPath;
    private final Mode mode;
    private final String target;
    private final List<String> programArgs;
    private final boolean exact;

    /**
     * Creates a command line from its parts.
     *
     * @param javaExecutable the java launcher to run
     * @param jvmArgs        JVM flags (as {@code RuntimeMXBean.getInputArguments()} lists them)
     * @param classPath      the class path; empty for none
     * @param mode           how {@code target} is to be passed
     * @param target         the main class, the jar, or {@code module/class}
     * @param programArgs    the program's arguments
     * @param exact          whether the arguments are known exactly (not split on spaces)
     */
    public JvmCommandLine(String javaExecutable, List<String> jvmArgs, String classPath, Mode mode,
                          String target, List<String> programArgs, boolean exact) {
        this.javaExecutable = Objects.requireNonNull(javaExecutable, "javaExecutable");
        this.jvmArgs = List.copyOf(jvmArgs);
        this.classPath = classPath == null ? "" : classPath;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.target = Objects.requireNonNull(target, "target");
        this.programArgs = List.copyOf(programArgs);
        this.exact = exact;
    }

    /**
     * Reads how this JVM was started.
     *
     * @return this JVM's command line
     * @throws IllegalStateException when the JVM was not started by the java launcher
     *                               (no {@code sun.java.command}), e.g. embedded via JNI
     */
    public static JvmCommandLine current() {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return resolve(java,
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getProperty("java.class.path", ""),
                System.getProperty("sun.java.command"),
                readOwnArgv(),
                System.getProperty("jdk.module.main") != null);
    }

    /**
     * Works out the entry point and program arguments from what the JVM tells about itself.
     *
     * @param javaExecutable the java launcher
     * @param jvmArgs        the JVM's input arguments
     * @param classPath      {@code java.class.path}
     * @param javaCommand    {@code sun.java.command}: entry point and arguments joined by spaces
     * @param argv           the exact process arguments without the executable, or {@code null}
     *                       when they cannot be read
     * @param moduleMode     whether {@code jdk.module.main} is set
     * @return the command line
     * @throws IllegalStateException when {@code javaCommand} is missing
     */
    public static JvmCommandLine resolve(String javaExecutable, List<String> jvmArgs, String classPath,
                                         String javaCommand, List<String> argv, boolean moduleMode) {
        if (javaCommand == null || javaCommand.isBlank()) {
            throw new IllegalStateException(
                    "cannot tell how this JVM was started (no sun.java.command), so cannot start worker nodes");
        }
        if (argv != null) {
            // The tail of argv that joins to sun.java.command starts with the entry point.
            // Each extra element adds at least one character, so at most one tail matches.
            for (int k = 0; k < argv.size(); k++) {
                String first = argv.get(k);
                List<String> rest = argv.subList(k + 1, argv.size());
                String prev = k > 0 ? argv.get(k - 1) : "";
                if (first.startsWith("--module=")) {
                    first = first.substring("--module=".length());
                }
                if (joined(first, rest).equals(javaCommand)) {
                    Mode mode = prev.equals("-jar") ? Mode.JAR : moduleMode ? Mode.MODULE : Mode.CLASS;
                    return new JvmCommandLine(javaExecutable, jvmArgs, classPath, mode, first, rest, true);
                }
            }
        }
        // Last resort: arguments containing spaces (or empty ones) cannot be told apart here.
        List<String> tokens = new ArrayList<>(Arrays.asList(javaCommand.split(" ", -1)));
        String first = tokens.remove(0);
        Mode mode = moduleMode ? Mode.MODULE
                : first.equals(classPath) && first.toLowerCase(Locale.ROOT).endsWith(".jar") ? Mode.JAR
                : Mode.CLASS;
        return new JvmCommandLine(javaExecutable, jvmArgs, classPath, mode, first, tokens, false);
    }

    /**
     * The exact process arguments of this JVM (without the executable), or {@code null}.
     * Reads {@code /proc/self/cmdline} because {@code ProcessHandle.Info.arguments()} drops
     * empty arguments.
     */
    private static List<String> readOwnArgv() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            Charset cs = nativeCharset();
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    args.add(new String(raw, start, i - start, cs));
                    start = i + 1;
                }
            }
            if (start < raw.length) {
                args.add(new String(raw, start, raw.length - start, cs));
            }
            return args.isEmpty() ? null : args.subList(1, args.size());
        } catch (IOException | RuntimeException e) {
            // Not Linux (or /proc not mounted): the JDK's view is the next best thing.
            return ProcessHandle.current().info().arguments().map(a -> List.of(a)).orElse(null);
        }
    }

    private static Charset nativeCharset() {
        try {
            String name = System.getProperty("sun.jnu.encoding");
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    private static String joined(String first, List<String> rest) {
        if (rest.isEmpty()) {
            return first;
        }
        return first + " " + String.join(" ", rest);
    }

    /**
     * A copy whose ssi agent flag carries {@code agentArgs}. Every {@code -javaagent:} flag
     * that names {@code agentJar} (or a jar whose name starts with {@code ssi-agent}) is
     * replaced, keeping the jar path as it was written; other flags are kept as they are. When
     * there is none, one is appended.
     *
     * @param agentJar  the ssi agent jar
     * @param agentArgs the option string for the agent
     * @return the copy
     */
    public JvmCommandLine withAgent(Path agentJar, String agentArgs) {
        List<String> args = new ArrayList<>();
        boolean replaced = false;
        for (String arg : jvmArgs) {
            if (isSsiAgentFlag(arg, agentJar)) {
                args.add(JAVAAGENT + agentJarPart(arg) + "=" + agentArgs);
                replaced = true;
            } else {
                args.add(arg);
            }
        }
        if (!replaced) {
            args.add(JAVAAGENT + agentJar + "=" + agentArgs);
        }
        return new JvmCommandLine(javaExecutable, args, classPath, mode, target, programArgs, exact);
    }

    /**
     * A copy with JVM flags put in front of the existing ones.
     *
     * @param first the flags
     * @return the copy
     */
    public JvmCommandLine withJvmArgsFirst(List<String> first) {
        List<String> args = new ArrayList<>(first);
        args.addAll(jvmArgs);
        return new JvmCommandLine(javaExecutable, args, classPath, mode, target, programArgs, exact);
    }

    /**
     * Whether a JVM flag loads the ssi agent.
     *
     * @param arg      a JVM flag
     * @param agentJar the ssi agent jar
     * @return true for {@code -javaagent:<agentJar>[=...]} or {@code -javaagent:.../ssi-agent*.jar[=...]}
     */
    public static boolean isSsiAgentFlag(String arg, Path agentJar) {
        if (!arg.startsWith(JAVAAGENT)) {
            return false;
        }
        String jar = agentJarPart(arg);
        try {
            Path path = Path.of(jar);
            if (path.toAbsolutePath().normalize().equals(agentJar.toAbsolutePath().normalize())) {
                return true;
            }
            Path name = path.getFileName();
            return name != null && name.toString().startsWith("ssi-agent");
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String agentJarPart(String arg) {
        // The JVM splits -javaagent:<jar>[=<options>] at the first '='.
        String spec = arg.substring(JAVAAGENT.length());
        int eq = spec.indexOf('=');
        return eq < 0 ? spec : spec.substring(0, eq);
    }

    /**
     * The full command: java, JVM flags, class path, entry point, program arguments.
     *
     * @return a command for {@link ProcessBuilder}
     */
    public List<String> toCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(jvmArgs);
        if (mode == Mode.JAR) {
            cmd.add("-jar");
            cmd.add(target);
        } else {
            if (!classPath.isEmpty()) {
                cmd.add("-cp");
                cmd.add(classPath);
            }
            if (mode == Mode.MODULE) {
                cmd.add("-m");
            }
            cmd.add(target);
        }
        cmd.addAll(programArgs);
        return cmd;
    }

    /** @return the java launcher */
    public String javaExecutable() {
        return javaExecutable;
    }

    /** @return the JVM flags */
    public List<String> jvmArgs() {
        return jvmArgs;
    }

    /** @return the class path, empty for none */
    public String classPath() {
        return classPath;
    }

    /** @return how the entry point is named */
    public Mode mode() {
        return mode;
    }

    /** @return the main class, jar or {@code module/class} */
    public String target() {
        return target;
    }

    /** @return the program's arguments */
    public List<String> programArgs() {
        return programArgs;
    }

    /**
     * Whether the program arguments are known exactly; false when they had to be guessed by
     * splitting {@code sun.java.command} on spaces (arguments with spaces come out wrong).
     *
     * @return true when exact
     */
    public boolean isExact() {
        return exact;
    }

    @Override
    public String toString() {
        return String.join(" ", toCommand());
    }
}
