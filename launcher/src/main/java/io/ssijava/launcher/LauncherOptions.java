package io.ssijava.launcher;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed {@code ssi-java} command line.
 *
 * <pre>
 * ssi-java [--nodes N] [--stats] [--verbose] [--jvm-opt OPT]... [--java PATH]
 *          [--checkpoint-every D] [--checkpoint-dir DIR] [--stable-dir DIR]
 *          [--mirror-every M] [--stable-every N] [--scheme A|B] [--checkpoint-strict]
 *          [--metrics-port PORT] [--hosts H0,H1,...] (-cp|-classpath|--class-path) CP MAIN [ARGS...]
 * ssi-java [options] -jar app.jar [ARGS...]
 * ssi-java --help | -h | --version
 * </pre>
 *
 * Options must come before MAIN (or {@code -jar app.jar}); everything after it belongs to
 * the program and is passed on untouched, even if it looks like an ssi-java option. Long
 * options also take {@code --name=value}. A repeated option takes its last value, except
 * {@code --jvm-opt}, which accumulates. Without {@code -cp} the child JVM uses its default
 * class path ({@code CLASSPATH}, else the current directory), as plain {@code java} does.
 *
 * @param action      what to do
 * @param nodes       cluster size, 1..{@value #MAX_NODES}
 * @param stats       print per-node statistics at exit
 * @param verbose     log what ssi-java and the runtime do
 * @param placement   the placement policy: {@code spread}, {@code local}, {@code least-loaded} or {@code follow-data}
 * @param balance     move running threads from busy nodes to idle ones
 * @param hosts       with {@code --hosts}: the host of each node, in node order (node 0 this one); else empty
 * @param checkpoints how the job takes checkpoints
 * @param jvmOptions  extra flags for every node's JVM, in order
 * @param java        the java executable to run nodes with; empty for the launcher's own
 * @param classPath   the program's class path; empty when not given
 * @param jarFile     the program jar ({@code -jar} mode); empty in class mode
 * @param mainClass   the main class (class mode); empty in {@code -jar} mode
 * @param programArgs the program's arguments, untouched
 */
public record LauncherOptions(
        Action action,
        int nodes,
        boolean stats,
        boolean verbose,
        String placement,
        boolean balance,
        List<String> hosts,
        Checkpoints checkpoints,
        List<String> jvmOptions,
        Optional<String> java,
        Optional<String> classPath,
        Optional<String> jarFile,
        Optional<String> mainClass,
        List<String> programArgs) {

    /** The largest cluster ssi-java runs. */
    public static final int MAX_NODES = 64;

    /** What the launcher was asked to do. */
    public enum Action {
        /** Run a program. */
        RUN,
        /** Print the help text. */
        HELP,
        /** Print the version. */
        VERSION
    }

    /**
     * The checkpoint flags. The launcher runs on the JDK alone, so it mirrors the agent's defaults and duration
     * syntax ({@code io.ssijava.checkpoint.CheckpointConfig}, {@code Schedule.DEFAULT}) rather than loading them;
     * the agent checks the values again.
     *
     * @param everyMillis automatic checkpoint period in milliseconds; 0 for none (only when asked)
     * @param dir         the level-1 root, absolute; empty for the agent's default
     * @param stableDir   the stable directory (level N), absolute; empty for none
     * @param mirrorEvery every M-th checkpoint is mirrored on the next node
     * @param stableEvery every M*N-th checkpoint goes to the stable directory
     * @param scheme      {@code A} or {@code B}
     */
    public record Checkpoints(long everyMillis, Optional<Path> dir, Optional<Path> stableDir, int mirrorEvery,
                              int stableEvery, String scheme) {

        /** Every M-th checkpoint mirrored, as the agent's default schedule. */
        public static final int DEFAULT_MIRROR_EVERY = 4;
        /** Every M*N-th checkpoint to stable storage, as the agent's default schedule. */
        public static final int DEFAULT_STABLE_EVERY = 4;
        /** The agent's default scheme. */
        public static final String DEFAULT_SCHEME = "B";
        /** No automatic checkpoints, the agent's directories and schedule. */
        public static final Checkpoints DEFAULT = new Checkpoints(0, Optional.empty(), Optional.empty(),
                DEFAULT_MIRROR_EVERY, DEFAULT_STABLE_EVERY, DEFAULT_SCHEME);

        /** Checks that nothing is null. */
        public Checkpoints {
            Objects.requireNonNull(dir, "dir");
            Objects.requireNonNull(stableDir, "stableDir");
            Objects.requireNonNull(scheme, "scheme");
        }

        /** The agent option items for what differs from the defaults, each preceded by a comma. */
        String agentArgs() {
            StringBuilder sb = new StringBuilder();
            if (everyMillis != 0) {
                sb.append(",checkpoint-every=").append(everyMillis);
            }
            dir.ifPresent(d -> sb.append(",checkpoint-dir=").append(d));
            stableDir.ifPresent(d -> sb.append(",stable-dir=").append(d));
            if (mirrorEvery != DEFAULT_MIRROR_EVERY) {
                sb.append(",mirror-every=").append(mirrorEvery);
            }
            if (stableEvery != DEFAULT_STABLE_EVERY) {
                sb.append(",stable-every=").append(stableEvery);
            }
            if (!DEFAULT_SCHEME.equals(scheme)) {
                sb.append(",scheme=").append(scheme);
            }
            return sb.toString();
        }
    }

    /** Copies the lists so instances are immutable. */
    public LauncherOptions {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(checkpoints, "checkpoints");
        jvmOptions = List.copyOf(jvmOptions);
        programArgs = List.copyOf(programArgs);
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(classPath, "classPath");
        Objects.requireNonNull(jarFile, "jarFile");
        Objects.requireNonNull(mainClass, "mainClass");
    }

    /**
     * Parses and validates the command line.
     *
     * @param args the launcher's arguments
     * @return the options; for {@code --help} / {@code --version} only {@link #action()} matters
     * @throws UsageException on any mistake (unknown flag, missing value, bad --nodes, no
     *                        main class, -jar together with -cp); its exit code is 2
     */
    public static LauncherOptions parse(String... args) throws UsageException {
        Parser p = new Parser(args);
        return p.parse();
    }

    /**
     * Whether the program is started with {@code -jar}.
     *
     * @return true in jar mode
     */
    public boolean jarMode() {
        return jarFile.isPresent();
    }

    /**
     * The option string for the ssi agent: {@code nodes=N[,stats][,verbose][,placement=P][,balance]}, then the
     * checkpoint items that differ from the defaults ({@code checkpoint-every=MILLIS}, {@code checkpoint-dir=DIR},
     * {@code stable-dir=DIR}, {@code mirror-every=M}, {@code stable-every=N}, {@code scheme=A|B}).
     *
     * @return the agent arguments
     */
    public String agentArgs() {
        StringBuilder sb = new StringBuilder(hosts.isEmpty() ? "nodes=" + nodes : "hosts=" + String.join(";", hosts));
        if (stats) {
            sb.append(",stats");
        }
        if (verbose) {
            sb.append(",verbose");
        }
        if (!"spread".equals(placement)) {
            sb.append(",placement=").append(placement);
        }
        if (balance) {
            sb.append(",balance");
        }
        sb.append(checkpoints.agentArgs());
        return sb.toString();
    }

    /** The placement policies a job can be started with (and switched to while it runs). */
    static final List<String> PLACEMENTS = List.of("spread", "local", "least-loaded", "follow-data");

    /** A duration as the agent's CheckpointConfig.parseDuration reads it: a whole number, then a unit or none. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})([a-z]*)");

    /** One pass over the arguments; a class so the cursor and the partial result stay together. */
    private static final class Parser {
        private final String[] args;
        private int i;
        private int nodes = 1;
        private boolean nodesGiven;
        private List<String> hosts = List.of();
        private boolean stats;
        private boolean verbose;
        private String placement = "spread";
        private boolean balance;
        private long checkpointEvery;
        private Path checkpointDir;
        private Path stableDir;
        private int mirrorEvery = Checkpoints.DEFAULT_MIRROR_EVERY;
        private int stableEvery = Checkpoints.DEFAULT_STABLE_EVERY;
        private boolean stableEveryGiven;
        private String scheme = Checkpoints.DEFAULT_SCHEME;
        private final List<String> jvmOptions = new ArrayList<>();
        private String java;
        private String classPath;

        Parser(String[] args) {
            this.args = args.clone();
        }

        LauncherOptions parse() throws UsageException {
            for (i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String inlineValue = null;
                if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                    name = arg.substring(0, arg.indexOf('='));
                    inlineValue = arg.substring(arg.indexOf('=') + 1);
                }
                switch (name) {
                    case "-h", "--help" -> {
                        return simple(Action.HELP);
                    }
                    case "--version" -> {
                        return simple(Action.VERSION);
                    }
                    case "--nodes" -> {
                        nodes = parseNodes(value(name, inlineValue));
                        nodesGiven = true;
                    }
                    case "--hosts" -> hosts = hosts(value(name, inlineValue));
                    case "--stats" -> stats = flag(name, inlineValue);
                    case "--verbose" -> verbose = flag(name, inlineValue);
                    case "--placement" -> placement = placement(value(name, inlineValue));
                    case "--balance" -> balance = flag(name, inlineValue);
                    case "--checkpoint-every" -> checkpointEvery = period(name, value(name, inlineValue));
                    case "--checkpoint-dir" -> checkpointDir = directory(name, value(name, inlineValue));
                    case "--stable-dir" -> stableDir = directory(name, value(name, inlineValue));
                    case "--mirror-every" -> mirrorEvery = every(name, value(name, inlineValue));
                    case "--stable-every" -> {
                        stableEvery = every(name, value(name, inlineValue));
                        stableEveryGiven = true;
                    }
                    case "--scheme" -> scheme = scheme(value(name, inlineValue));
                    case "--checkpoint-strict" -> {
                        // every node's JVM, and a restore's (it runs with the job's JVM flags)
                        flag(name, inlineValue);
                        if (!jvmOptions.contains(STRICT)) {
                            jvmOptions.add(STRICT);
                        }
                    }
                    case "--metrics-port" -> {
                        // node 0 serves it; the flag is every node's, like --jvm-opt
                        jvmOptions.removeIf(o -> o.startsWith(METRICS_PORT));
                        jvmOptions.add(METRICS_PORT + port(name, value(name, inlineValue)));
                    }
                    case "--console" -> {
                        jvmOptions.removeIf(o -> o.startsWith(CONSOLE_PORT));
                        jvmOptions.add(CONSOLE_PORT + port(name, value(name, inlineValue)));
                    }
                    case "--console-bind" -> {
                        String address = nonEmpty(name, value(name, inlineValue));
                        jvmOptions.removeIf(o -> o.startsWith(CONSOLE_BIND));
                        jvmOptions.add(CONSOLE_BIND + address);
                    }
                    case "--join-port" -> {
                        jvmOptions.removeIf(o -> o.startsWith(JOIN_PORT));
                        jvmOptions.add(JOIN_PORT + port(name, value(name, inlineValue)));
                    }
                    case "--secret-file" -> {
                        String file = nonEmpty(name, value(name, inlineValue));
                        jvmOptions.removeIf(o -> o.startsWith(SECRET_FILE));
                        jvmOptions.add(SECRET_FILE + Path.of(file).toAbsolutePath());
                    }
                    case "--jvm-opt" -> jvmOptions.add(value(name, inlineValue));
                    case "--java" -> java = nonEmpty(name, value(name, inlineValue));
                    case "-cp", "-classpath", "--class-path" -> classPath = value(name, inlineValue);
                    case "-jar" -> {
                        String jar = nonEmpty(name, value(name, inlineValue));
                        if (classPath != null) {
                            throw usage("-jar and -cp cannot be used together (the jar's manifest gives the "
                                    + "class path)");
                        }
                        return run(Optional.of(jar), Optional.empty());
                    }
                    default -> {
                        if (arg.startsWith("-")) {
                            throw usage(unknownOption(arg));
                        }
                        return run(Optional.empty(), Optional.of(arg));
                    }
                }
            }
            throw usage("no main class given: name one after the options, e.g. "
                    + "ssi-java -cp app.jar com.example.Main, or use -jar app.jar");
        }

        private LauncherOptions simple(Action action) {
            return new LauncherOptions(action, nodes, stats, verbose, placement, balance, List.of(),
                    Checkpoints.DEFAULT, jvmOptions, Optional.ofNullable(java),
                    Optional.ofNullable(classPath), Optional.empty(), Optional.empty(), List.of());
        }

        private LauncherOptions run(Optional<String> jar, Optional<String> main) throws UsageException {
            List<String> rest = Arrays.asList(args).subList(i + 1, args.length);
            if (!hosts.isEmpty()) {
                if (nodesGiven && nodes != hosts.size()) {
                    throw usage("--nodes " + nodes + " and --hosts with " + hosts.size() + " hosts disagree; give "
                            + "--hosts alone");
                }
                nodes = hosts.size();
            }
            return new LauncherOptions(Action.RUN, nodes, stats, verbose, placement, balance, hosts, checkpoints(),
                    jvmOptions, Optional.ofNullable(java),
                    Optional.ofNullable(classPath), jar, main, rest);
        }

        /** The checkpoint flags together; checked once all are known, since they may come in any order. */
        private Checkpoints checkpoints() throws UsageException {
            if (stableEveryGiven && stableDir == null) {
                throw usage("--stable-every needs --stable-dir");
            }
            if ((long) mirrorEvery * stableEvery > Integer.MAX_VALUE) {
                throw usage("--mirror-every times --stable-every is too large: " + mirrorEvery + " x " + stableEvery);
            }
            return new Checkpoints(checkpointEvery, Optional.ofNullable(checkpointDir), Optional.ofNullable(stableDir),
                    mirrorEvery, stableEvery, scheme);
        }

        /** Milliseconds, read as the agent's CheckpointConfig.parseDuration reads a duration. */
        private static long period(String name, String value) throws UsageException {
            Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw usage(name + " needs a duration such as 30s, 500ms or 2m, not '" + value + "'");
            }
            long amount = Long.parseLong(m.group(1));
            long millis = switch (m.group(2)) {
                case "ms" -> amount;
                case "", "s" -> amount * 1000;
                case "m", "min" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> throw usage(name + ": unknown unit '" + m.group(2) + "' in '" + value
                        + "' (ms, s, m or h; a bare number is seconds)");
            };
            if (millis == 0) {
                throw usage(name + " must be more than 0, not '" + value + "'");
            }
            return millis;
        }

        private static Path directory(String name, String value) throws UsageException {
            Path path;
            try {
                path = Path.of(nonEmpty(name, value)).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw usage(name + ": '" + value + "' is not a path: " + e.getReason());
            }
            // the agent's options are one comma-separated string
            if (path.toString().indexOf(',') >= 0) {
                throw usage(name + ": the path " + path + " holds a ',', which the agent's comma-separated "
                        + "options cannot carry; choose a directory without one");
            }
            return path;
        }

        private static int every(String name, String value) throws UsageException {
            if (!value.matches("\\d{1,9}")) {
                throw usage(name + " needs a whole number of at least 1, not '" + value + "'");
            }
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw usage(name + " must be at least 1, not " + n);
            }
            return n;
        }

        private static String scheme(String value) throws UsageException {
            String s = value.toUpperCase(Locale.ROOT);
            if (!s.equals("A") && !s.equals("B")) {
                throw usage("--scheme must be A or B, not '" + value + "'");
            }
            return s;
        }

        private String placement(String value) throws UsageException {
            if (!PLACEMENTS.contains(value)) {
                throw usage("--placement: unknown policy '" + value + "'; valid: " + String.join(", ", PLACEMENTS));
            }
            return value;
        }

        /** The option's value: after '=' in --name=value, else the next argument. */
        private String value(String name, String inlineValue) throws UsageException {
            if (inlineValue != null) {
                return inlineValue;
            }
            if (i + 1 >= args.length) {
                throw usage("missing value for " + name);
            }
            return args[++i];
        }

        /** The JVM flag of --checkpoint-strict: a checkpoint that holds what a restore cannot reopen is not taken. */
        static final String STRICT = "-Dssi.checkpoint.strict=true";

        /** The JVM flags of --join-port and --secret-file, before their values. */
        static final String JOIN_PORT = "-Dssi.join.port=";
        /** The JVM flag of --console, before the port. */
        static final String CONSOLE_PORT = "-Dssi.console.port=";
        /** The JVM flag of --console-bind, before the address. */
        static final String CONSOLE_BIND = "-Dssi.console.bind=";
        static final String SECRET_FILE = "-Dssi.secret.file=";

        /** The JVM flag of --metrics-port, before the port. */
        static final String METRICS_PORT = "-Dssi.metrics.port=";

        private static int port(String name, String value) throws UsageException {
            if (!value.matches("\\d{1,5}") || Integer.parseInt(value) > 65_535) {
                throw usage(name + " needs a port number from 0 (any free one) to 65535, not '" + value + "'");
            }
            return Integer.parseInt(value);
        }

        private static boolean flag(String name, String inlineValue) throws UsageException {
            if (inlineValue != null) {
                throw usage(name + " takes no value");
            }
            return true;
        }

        private static String nonEmpty(String name, String value) throws UsageException {
            if (value.isEmpty()) {
                throw usage("empty value for " + name);
            }
            return value;
        }

        private static List<String> hosts(String value) throws UsageException {
            List<String> out = List.of(value.split(",", -1));
            if (out.size() > MAX_NODES) {
                throw usage("--hosts names " + out.size() + " hosts; at most " + MAX_NODES);
            }
            for (String h : out) {
                if (!h.matches("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]")) {
                    throw usage("--hosts: '" + h + "' is not a host name or address (comma-separated, IPv6 as "
                            + "[addr])");
                }
            }
            return out;
        }

        private static int parseNodes(String value) throws UsageException {
            // Digits only: "+3", "0x3" or " 3" are more likely typos than intent.
            if (!value.matches("\\d{1,9}")) {
                throw usage("--nodes needs a whole number from 1 to " + MAX_NODES + ", not '" + value + "'");
            }
            int n = Integer.parseInt(value);
            if (n < 1 || n > MAX_NODES) {
                throw usage("--nodes must be from 1 to " + MAX_NODES + ", not " + n);
            }
            return n;
        }

        private static String unknownOption(String arg) {
            String hint = "";
            if (arg.startsWith("-X") || arg.startsWith("-D") || arg.startsWith("-ea") || arg.startsWith("-agent")
                    || arg.startsWith("-javaagent") || arg.startsWith("--add-")) {
                hint = " (JVM flags go through --jvm-opt, e.g. --jvm-opt " + arg + ")";
            }
            return "unknown option '" + arg + "'" + hint;
        }

        private static UsageException usage(String message) {
            return new UsageException(message, true);
        }
    }
}
