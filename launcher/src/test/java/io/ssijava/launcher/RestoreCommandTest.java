package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ssi-java restore} against checkpoint trees laid out as the agent lays them out:
 * {@code ck/node-K/job-1f2e/ckpt-NNNNNNNN} and {@code stable/job-1f2e/ckpt-NNNNNNNN}, with {@code job.properties}
 * in node 0's and the stable job directory.
 */
@Timeout(10)
class RestoreCommandTest {

    private static final Path AGENT = Path.of("/opt/ssi/ssi-agent.jar");
    private static final String OWN_JAVA = "/own/bin/java";
    private static final List<String> EXPORTS = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");

    @TempDir
    Path tmp;
    private Path ck;
    private Path stable;
    private Path jobJava;
    private Path node0Job;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void layOutTheJob() throws IOException {
        ck = tmp.resolve("ck");
        stable = tmp.resolve("stable");
        jobJava = Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java");
        Files.createFile(jobJava);
        node0Job = ck.resolve("node-0/job-1f2e");
        checkpoint(node0Job, 1, true);
        checkpoint(node0Job, 2, true);
        checkpoint(node0Job, 3, false);
        writeJobFile(node0Job, jobProperties());
    }

    /** The job file node 0 of a 3-node class-mode job with every checkpoint setting writes. */
    private Properties jobProperties() {
        Properties p = new Properties();
        p.setProperty("format", "1");
        p.setProperty("job.id", "9c41d0aa");
        p.setProperty("job.number", "1f2e");
        p.setProperty("nodes", "3");
        p.setProperty("java", jobJava.toString());
        p.setProperty("jvm.args", "2");
        p.setProperty("jvm.arg.0", "-Xmx1g");
        p.setProperty("jvm.arg.1", "-Dx=a b");
        p.setProperty("classpath", "app.jar:lib/*");
        p.setProperty("mode", "CLASS");
        p.setProperty("target", "com.example.Main");
        p.setProperty("args", "2");
        p.setProperty("arg.0", "in put");
        p.setProperty("arg.1", "--nodes");
        p.setProperty("checkpoint.dir", ck.toString());
        p.setProperty("stable.dir", stable.toString());
        p.setProperty("checkpoint.every", "30000");
        p.setProperty("mirror.every", "2");
        p.setProperty("stable.every", "3");
        p.setProperty("scheme", "A");
        return p;
    }

    private static Path checkpoint(Path jobDir, long number, boolean committed) throws IOException {
        Path dir = Files.createDirectories(jobDir.resolve(String.format("ckpt-%08d", number)));
        Files.writeString(dir.resolve("node-0.part"), "part");
        if (committed) {
            Files.writeString(dir.resolve("commit"), "commit");
        }
        return dir;
    }

    private static void writeJobFile(Path jobDir, Properties p) throws IOException {
        Files.createDirectories(jobDir);
        try (OutputStream o = Files.newOutputStream(jobDir.resolve(JobFile.NAME))) {
            p.store(o, "ssi-java job");
        }
    }

    private void rewriteJobFile(Map<String, String> changes, String... removed) throws IOException {
        Properties p = jobProperties();
        changes.forEach(p::setProperty);
        for (String key : removed) {
            p.remove(key);
        }
        writeJobFile(node0Job, p);
    }

    private static List<String> command(String... args) throws UsageException {
        return RestoreCommand.command(List.of(args), AGENT, OWN_JAVA);
    }

    private static RestoreCommand.Plan plan(String... args) throws UsageException {
        return RestoreCommand.plan(RestoreCommand.parse(List.of(args)), () -> OWN_JAVA);
    }

