package io.ssijava.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ssi-java restore [options] CHECKPOINT}: starts a job again from one of its committed checkpoints, possibly
 * on another number of nodes. The job's {@link JobFile} says how it ran; that run's command line, with the options
 * given here laid over the recorded ones, goes through {@link LauncherOptions} as any run's does, and node 0 starts
 * as for a run, with one more agent item: {@code restore=HEX:N} (N = 0: the newest committed checkpoint).
 */
final class RestoreCommand {

    /** The first word of the command line that selects this command. */
    static final String NAME = "restore";

    private static final String PREFIX = "ssi-java: ";
    private static final Pattern JOB_DIR = Pattern.compile("job-([0-9a-fA-F]{1,16})");
    /** The agent writes %08d: eight digits, more once the numbers outgrow them. */
    private static final Pattern CKPT_DIR = Pattern.compile("ckpt-(\\d{8,18})");
    private static final Pattern NODE_DIR = Pattern.compile("node-\\d+");
    private static final String COMMIT = "commit";
    private static final String SHAPES = "a checkpoint directory, .../job-<hex>/ckpt-NNNNNNNN, or a job directory, "
            + ".../job-<hex>, for its newest committed checkpoint";
    private static final Set<String> FLAGS = Set.of("--stats", "--verbose", "--balance");
    private static final Set<String> VALUE_OPTIONS = Set.of("--nodes", "--java", "--placement", "--checkpoint-every",
            "--checkpoint-dir", "--stable-dir", "--mirror-every", "--stable-every", "--scheme");
    /** Run options that a restore takes from the job file instead. */
    private static final Set<String> RECORDED = Set.of("--jvm-opt", "-cp", "-classpath", "--class-path", "-jar");
    /** The most committed checkpoints an error message lists. */
    private static final int LISTED = 3;

    /**
     * The restore command line.
     *
     * @param help       whether --help was asked; nothing else matters then
     * @param options    the run options given, in order, as typed ({@code --name value} or {@code --name=value})
     * @param given      the names of the options given
     * @param checkpoint the checkpoint or job directory, as typed
     */
    record Request(boolean help, List<String> options, Set<String> given, String checkpoint) {

        /** Copies the collections so instances are immutable. */
        Request {
            options = List.copyOf(options);
            given = Set.copyOf(given);
        }
    }

    /**
     * A checkpoint named on the command line.
     *
     * @param jobDir     the job directory, absolute
     * @param job        the job number in lower-case hex, as the agent writes it and reads it in restore=
     * @param checkpoint the checkpoint's number; 0 for the newest committed one
     */
    record Target(Path jobDir, String job, long checkpoint) {

        /** Lower-cases the job number: the agent reads no other. */
        Target {
            job = job.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A restore resolved against the job file.
     *
     * @param target  the checkpoint to restore
     * @param job     the job's recorded command line and checkpoint settings
     * @param options the command line of the restored run
     * @param java    the java executable to run the nodes with
     * @param notes   what to tell the user before starting, without the {@code ssi-java: } prefix
     */
    record Plan(Target target, JobFile job, LauncherOptions options, String java, List<String> notes) {

        /** Copies the notes so instances are immutable. */
        Plan {
            Objects.requireNonNull(options, "options");
            notes = List.copyOf(notes);
        }

        /**
         * Node 0's command: a run's, with the restore item added to the agent options.
         *
         * @param agentJar the ssi agent jar
         * @return the command
         */
        List<String> command(Path agentJar) {
            return command(agentJar, "");
        }

        /**
         * Node 0's command, with more agent option items.
         *
         * @param agentJar the ssi agent jar
         * @param more     items appended to the agent options, each preceded by a comma
         * @return the command
         */
        List<String> command(Path agentJar, String more) {
            return ChildCommand.build(options, java, agentJar,
                    ",restore=" + target.job() + ":" + target.checkpoint() + more, job.mode() == JobFile.Mode.MODULE);
        }

        /**
         * The line printed before node 0 starts.
         *
         * @return the line, without the {@code ssi-java: } prefix
         */
        String banner() {
            return "restoring job " + job.id() + " from checkpoint "
                    + (target.checkpoint() == 0 ? "newest" : Long.toString(target.checkpoint()))
                    + " (taken on " + nodes(job.nodes()) + ") on " + nodes(options.nodes());
        }

        private static String nodes(int n) {
            return n + (n == 1 ? " node" : " nodes");
        }
    }

    private RestoreCommand() {
    }

    /**
     * Runs {@code ssi-java restore ...}.
     *
     * @param args        the whole command line, {@value #NAME} first
     * @param out         where --help goes
     * @param err         where ssi-java's messages go
     * @param properties  system property lookup (for the agent jar)
     * @param environment environment lookup (for the agent jar)
     * @return 0 after --help, 2 for usage errors and checkpoints that cannot be restored, else node 0's status
     */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> properties,
                   Function<String, String> environment) {
        try {
            Request request = parse(List.of(args).subList(1, args.length));
            if (request.help()) {
                out.print(HelpText.restoreHelp());
                out.flush();
                return 0;
            }
            Plan plan = plan(request, Main::ownJava);
            Path agentJar = AgentJarLocator.locate(properties, environment, Main.launcherLocation());
            String jobId = Recovery.newJobId();
            List<String> command = plan.command(agentJar, ",job=" + jobId);
            plan.notes().forEach(n -> err.println(PREFIX + n));
            err.println(PREFIX + plan.banner());
            if (plan.options().verbose()) {
                err.println(PREFIX + "starting node 0: " + ChildCommand.toShellString(command));
            }
            err.flush();
            return Recovery.run(command, jobId, plan.options(), agentJar, plan.java(), err);
        } catch (UsageException e) {
            err.println(PREFIX + e.getMessage());
            if (e.showUsage()) {
                err.print(HelpText.restoreUsage());
                err.println("Run 'ssi-java restore --help' for details.");
            }
            err.flush();
            return e.exitCode();
        }
    }

