package io.ssijava.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * A job's {@value #NAME}: how node 0 of a job that takes checkpoints was started and how it takes them, written
 * by the agent next to the job's checkpoints ({@code ROOT/job-HEX/job.properties}) so that {@code ssi-java restore}
 * can start the job again.
 *
 * @param file            where it was read from
 * @param id              the job id the job ran under
 * @param number          the job number in hex, as in its {@code job-HEX} directories
 * @param nodes           the job's node count
 * @param java            the java executable the job ran with
 * @param jvmArgs         the user's JVM flags (no ssi agent flag)
 * @param classPath       the class path; empty for none
 * @param mode            how {@link #target} names the entry point
 * @param target          the main class, the jar, or {@code module/class}
 * @param args            the program's arguments
 * @param checkpointDir   the level-1 root the job used
 * @param stableDir       the stable directory; empty for none
 * @param checkpointEvery the automatic checkpoint period in milliseconds; 0 for none
 * @param mirrorEvery     every M-th checkpoint mirrored
 * @param stableEvery     every M*N-th checkpoint to the stable directory
 * @param scheme          {@code A} or {@code B}
 */
record JobFile(Path file, String id, String number, int nodes, String java, List<String> jvmArgs, String classPath,
               Mode mode, String target, List<String> args, Path checkpointDir, Optional<Path> stableDir,
               long checkpointEvery, int mirrorEvery, int stableEvery, String scheme) {

    /** The file's name in a job directory. */
    static final String NAME = "job.properties";
    /** The only format this launcher reads. */
    static final String FORMAT = "1";
    /** The largest values LauncherOptions takes for --checkpoint-every (12 digits) and --mirror/stable-every. */
    private static final long MAX_PERIOD = 999_999_999_999L;
    private static final long MAX_EVERY = 999_999_999L;

    /** How the job's entry point was named, as the agent records it. */
    enum Mode {
        /** {@code java -cp CP Main}. */
        CLASS,
        /** {@code java -jar app.jar}. */
        JAR,
        /** {@code java -m module/Main}. */
        MODULE
    }

    /** Copies the lists so instances are immutable. */
    JobFile {
        Objects.requireNonNull(file, "file");
        jvmArgs = List.copyOf(jvmArgs);
        args = List.copyOf(args);
        Objects.requireNonNull(stableDir, "stableDir");
    }

    /**
     * Reads and checks a job file.
     *
     * @param file the file
     * @return its contents
     * @throws UsageException when it cannot be read, is of another format, misses a key or holds a bad value
     */
    static JobFile read(Path file) throws UsageException {
        Properties p = new Properties();
        // store(OutputStream) writes escaped ASCII, which reads the same as UTF-8
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot read the job file " + file + ": permission denied", false);
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read the job file " + file + ": " + e.getMessage(), false);
        }
        Keys keys = new Keys(file, p);
        String format = keys.string("format");
        if (!FORMAT.equals(format)) {
            throw new UsageException("the job file " + file + " has format " + format + ", but this ssi-java reads "
                    + "only format " + FORMAT + ": restore the job with the ssi-java that ran it", false);
        }
        String number = keys.string("job.number");
        if (!number.matches("[0-9a-fA-F]{1,16}")) {
            throw keys.bad("job.number", "is not a job number in hex");
        }
        String mode = keys.string("mode");
        Mode parsedMode;
        try {
            parsedMode = Mode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw keys.bad("mode", "is not CLASS, JAR or MODULE");
        }
        String scheme = keys.string("scheme");
        if (!scheme.equals("A") && !scheme.equals("B")) {
            throw keys.bad("scheme", "is not A or B");
        }
        String stable = p.getProperty("stable.dir");
        return new JobFile(file, keys.string("job.id"), number,
                (int) keys.number("nodes", 1, LauncherOptions.MAX_NODES), keys.string("java"),
                keys.list("jvm.args", "jvm.arg."), keys.string("classpath"), parsedMode,
                keys.nonEmpty("target"), keys.list("args", "arg."), keys.path("checkpoint.dir"),
                stable == null ? Optional.empty() : Optional.of(keys.path("stable.dir")),
                keys.number("checkpoint.every", 0, MAX_PERIOD),
                (int) keys.number("mirror.every", 1, MAX_EVERY),
                (int) keys.number("stable.every", 1, MAX_EVERY), scheme);
    }

    /** Looks keys up, naming the file and the key in what it throws. */
    private record Keys(Path file, Properties p) {

        String string(String key) throws UsageException {
            String value = p.getProperty(key);
            if (value == null) {
                throw new UsageException("the job file " + file + " misses the key " + key
                        + ": it is damaged, or was not written by the ssi agent", false);
            }
            return value;
        }

        String nonEmpty(String key) throws UsageException {
            String value = string(key);
            if (value.isEmpty()) {
                throw bad(key, "is empty");
            }
            return value;
        }

        long number(String key, long min, long max) throws UsageException {
            String value = string(key);
            // 18 digits at most: no overflow
            long n = value.matches("\\d{1,18}") ? Long.parseLong(value) : -1;
            if (n < min || n > max) {
                throw bad(key, "is not a whole number from " + min + " to " + max);
            }
            return n;
        }

        List<String> list(String countKey, String prefix) throws UsageException {
            int count = (int) number(countKey, 0, 100_000);
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                values.add(string(prefix + i));
            }
            return values;
        }

        Path path(String key) throws UsageException {
            String value = nonEmpty(key);
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw bad(key, "is not a path");
            }
        }

        UsageException bad(String key, String why) {
            return new UsageException("the job file " + file + " is damaged: " + key + "="
                    + p.getProperty(key, "") + " " + why, false);
        }
    }
}