    /** The command of a run: java, the user's flags, the required export, the agent, then what the program is. */
    private static List<String> expected(String java, List<String> jvmFlags, String agentArgs, String... program) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmFlags);
        cmd.addAll(EXPORTS);
        cmd.add("-javaagent:" + AGENT + "=" + agentArgs);
        cmd.addAll(List.of(program));
        return cmd;
    }

    private String jobArgs() {
        return "checkpoint-every=30000,checkpoint-dir=" + ck + ",stable-dir=" + stable
                + ",mirror-every=2,stable-every=3,scheme=A";
    }

    private int main(String... args) {
        List<String> line = new ArrayList<>(List.of("restore"));
        line.addAll(List.of(args));
        // An agent jar that does not exist keeps any accidental run from starting a JVM.
        return Main.run(line.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("ssi.agent.jar", tmp.resolve("missing.jar").toString())::get, Map.<String, String>of()::get);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Runs the command line through Main, expects exit status 2 and returns the one-line message. */
    private String failure(boolean usage, String... args) {
        assertEquals(2, main(args), err());
        assertEquals("", out.toString(StandardCharsets.UTF_8), "stdout belongs to the program");
        String e = err();
        assertTrue(e.startsWith("ssi-java: "), e);
        assertEquals(usage, e.contains("usage: ssi-java restore"), e);
        assertEquals(usage, e.contains("Run 'ssi-java restore --help' for details."), e);
        return e.lines().findFirst().orElseThrow().substring("ssi-java: ".length());
    }

    @Test
    void shouldRestoreANamedCheckpointWithTheJobsCommandLine() throws UsageException {
        assertEquals(expected(jobJava.toString(), List.of("-Xmx1g", "-Dx=a b"),
                        "nodes=3," + jobArgs() + ",restore=1f2e:2",
                        "-cp", "app.jar:lib/*", "com.example.Main", "in put", "--nodes"),
                command(node0Job.resolve("ckpt-00000002").toString()));
    }

    @Test
    void shouldSayWhatItRestoresOnHowManyNodes() throws UsageException {
        assertEquals("restoring job 9c41d0aa from checkpoint 2 (taken on 3 nodes) on 5 nodes",
                plan("--nodes", "5", node0Job.resolve("ckpt-00000002").toString()).banner());
        assertEquals("restoring job 9c41d0aa from checkpoint newest (taken on 3 nodes) on 1 node",
                plan("--nodes=1", node0Job.toString()).banner());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "//", "/."})
    void shouldRestoreTheNewestCommittedCheckpointOfAJobDirectory(String suffix) throws UsageException {
        assertEquals(expected(jobJava.toString(), List.of("-Xmx1g", "-Dx=a b"),
                        "nodes=3," + jobArgs() + ",restore=1f2e:0",
                        "-cp", "app.jar:lib/*", "com.example.Main", "in put", "--nodes"),
                command(node0Job + suffix));
    }

    @Test
    void shouldAcceptACheckpointDirectoryWithATrailingSlashAndARelativePath() throws UsageException {
        Path relative = Path.of("").toAbsolutePath().relativize(node0Job.resolve("ckpt-00000001"));
        RestoreCommand.Plan p = plan(relative + "/");
        assertEquals(new RestoreCommand.Target(node0Job, "1f2e", 1), p.target());
        assertTrue(p.command(AGENT).get(5).endsWith(",restore=1f2e:1"), p.command(AGENT).toString());
    }

    @Test
    void shouldPassTheJobNumberInLowerCaseAsTheAgentReadsIt() throws IOException, UsageException {
        Path upper = ck.resolve("node-0/job-1F2E");
        checkpoint(upper, 2, true);
        writeJobFile(upper, jobProperties());
        assertTrue(command(upper.toString()).get(5).endsWith(",restore=1f2e:0"));
    }

    @Test
    void shouldFindNodeZerosJobFileForACheckpointOfAnotherNode() throws IOException, UsageException {
        Path node2Job = ck.resolve("node-2/job-1f2e");
        checkpoint(node2Job, 2, true);
        RestoreCommand.Plan p = plan(node2Job.resolve("ckpt-00000002").toString());
        assertEquals(node0Job.resolve(JobFile.NAME), p.job().file());
        assertEquals(List.of(), p.notes(), "the checkpoint is under the job's checkpoint directory");
        assertEquals(expected(jobJava.toString(), List.of("-Xmx1g", "-Dx=a b"),
                        "nodes=3," + jobArgs() + ",restore=1f2e:2",
                        "-cp", "app.jar:lib/*", "com.example.Main", "in put", "--nodes"), p.command(AGENT));
    }

    @Test
    void shouldRestoreFromTheStableDirectory() throws IOException, UsageException {
        Path stableJob = stable.resolve("job-1f2e");
        checkpoint(stableJob, 6, true);
        writeJobFile(stableJob, jobProperties());
        RestoreCommand.Plan p = plan(stableJob.resolve("ckpt-00000006").toString());
        assertEquals(stableJob.resolve(JobFile.NAME), p.job().file());
        assertEquals(List.of(), p.notes());
        assertTrue(p.command(AGENT).get(5).endsWith(",scheme=A,restore=1f2e:6"), p.command(AGENT).toString());
    }

    @Test
    void shouldLayTheOptionsGivenOverTheJobsOwn() throws UsageException {
        Path other = tmp.resolve("other");
        RestoreCommand.Plan p = plan("--nodes", "5", "--stats", "--verbose", "--placement", "local", "--balance",
                "--checkpoint-every=1m", "--mirror-every", "4", "--stable-every", "4", "--scheme", "b",
                "--checkpoint-dir", other.toString(), "--java=/opt/jdk/bin/java",
                node0Job.resolve("ckpt-00000002").toString());
        assertEquals(expected("/opt/jdk/bin/java", List.of("-Xmx1g", "-Dx=a b"),
                        "nodes=5,stats,verbose,placement=local,balance,checkpoint-every=60000,checkpoint-dir=" + other
                                + ",stable-dir=" + stable + ",restore=1f2e:2",
                        "-cp", "app.jar:lib/*", "com.example.Main", "in put", "--nodes"), p.command(AGENT));
        assertEquals(List.of("the checkpoint is under " + ck + ", but the restored job looks for its parts under "
                + other + ": add --checkpoint-dir " + ck + " if the checkpoints were moved there"), p.notes());
    }

    @Test
    void shouldRestoreFromACopyWhereItIs() throws IOException, UsageException {
        Path copy = tmp.resolve("copy");
        Path copiedJob = copy.resolve("job-1f2e");
        checkpoint(copiedJob, 8, true);
        writeJobFile(copiedJob, jobProperties());
        // the copy is where the restored job looks, not the directory the job recorded
        RestoreCommand.Plan p = plan(copiedJob.toString());
        assertEquals(List.of(), p.notes());
        assertTrue(p.command(AGENT).get(5).contains(",stable-dir=" + copy + ","), p.command(AGENT).toString());
        // unless told to look elsewhere
        assertEquals(List.of("the checkpoint is in " + copy + ", which is not the restored job's stable directory ("
                        + stable + "): add --stable-dir " + copy + " if the checkpoints were moved there"),
                plan("--stable-dir", stable.toString(), copiedJob.toString()).notes());
    }

    @Test
    void shouldRestoreFromAMovedLocalTreeWhereItIs() throws IOException, UsageException {
        Path moved = tmp.resolve("moved");
        Path movedJob = moved.resolve("node-0").resolve("job-1f2e");
        checkpoint(movedJob, 3, true);
        writeJobFile(movedJob, jobProperties());
        RestoreCommand.Plan p = plan(movedJob.toString());
        assertEquals(List.of(), p.notes());
        assertTrue(p.command(AGENT).get(5).contains(",checkpoint-dir=" + moved + ","), p.command(AGENT).toString());
    }

    @Test
    void shouldRunAJarAsTheJobDid() throws IOException, UsageException {
        rewriteJobFile(Map.of("mode", "JAR", "target", "/apps/app.jar", "classpath", "/apps/app.jar",
                "jvm.args", "0", "args", "1", "arg.0", "-cp"));
        assertEquals(expected(jobJava.toString(), List.of(), "nodes=3," + jobArgs() + ",restore=1f2e:0",
                "-jar", "/apps/app.jar", "-cp"), command(node0Job.toString()));
    }

    @Test
    void shouldRunAModularProgramWithDashM() throws IOException, UsageException {
        rewriteJobFile(Map.of("mode", "MODULE", "target", "app/com.example.Main", "classpath", "",
                "jvm.arg.0", "--module-path=mods", "jvm.arg.1", "-Xss2m", "args", "0"));
        assertEquals(expected(jobJava.toString(), List.of("--module-path=mods", "-Xss2m"),
                        "nodes=3," + jobArgs() + ",restore=1f2e:0", "-m", "app/com.example.Main"),
                command(node0Job.toString()));
    }

    @Test
    void shouldLeaveOutAnEmptyClassPath() throws IOException, UsageException {
        rewriteJobFile(Map.of("classpath", "", "args", "0"));
        List<String> cmd = command(node0Job.toString());
        assertFalse(cmd.contains("-cp"), cmd.toString());
        assertEquals("com.example.Main", cmd.get(cmd.size() - 1));
    }

    @Test
    void shouldNotRepeatTheExportEveryRunGets() throws IOException, UsageException {
        rewriteJobFile(Map.of("jvm.args", "4", "jvm.arg.0", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
                "jvm.arg.1", "-Xss2m", "jvm.arg.2", "--add-exports", "jvm.arg.3",
                "java.base/jdk.internal.misc=ALL-UNNAMED"));
        List<String> cmd = command(node0Job.toString());
        assertEquals(List.of(jobJava.toString(), "-Xss2m", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"),
                cmd.subList(0, 4));
        assertEquals(1, cmd.stream().filter(a -> a.contains("jdk.internal.misc")).count(), cmd.toString());
    }

    @Test
    void shouldUseTheLaunchersJavaWhenTheJobsIsNotThere() throws IOException, UsageException {
        rewriteJobFile(Map.of("java", tmp.resolve("gone/bin/java").toString()));
        assertEquals(OWN_JAVA, command(node0Job.toString()).get(0));
        assertEquals(List.of(), plan(node0Job.toString()).notes());
        assertEquals(List.of("the job's java " + tmp.resolve("gone/bin/java") + " is not here; using " + OWN_JAVA),
                plan("--verbose", node0Job.toString()).notes());
        assertEquals("/j/java", command("--java", "/j/java", node0Job.toString()).get(0));
    }

    @Test
    void shouldKeepAJobWithoutStableDirectoryOrPeriodWithoutThem() throws IOException, UsageException {
        rewriteJobFile(Map.of("checkpoint.every", "0", "mirror.every", "4", "stable.every", "3", "scheme", "B"),
                "stable.dir");
        Path copy = tmp.resolve("nowhere");
        assertTrue(command(node0Job.toString()).contains("-javaagent:" + AGENT + "=nodes=3,checkpoint-dir=" + ck
                + ",restore=1f2e:0"));
        // a stable directory given now takes the job's recorded stable period
        assertTrue(command("--stable-dir", copy.toString(), node0Job.toString()).contains("-javaagent:" + AGENT
                + "=nodes=3,checkpoint-dir=" + ck + ",stable-dir=" + copy + ",stable-every=3,restore=1f2e:0"));
        UsageException e = assertThrows(UsageException.class,
                () -> command("--stable-every", "2", node0Job.toString()));
        assertEquals("--stable-every needs --stable-dir", e.getMessage());
        assertTrue(e.showUsage());
    }

    @Test
    void shouldPrintTheBannerAndTheCommandBeforeStartingNodeZero() throws IOException {
        Path agent = TestJars.fakeAgentJar(tmp);
        Path noJava = tmp.resolve("no-java");
        int status = Main.run(new String[] {"restore", "--verbose", "--nodes", "2", "--java", noJava.toString(),
            node0Job.resolve("ckpt-00000002").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("ssi.agent.jar", agent.toString())::get,
                Map.<String, String>of()::get);
        assertEquals(2, status, err());
        List<String> lines = err().lines().toList();
        assertEquals("ssi-java: restoring job 9c41d0aa from checkpoint 2 (taken on 3 nodes) on 2 nodes", lines.get(0));
        assertEquals("ssi-java: starting node 0: " + noJava + " -Xmx1g '-Dx=a b' --add-exports "
                + "java.base/jdk.internal.misc=ALL-UNNAMED -javaagent:" + agent + "=nodes=2,verbose," + jobArgs()
                + ",restore=1f2e:2,job=ID -cp 'app.jar:lib/*' com.example.Main 'in put' --nodes",
                lines.get(1).replaceAll("job=[0-9a-f]{8}", "job=ID"));
        assertTrue(lines.get(2).startsWith("ssi-java: cannot start '" + noJava + "'"), err());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void shouldPrintItsHelp(String flag) {
        assertEquals(0, main("--nodes", "2", flag));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("ssi-java restore: start a job again from one of its committed checkpoints"),
                help);
        for (String word : List.of("--nodes K", "--java PATH", "--stats", "--verbose", "--placement P", "--balance",
                "--checkpoint-every D", "--checkpoint-dir DIR", "--stable-dir DIR", "--mirror-every M",
                "--stable-every N", "--scheme A|B", "CHECKPOINT", "job-HEX/ckpt-NNNNNNNN", "job.properties")) {
            assertTrue(help.contains(word), "restore help does not mention " + word + ":\n" + help);
        }
        assertEquals("", err());
    }

    @Test
    void shouldBeInTheLaunchersHelpAndUsage() {
        assertTrue(HelpText.usage().contains("ssi-java restore [--nodes K] [options] CHECKPOINT"));
        assertTrue(HelpText.help().contains("see ssi-java restore --help"));
    }

    @Test
    void shouldRejectAMissingPath() {
        Path gone = tmp.resolve("gone/job-1f2e");
        assertEquals("no such checkpoint or job directory: " + gone, failure(false, gone.toString()));
    }

    @Test
    void shouldRejectAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("ckpt-00000001"), "x");
        assertEquals(file + " is not a directory: name a checkpoint directory, .../job-<hex>/ckpt-NNNNNNNN, or a job "
                + "directory, .../job-<hex>, for its newest committed checkpoint", failure(false, file.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ck", "ck/node-0", "ck/node-0/job-xyz", "ck/node-0/job-1f2e/ckpt-3",
        "ck/node-0/job-1f2e/checkpoint-00000003"})
    void shouldRejectADirectoryThatIsNeitherACheckpointNorAJob(String dir) throws IOException {
        Path path = Files.createDirectories(tmp.resolve(dir));
        assertEquals(path + " is neither a checkpoint directory (ckpt-NNNNNNNN) nor a job directory (job-<hex>): name "
                + "a checkpoint directory, .../job-<hex>/ckpt-NNNNNNNN, or a job directory, .../job-<hex>, for its "
                + "newest committed checkpoint", failure(false, path.toString()));
    }

    @Test
    void shouldRejectACheckpointOutsideAJobDirectory() throws IOException {
        Path lost = checkpoint(tmp.resolve("lost"), 4, true);
        assertTrue(failure(false, lost.toString()).startsWith(lost + " is not in a job directory (job-<hex>)"));
    }

    @Test
    void shouldRejectCheckpointZero() throws IOException {
        Path zero = checkpoint(node0Job, 0, true);
        assertEquals(zero + " is not a checkpoint: their numbers start at 1", failure(false, zero.toString()));
    }

    @Test
    void shouldListTheCommittedCheckpointsForOneThatWasNeverCommitted() throws IOException {
        checkpoint(node0Job, 7, true);
        checkpoint(node0Job, 5, true);
        assertEquals("checkpoint 3 of job 1f2e was never committed (its commit record is missing): choose a "
                        + "committed one, e.g. " + node0Job.resolve("ckpt-00000007") + ", "
                        + node0Job.resolve("ckpt-00000005") + ", " + node0Job.resolve("ckpt-00000002")
                        + " (and 1 older)",
                failure(false, node0Job.resolve("ckpt-00000003").toString()));
    }

    @Test
    void shouldSayWhenAJobDirectoryHoldsNoCommittedCheckpointAtAll() throws IOException {
        Path node1Job = ck.resolve("node-1/job-1f2e");
        Path uncommitted = checkpoint(node1Job, 3, false);
        assertEquals("checkpoint 3 of job 1f2e was never committed (its commit record is missing), and " + node1Job
                + " holds no committed checkpoint either", failure(false, uncommitted.toString()));
        err.reset();
        assertEquals("job 1f2e has no committed checkpoint in " + node1Job + ": nothing to restore from there (look "
                + "in the other nodes' directories, DIR/node-K, or in the stable directory)",
                failure(false, node1Job.toString()));
    }

    @Test
    void shouldNameThePathsTriedForAMissingJobFile() throws IOException {
        Path node2Job = ck.resolve("node-2/job-1f2e");
        checkpoint(node2Job, 2, true);
        Files.delete(node0Job.resolve(JobFile.NAME));
        assertEquals("cannot find the job file of job 1f2e (job.properties, which node 0 writes when the job "
                        + "starts); tried: " + node2Job.resolve(JobFile.NAME) + ", " + node0Job.resolve(JobFile.NAME),
                failure(false, node2Job.toString()));
        err.reset();
        Path stableJob = stable.resolve("job-1f2e");
        checkpoint(stableJob, 6, true);
        assertEquals("cannot find the job file of job 1f2e (job.properties, which node 0 writes when the job "
                + "starts); tried: " + stableJob.resolve(JobFile.NAME), failure(false, stableJob.toString()));
    }

    @Test
    void shouldRejectAnUnreadableJobFile() throws IOException {
        Files.delete(node0Job.resolve(JobFile.NAME));
        Files.createDirectory(node0Job.resolve(JobFile.NAME));
        assertTrue(failure(false, node0Job.toString()).startsWith("cannot read the job file "
                + node0Job.resolve(JobFile.NAME) + ": "), err());
    }

    @Test
    void shouldRejectAnotherFormat() throws IOException {
        rewriteJobFile(Map.of("format", "2"));
        assertEquals("the job file " + node0Job.resolve(JobFile.NAME) + " has format 2, but this ssi-java reads only "
                + "format 1: restore the job with the ssi-java that ran it", failure(false, node0Job.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"format", "job.id", "job.number", "nodes", "java", "jvm.args", "jvm.arg.1", "classpath",
        "mode", "target", "args", "arg.1", "checkpoint.dir", "checkpoint.every", "mirror.every", "stable.every",
        "scheme"})
    void shouldRejectAJobFileMissingAKey(String key) throws IOException {
        rewriteJobFile(Map.of(), key);
        assertEquals("the job file " + node0Job.resolve(JobFile.NAME) + " misses the key " + key
                + ": it is damaged, or was not written by the ssi agent", failure(false, node0Job.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "nodes            | 0     | is not a whole number from 1 to 64",
        "nodes            | 65    | is not a whole number from 1 to 64",
        "nodes            | three | is not a whole number from 1 to 64",
        "jvm.args         | -1    | is not a whole number from 0 to 100000",
        "checkpoint.every | -5    | is not a whole number from 0 to 999999999999",
        "mirror.every     | 0     | is not a whole number from 1 to 999999999",
        "stable.every     | 1e3   | is not a whole number from 1 to 999999999",
        "mode             | WAR   | is not CLASS, JAR or MODULE",
        "scheme           | C     | is not A or B",
        "target           | ''    | is empty",
        "checkpoint.dir   | ''    | is empty",
        "job.number       | xyz   | is not a job number in hex",
    })
    void shouldRejectABadValueInTheJobFile(String key, String value, String why) throws IOException {
        rewriteJobFile(Map.of(key, value));
        assertEquals("the job file " + node0Job.resolve(JobFile.NAME) + " is damaged: " + key + "=" + value + " "
                + why, failure(false, node0Job.toString()));
    }

    @Test
    void shouldRejectTheJobFileOfAnotherJob() throws IOException {
        rewriteJobFile(Map.of("job.number", "abcd"));
        assertEquals("the job file " + node0Job.resolve(JobFile.NAME) + " belongs to job abcd, not to job 1f2e of "
                + node0Job, failure(false, node0Job.toString()));
    }

    @Test
    void shouldRejectOptionsAfterTheCheckpoint() {
        assertEquals("unexpected '--nodes' after the checkpoint " + node0Job + ": restore takes one checkpoint, and "
                + "its options go before it", failure(true, node0Job.toString(), "--nodes", "2"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                  | restore needs a checkpoint: a checkpoint directory, .../job-<hex>/ckpt-NNNNNNNN, or "
            + "a job directory, .../job-<hex>, for its newest committed checkpoint",
        "--nodes 2           | restore needs a checkpoint: a checkpoint directory, .../job-<hex>/ckpt-NNNNNNNN, or "
            + "a job directory, .../job-<hex>, for its newest committed checkpoint",
        "--bogus JOB         | unknown option '--bogus' for restore",
        "--version JOB       | unknown option '--version' for restore",
        "--nodes             | missing value for --nodes",
        "--checkpoint-dir    | missing value for --checkpoint-dir",
        "--jvm-opt -Xmx1g JOB | restore takes no --jvm-opt: the job runs again with the JVM flags, class path, main "
            + "class and arguments recorded in its job.properties",
        "-cp x JOB           | restore takes no -cp: the job runs again with the JVM flags, class path, main class "
            + "and arguments recorded in its job.properties",
        "--nodes 0 JOB       | --nodes must be from 1 to 64, not 0",
        "--nodes=65 JOB      | --nodes must be from 1 to 64, not 65",
        "--scheme C JOB      | --scheme must be A or B, not 'C'",
        "--checkpoint-every 0 JOB | --checkpoint-every must be more than 0, not '0'",
        "--stats=1 JOB       | --stats takes no value",
        "--placement far JOB | --placement: unknown policy 'far'; valid: spread, local, least-loaded, follow-data",
    })
    void shouldRejectABadCommandLineWithItsUsage(String line, String message) {
        String[] args = line.isEmpty() ? new String[0] : line.replace("JOB", node0Job.toString()).split(" ");
        assertEquals(message, failure(true, args));
    }
}