    /**
     * Node 0's command for a restore command line, without running it.
     *
     * @param args     the arguments after {@value #NAME}
     * @param agentJar the ssi agent jar
     * @param ownJava  the java to use when neither --java nor the job's java is there
     * @return the command
     * @throws UsageException as {@link #run} reports it
     */
    static List<String> command(List<String> args, Path agentJar, String ownJava) throws UsageException {
        return plan(parse(args), () -> ownJava).command(agentJar);
    }

    /**
     * Splits the arguments after {@value #NAME} into the options and the checkpoint. The option values are checked
     * later, by {@link LauncherOptions}.
     *
     * @param args the arguments
     * @return the request
     * @throws UsageException for an unknown option, a missing value, no checkpoint or anything after it
     */
    static Request parse(List<String> args) throws UsageException {
        List<String> options = new ArrayList<>();
        Set<String> given = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.startsWith("--") && arg.indexOf('=') > 2 ? arg.substring(0, arg.indexOf('=')) : arg;
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Request(true, List.of(), Set.of(), "");
            } else if (FLAGS.contains(name) || VALUE_OPTIONS.contains(name)) {
                options.add(arg);
                if (VALUE_OPTIONS.contains(name) && name.equals(arg)) {
                    if (i + 1 >= args.size()) {
                        throw usage("missing value for " + name);
                    }
                    options.add(args.get(++i));
                }
                given.add(name);
            } else if (RECORDED.contains(name)) {
                throw usage("restore takes no " + name + ": the job runs again with the JVM flags, class path, "
                        + "main class and arguments recorded in its " + JobFile.NAME);
            } else if (arg.startsWith("-")) {
                throw usage("unknown option '" + arg + "' for restore");
            } else if (i + 1 < args.size()) {
                throw usage("unexpected '" + args.get(i + 1) + "' after the checkpoint " + arg
                        + ": restore takes one checkpoint, and its options go before it");
            } else {
                return new Request(false, options, given, arg);
            }
        }
        throw usage("restore needs a checkpoint: " + SHAPES);
    }

    /**
     * Resolves a request: finds the checkpoint and the job file, and builds the restored run's command line.
     *
     * @param request the request (not --help)
     * @param ownJava the java to use when neither --java nor the job's java is there
     * @return the plan
     * @throws UsageException for a checkpoint that cannot be restored or a bad option value
     */
    static Plan plan(Request request, Supplier<String> ownJava) throws UsageException {
        Target target = locate(request.checkpoint());
        JobFile job = jobFile(target);
        List<String> line = new ArrayList<>();
        add(line, "--nodes", Integer.toString(job.nodes()));
        if (job.checkpointEvery() > 0) {
            add(line, "--checkpoint-every", job.checkpointEvery() + "ms");
        }
        // where the named checkpoint lies is where the restored job looks for it (the tree may have been moved or
        // copied since the job recorded its directories), unless told otherwise
        Path root = target.jobDir().getParent();
        boolean inNodeDir = root != null && root.getParent() != null && NODE_DIR.matcher(fileName(root)).matches();
        Path localRoot = inNodeDir ? root.getParent() : job.checkpointDir();
        Optional<Path> stableRoot = !inNodeDir && root != null ? Optional.of(root) : job.stableDir();
        add(line, "--checkpoint-dir", localRoot.toString());
        stableRoot.ifPresent(d -> add(line, "--stable-dir", d.toString()));
        add(line, "--mirror-every", Integer.toString(job.mirrorEvery()));
        // LauncherOptions refuses --stable-every without a stable directory
        if (stableRoot.isPresent() || request.given().contains("--stable-dir")) {
            add(line, "--stable-every", Integer.toString(job.stableEvery()));
        }
        add(line, "--scheme", job.scheme());
        for (String flag : withoutRequiredFlags(job.jvmArgs())) {
            add(line, "--jvm-opt", flag);
        }
        List<String> notes = new ArrayList<>();
        boolean jobJava = isFile(job.java());
        if (jobJava) {
            add(line, "--java", job.java());
        }
        line.addAll(request.options());
        if (job.mode() == JobFile.Mode.JAR) {
            // java.class.path of a -jar run is the jar itself
            add(line, "-jar", job.target());
        } else {
            if (!job.classPath().isEmpty()) {
                add(line, "-cp", job.classPath());
            }
            line.add(job.target());
        }
        line.addAll(job.args());
        LauncherOptions options = LauncherOptions.parse(line.toArray(String[]::new));
        String java = options.java().orElseGet(ownJava);
        if (!jobJava && !request.given().contains("--java") && options.verbose()) {
            notes.add("the job's java " + job.java() + " is not here; using " + java);
        }
        whereTheAgentLooks(target, options.checkpoints()).ifPresent(notes::add);
        return new Plan(target, job, options, java, notes);
    }

    /**
     * Checks the named directory and reads the checkpoint's number and job from its path.
     *
     * @param checkpoint the checkpoint or job directory, as typed; a trailing slash is fine
     * @return the target
     * @throws UsageException when it is missing, not a checkpoint or job directory, or not committed
     */
    static Target locate(String checkpoint) throws UsageException {
        Path path;
        try {
            path = Path.of(checkpoint).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw problem("'" + checkpoint + "' is not a path: " + e.getReason());
        }
        if (!Files.exists(path)) {
            throw problem("no such checkpoint or job directory: " + path);
        }
        if (!Files.isDirectory(path)) {
            throw problem(path + " is not a directory: name " + SHAPES);
        }
        Matcher ckpt = CKPT_DIR.matcher(fileName(path));
        Matcher jobName = JOB_DIR.matcher(fileName(path));
        if (ckpt.matches()) {
            Path jobDir = path.getParent();
            Matcher parent = JOB_DIR.matcher(jobDir == null ? "" : fileName(jobDir));
            if (!parent.matches()) {
                throw problem(path + " is not in a job directory (job-<hex>), where a job's checkpoints are: name "
                        + SHAPES);
            }
            long number = Long.parseLong(ckpt.group(1));
            if (number == 0) {
                throw problem(path + " is not a checkpoint: their numbers start at 1");
            }
            if (!Files.isRegularFile(path.resolve(COMMIT))) {
                throw notCommitted(number, parent.group(1), jobDir);
            }
            return new Target(jobDir, parent.group(1), number);
        }
        if (jobName.matches()) {
            if (committed(path).isEmpty()) {
                throw problem("job " + jobName.group(1) + " has no committed checkpoint in " + path
                        + ": nothing to restore from there (look in the other nodes' directories, DIR/node-K, or "
                        + "in the stable directory)");
            }
            return new Target(path, jobName.group(1), 0);
        }
        throw problem(path + " is neither a checkpoint directory (ckpt-NNNNNNNN) nor a job directory (job-<hex>): "
                + "name " + SHAPES);
    }

    /**
     * Finds and reads the job file: in the job directory, else in node 0's directory of the job when the job
     * directory is in another node's ({@code DIR/node-K}).
     *
     * @param target the checkpoint
     * @return the job file
     * @throws UsageException when there is none, or it cannot be read, is damaged or belongs to another job
     */
    static JobFile jobFile(Target target) throws UsageException {
        List<Path> tried = new ArrayList<>();
        tried.add(target.jobDir().resolve(JobFile.NAME));
        Path root = target.jobDir().getParent();
        if (root != null && root.getParent() != null && NODE_DIR.matcher(fileName(root)).matches()) {
            Path node0 = root.getParent().resolve("node-0").resolve(fileName(target.jobDir())).resolve(JobFile.NAME);
            if (!tried.contains(node0)) {
                tried.add(node0);
            }
        }
        for (Path file : tried) {
            if (Files.exists(file)) {
                JobFile job = JobFile.read(file);
                if (!job.number().equalsIgnoreCase(target.job())) {
                    throw problem("the job file " + file + " belongs to job " + job.number() + ", not to job "
                            + target.job() + " of " + target.jobDir());
                }
                return job;
            }
        }
        List<String> names = new ArrayList<>();
        tried.forEach(p -> names.add(p.toString()));
        throw problem("cannot find the job file of job " + target.job() + " (" + JobFile.NAME
                + ", which node 0 writes when the job starts); tried: " + String.join(", ", names));
    }

    private static UsageException notCommitted(long number, String job, Path jobDir) throws UsageException {
        List<Path> committed = committed(jobDir);
        String message = "checkpoint " + number + " of job " + job + " was never committed (its commit record is "
                + "missing)";
        if (committed.isEmpty()) {
            return problem(message + ", and " + jobDir + " holds no committed checkpoint either");
        }
        List<String> names = new ArrayList<>();
        committed.stream().limit(LISTED).forEach(p -> names.add(p.toString()));
        String more = committed.size() > LISTED ? " (and " + (committed.size() - LISTED) + " older)" : "";
        return problem(message + ": choose a committed one, e.g. " + String.join(", ", names) + more);
    }

    /** The committed checkpoint directories in a job directory, newest first. */
    private static List<Path> committed(Path jobDir) throws UsageException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(jobDir)) {
            for (Path p : entries) {
                Matcher m = CKPT_DIR.matcher(fileName(p));
                if (m.matches() && Long.parseLong(m.group(1)) > 0 && Files.isRegularFile(p.resolve(COMMIT))) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw problem("cannot list " + jobDir + ": " + e.getMessage());
        }
        found.sort(Comparator.comparingLong((Path p) -> number(p)).reversed());
        return found;
    }

    private static long number(Path checkpointDir) {
        return Long.parseLong(fileName(checkpointDir).substring("ckpt-".length()));
    }

    /**
     * A warning when the named checkpoint lies outside the directories the restored job reads, as after a copy:
     * the agent looks for the parts only under checkpoint-dir and stable-dir.
     */
    private static Optional<String> whereTheAgentLooks(Target target, LauncherOptions.Checkpoints c) {
        Path root = target.jobDir().getParent();
        if (root == null) {
            return Optional.empty();
        }
        Path localRoot = root.getParent();
        if (localRoot != null && NODE_DIR.matcher(fileName(root)).matches()) {
            if (c.dir().isEmpty() || !same(localRoot, c.dir().get())) {
                return Optional.of("the checkpoint is under " + localRoot + ", but the restored job looks "
                        + "for its parts under " + c.dir().map(Path::toString).orElse("the default directory")
                        + ": add --checkpoint-dir " + localRoot + " if the checkpoints were moved there");
            }
        } else if (c.stableDir().isEmpty() || !same(root, c.stableDir().get())) {
            return Optional.of("the checkpoint is in " + root + ", which is not the restored job's stable "
                    + "directory (" + c.stableDir().map(Path::toString).orElse("it has none")
                    + "): add --stable-dir " + root + " if the checkpoints were moved there");
        }
        return Optional.empty();
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.equals(b);
        }
    }

    /**
     * The recorded JVM flags without the export that {@link ChildCommand} adds to every run: the JVM lists it among
     * its input arguments, so the agent may have recorded it.
     */
    private static List<String> withoutRequiredFlags(List<String> flags) {
        String option = ChildCommand.REQUIRED_JVM_FLAGS.get(0);
        String value = ChildCommand.REQUIRED_JVM_FLAGS.get(1);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < flags.size(); i++) {
            String flag = flags.get(i);
            if (flag.equals(option + "=" + value)) {
                continue;
            }
            if (flag.equals(option) && i + 1 < flags.size() && flags.get(i + 1).equals(value)) {
                i++;
                continue;
            }
            kept.add(flag);
        }
        return kept;
    }

    private static boolean isFile(String path) {
        try {
            return !path.isEmpty() && Files.isRegularFile(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static void add(List<String> line, String option, String value) {
        line.add(option);
        line.add(value);
    }

    private static String fileName(Path path) {
        Path name = path.getFileName();
        return name == null ? "" : name.toString();
    }

    private static UsageException usage(String message) {
        return new UsageException(message, true);
    }

    private static UsageException problem(String message) {
        return new UsageException(message, false);
    }
}
