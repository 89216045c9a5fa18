package io.ssijava.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the command line of node 0, the one child JVM the launcher starts. */
public final class ChildCommand {

    /**
     * Exported to the agent's dependencies (Agrona uses {@code jdk.internal.misc}); without it
     * the runtime cannot start.
     */
    public static final List<String> REQUIRED_JVM_FLAGS =
            List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    private ChildCommand() {
    }

    /**
     * {@code <java> <jvm-opts> --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
     * -javaagent:<agent>=nodes=N[,stats][,verbose] (-cp CP MAIN | -jar JAR) ARGS}.
     * The user's JVM flags come first; the agent's start-up flags after them, so a user flag
     * cannot accidentally swallow them.
     *
     * @param options  the parsed command line (action RUN)
     * @param java     the java executable
     * @param agentJar the ssi agent jar
     * @return the command
     */
    public static List<String> build(LauncherOptions options, String java, Path agentJar) {
        return build(options, java, agentJar, "", false);
    }

    /**
     * As {@link #build(LauncherOptions, String, Path)}, with more agent option items and, for a modular program,
     * {@code -m MODULE/MAIN} in place of {@code MAIN}.
     *
     * @param options       the parsed command line (action RUN)
     * @param java          the java executable
     * @param agentJar      the ssi agent jar
     * @param moreAgentArgs items appended to {@link LauncherOptions#agentArgs()}, each preceded by a comma
     * @param module        whether the main class is {@code module/class}, to be started with {@code -m}
     * @return the command
     */
    static List<String> build(LauncherOptions options, String java, Path agentJar, String moreAgentArgs,
                              boolean module) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(options.jvmOptions());
        cmd.addAll(REQUIRED_JVM_FLAGS);
        cmd.add("-javaagent:" + agentJar + "=" + options.agentArgs() + moreAgentArgs);
        if (options.jarMode()) {
            cmd.add("-jar");
            cmd.add(options.jarFile().orElseThrow());
        } else {
            options.classPath().ifPresent(cp -> {
                cmd.add("-cp");
                cmd.add(cp);
            });
            if (module) {
                cmd.add("-m");
            }
            cmd.add(options.mainClass().orElseThrow());
        }
        cmd.addAll(options.programArgs());
        return cmd;
    }

    /**
     * The command as a shell would need it typed, for {@code --verbose} output: arguments
     * with spaces or shell characters are single-quoted.
     *
     * @param command the command
     * @return one line
     */
    public static String toShellString(List<String> command) {
        StringBuilder sb = new StringBuilder();
        for (String arg : command) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) {
                sb.append(arg);
            } else {
                sb.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        return sb.toString();
    }
}
