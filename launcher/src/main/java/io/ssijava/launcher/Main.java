package io.ssijava.launcher;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code ssi-java} command: parses the command line, finds the agent jar, runs node 0 as
 * a child JVM and exits with its status. See {@link HelpText#help()} for the full usage.
 *
 * <p>stdout belongs to the program: the launcher writes only {@code --help} and
 * {@code --version} there. Its own messages go to stderr, prefixed {@code ssi-java: }.
 */
public final class Main {

    private static final String PREFIX = "ssi-java: ";

    private Main() {
    }

    /**
     * Entry point; exits the JVM with {@link #run}'s status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System::getProperty, System::getenv));
    }

    /**
     * Runs the launcher without exiting the JVM (for tests and embedding).
     *
     * @param args        the command line
     * @param out         where --help and --version go
     * @param err         where ssi-java's messages go
     * @param properties  system property lookup (for {@code ssi.agent.jar})
     * @param environment environment lookup (for {@code SSI_AGENT_JAR})
     * @return the exit status: 0 after --help/--version, 2 for usage and set-up errors,
     *         otherwise node 0's exit status (for a control command, see {@link ControlClient#run}; a restore
     *         exits as a run does)
     */
    public static int run(String[] args, PrintStream out, PrintStream err,
                          Function<String, String> properties, Function<String, String> environment) {
        if (args.length > 0 && ControlClient.COMMANDS.contains(args[0])) {
            return ControlClient.run(args, out, err, properties, environment);
        }
        if (args.length > 0 && args[0].equals(JoinCommand.NAME)) {
            return JoinCommand.run(args, out, err);
        }
        if (args.length > 0 && args[0].equals(RestoreCommand.NAME)) {
            return RestoreCommand.run(args, out, err, properties, environment);
        }
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (UsageException e) {
            return fail(err, e);
        }
        switch (options.action()) {
            case HELP -> {
                out.print(HelpText.help());
                out.flush();
                return 0;
            }
            case VERSION -> {
                out.println("ssi-java " + HelpText.version());
                out.flush();
                return 0;
            }
            default -> {
                // RUN, below.
            }
        }
        try {
            Path agentJar = AgentJarLocator.locate(properties, environment, launcherLocation());
            String java = options.java().orElseGet(Main::ownJava);
            String jobId = Recovery.newJobId();
            List<String> command = ChildCommand.build(options, java, agentJar, ",job=" + jobId, false);
            if (options.verbose()) {
                err.println(PREFIX + "starting node 0: " + ChildCommand.toShellString(command));
            }
            return Recovery.run(command, jobId, options, agentJar, java, err);
        } catch (UsageException e) {
            return fail(err, e);
        }
    }

    private static int fail(PrintStream err, UsageException e) {
        err.println(PREFIX + e.getMessage());
        if (e.showUsage()) {
            err.print(HelpText.usage());
            err.println("Run 'ssi-java --help' for details.");
        }
        err.flush();
        return e.exitCode();
    }

    /** The java that runs the launcher; the script picks it from JAVA_HOME. */
    static String ownJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The launcher jar, or its classes directory when run from a build tree. */
    static Optional<Path> launcherLocation() {
        try {
            return Optional.of(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
