package io.ssijava.systemtests;

import com.sun.tools.attach.VirtualMachine;
import io.ssijava.testsupport.Paths;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.RunningProcess;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steering a running 2-node job from another process: {@code ssi-java threads|nodes|migrate|placement} against
 * the job's control point, found through its job file and admitted only with its secret.
 */
@ExtendWith(ProcessCleanupExtension.class)
class ControlTest {

    @TempDir
    Path tmp;

    private ProcessRunner.Result control(Path runDir, String... words) {
        return Cluster.control(runDir, words);
    }

    private static Path awaitJobFile(Path runDir, RunningProcess job) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(runDir)) {
                try (Stream<Path> files = Files.list(runDir)) {
                    List<Path> jobs = files.filter(f -> f.toString().endsWith(".job")).toList();
                    if (!jobs.isEmpty()) {
                        return jobs.get(0);
                    }
                }
            }
            assertTrue(job.isAlive(), () -> "the job ended before it wrote its job file\n" + job.stderr());
            Thread.sleep(20);
        }
        throw new AssertionError("no job file in " + runDir + " after 60 s\n" + job.stderr());
    }

    @Test
    @Timeout(180)
    void threadsAreListedMovedAndPlacedFromAnotherProcessOnlyWithTheJobsSecret() throws Exception {
        Path cp = Cluster.litmusClasses();
        Path runDir = tmp.resolve("run");
        Path go = tmp.resolve("go");
        Path goPlain = Files.createFile(tmp.resolve("go-plain"));
        String want = Cluster.plain(cp, "control.Steerable", "3", goPlain.toString()).stdout();

        List<String> cmd = SsiJava.agentCommand("nodes=2,stats,placement=local", cp.toString(), "control.Steerable",
                "3", go.toString());
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            Path jobFile = awaitJobFile(runDir, job);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(jobFile), "only the job's owner may read its secret");

            ProcessRunner.Result jobs = control(runDir, "jobs");
            assertEquals(0, jobs.exitCode(), jobs::describe);
            assertTrue(jobs.stdout().contains("control.Steerable"), jobs::describe);

            ProcessRunner.Result threads = control(runDir, "threads");
            assertEquals(0, threads.exitCode(), threads::describe);
            assertEquals(3, threads.stdout().lines()
                    .filter(l -> l.matches("\\d+\\s+0\\s+\\S+\\s+yes\\s+worker-\\d.*")).count(), threads::describe);
            assertTrue(threads.stdout().lines().anyMatch(l -> l.matches("\\d+\\s+0\\s+\\S+\\s+yes\\s+main")),
                    threads::describe);

            ProcessRunner.Result moved = control(runDir, "migrate", "worker-1", "1");
            assertEquals(0, moved.exitCode(), moved::describe);
            assertTrue(moved.stdout().contains("moved thread \"worker-1\""), moved::describe);
            ProcessRunner.Result after = control(runDir, "threads");
            assertTrue(after.stdout().lines().anyMatch(l -> l.matches("\\d+\\s+1\\s+\\S+\\s+yes\\s+worker-1")),
                    after::describe);

            ProcessRunner.Result mainMove = control(runDir, "migrate", "main", "1");
            assertEquals(0, mainMove.exitCode(), mainMove::describe);
            ProcessRunner.Result mainMoved = control(runDir, "threads");
            assertTrue(mainMoved.stdout().lines().anyMatch(l -> l.matches("\\d+\\s+1\\s+\\S+\\s+yes\\s+main")),
                    mainMoved::describe);
            ProcessRunner.Result noNode = control(runDir, "migrate", "worker-0", "7");
            assertEquals(1, noNode.exitCode(), noNode::describe);
            assertTrue(noNode.stderr().contains("no node 7"), noNode::describe);

            ProcessRunner.Result switched = control(runDir, "placement", "follow-data");
            assertEquals(0, switched.exitCode(), switched::describe);
            ProcessRunner.Result nodes = control(runDir, "nodes");
            assertEquals(2, nodes.stdout().lines().filter(l -> l.endsWith(" follow-data")).count(), nodes::describe);
            ProcessRunner.Result unknown = control(runDir, "placement", "packed");
            assertEquals(1, unknown.exitCode(), unknown::describe);
            assertTrue(unknown.stderr().contains("least-loaded"), unknown::describe);

            assertEquals("ERROR wrong secret", withSecret(jobFile, "00ff").split(":")[0],
                    "a wrong secret is refused");
            job.awaitStderr("refused a control connection", Duration.ofSeconds(10));

            Files.createFile(go);
            ProcessRunner.Result r = job.await();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
            assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
            // worker-1 and main
            assertTrue(r.stderr().contains("node 0:") && r.stderr().matches("(?s).*node 0: .*threads moved out 2\\b.*"),
                    r::stderr);
            assertTrue(!Files.exists(jobFile), "the job file goes with the job");
        }
        ProcessRunner.Result gone = control(runDir, "threads");
        assertEquals(2, gone.exitCode(), gone::describe);
        assertTrue(gone.stderr().contains("no running ssi-java job"), gone::describe);
    }

    /**
     * The job at a glance ({@code status}), every node's metrics in the scrape format ({@code metrics}) and as each
     * node's MBean (read over JMX from the worker node's JVM), and {@code stop}, which ends the job on every node
     * with the status given.
     */
    @Test
    @Timeout(180)
    void statusMetricsAndStopFromAnotherProcess() throws Exception {
        Path cp = Cluster.litmusClasses();
        Path runDir = tmp.resolve("run");
        List<String> cmd = new ArrayList<>(SsiJava.agentCommand("nodes=2", cp.toString(), "control.Steerable", "3",
                tmp.resolve("never").toString()));
        cmd.add(1, "-Dssi.metrics.port=0"); // as ssi-java --metrics-port 0 passes it
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            Path jobFile = awaitJobFile(runDir, job);
            String id = read(jobFile).getProperty("job");

            // main and three workers, once they have started
            ProcessRunner.Result status = control(runDir, "status");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!status.stdout().contains("\nthreads: 4 ") && System.nanoTime() < deadline) {
                assertEquals(0, status.exitCode(), status::describe);
                Thread.sleep(50);
                status = control(runDir, "status");
            }
            assertEquals(0, status.exitCode(), status::describe);
            List<String> lines = status.stdout().lines().toList();
            assertTrue(lines.get(0).matches("job " + id + ": control\\.Steerable on 2 nodes, up .*"), status::describe);
            assertTrue(lines.get(1).matches("threads: 4 \\(.*\\); placement spread"), status::describe);
            for (int n = 0; n < 2; n++) {
                String row = n + "\\s+\\d+\\s+\\d+/\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\d+\\.\\d";
                assertTrue(lines.stream().anyMatch(l -> l.matches(row)), status::describe);
            }
            assertTrue(lines.contains("checkpoints: none yet"), status::describe);

            ProcessRunner.Result metrics = control(runDir, "metrics");
            assertEquals(0, metrics.exitCode(), metrics::describe);
            String labels = "\\{job=\"" + id + "\",node=\"[01]\"\\}";
            for (String l : metrics.stdout().lines().toList()) {
                assertTrue(l.matches("# (HELP|TYPE) ssi_[a-z_]+ .+") || l.matches("ssi_[a-z_]+" + labels
                        + " \\d+(\\.\\d+(E-?\\d+)?)?"), () -> "not in the scrape format: " + l + "\n"
                        + metrics.describe());
            }
            String text = metrics.stdout();
            assertTrue(text.contains("# TYPE ssi_remote_faults_total counter\n"), metrics::describe);
            assertTrue(text.contains("# TYPE ssi_heap_used_bytes gauge\n"), metrics::describe);
            for (int n = 0; n < 2; n++) {
                assertTrue(text.contains("ssi_node_up{job=\"" + id + "\",node=\"" + n + "\"} 1\n"), metrics::describe);
                assertTrue(value(text, "ssi_messages_sent_total", id, n) > 0, metrics::describe);
                assertTrue(value(text, "ssi_heap_used_bytes", id, n) > 0, metrics::describe);
            }
            // node 1 runs a worker (spread placement): it was started there
            assertTrue(value(text, "ssi_threads_run_total", id, 1) >= 1, metrics::describe);

            // the same from the scrape endpoint, to a scraper with the job's secret only
            Matcher at = Pattern.compile("metrics at (http://127\\.0\\.0\\.1:\\d+"
                    + "/metrics)").matcher(job.awaitStderr("metrics at http", Duration.ofSeconds(10)));
            assertTrue(at.find(), job::stderr);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create(at.group(1));
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), anonymous::body);
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer 00ff")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode(), wrong::body);
            HttpResponse<String> scraped = http.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + read(jobFile).getProperty("secret")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scraped.statusCode(), scraped::body);
            assertTrue(scraped.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    scraped.headers()::toString);
            assertTrue(scraped.body().contains("ssi_node_up{job=\"" + id + "\",node=\"1\"} 1\n"), scraped::body);
            assertTrue(value(scraped.body(), "ssi_messages_sent_total", id, 1)
                    >= value(text, "ssi_messages_sent_total", id, 1), scraped::body);

            // the worker node's JVM has its node's metrics as an MBean
            ProcessHandle worker = BadInputTest.findWorker(job.handle(), 1, job);
            VirtualMachine vm = VirtualMachine.attach(
                    Long.toString(worker.pid()));
            try (JMXConnector jmx = JMXConnectorFactory.connect(
                    new JMXServiceURL(vm.startLocalManagementAgent()))) {
                MBeanServerConnection server = jmx.getMBeanServerConnection();
                // registered once the job has run for a while (2 s)
                ObjectName pattern = new ObjectName("io.ssijava:type=Node,*");
                Set<ObjectName> names = server.queryNames(pattern, null);
                for (long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                        names.isEmpty() && System.nanoTime() < end; names = server.queryNames(pattern, null)) {
                    Thread.sleep(50);
                }
                assertEquals(1, names.size(), names::toString);
                ObjectName name = names.iterator().next();
                assertEquals("1", name.getKeyProperty("node"));
                assertEquals(id, ObjectName.unquote(name.getKeyProperty("job")));
                assertTrue((Double) server.getAttribute(name, "messages_sent_total") > 0);
                assertTrue((Double) server.getAttribute(name, "threads_run_total") >= 1);
            } finally {
                vm.detach();
            }

            ProcessRunner.Result badStatus = control(runDir, "stop", "300");
            assertEquals(1, badStatus.exitCode(), badStatus::describe);
            assertTrue(badStatus.stderr().contains("from 0 to 255"), badStatus::describe);
            assertTrue(job.isAlive(), "a refused stop leaves the job running");

            ProcessRunner.Result stop = control(runDir, "stop", "7");
            assertEquals(0, stop.exitCode(), stop::describe);
            assertTrue(stop.stdout().contains("stopping job " + id + " with exit status 7"), stop::describe);
            ProcessRunner.Result r = job.await();
            assertEquals(7, r.exitCode(), () -> Cluster.explain(cmd, r));
            assertTrue(r.stderr().contains("ssi-java: stopped by ssi-java stop; stopping the job (exit status 7)"),
                    () -> Cluster.explain(cmd, r));
            assertTrue(worker.onExit().get(10, TimeUnit.SECONDS) != null
                    && !worker.isAlive(), "the worker node stops with the job");
            assertTrue(!Files.exists(jobFile), "the job file goes with the job");
        }
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** @return a metric's value for a node, from the scrape format's text */
    private static double value(String text, String metric, String job, int node) {
        String prefix = metric + "{job=\"" + job + "\",node=\"" + node + "\"} ";
        return text.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(
                l.substring(prefix.length()))).findFirst().orElseThrow(() -> new AssertionError("no " + prefix
                + " in\n" + text));
    }

    @Test
    @Timeout(180)
    void aCheckpointAskedForFromAnotherProcessIsCommittedAndListed() throws Exception {
        Path cp = Cluster.litmusClasses();
        Path runDir = tmp.resolve("run");
        Path go = tmp.resolve("go");
        Path goPlain = Files.createFile(tmp.resolve("go-plain"));
        String want = Cluster.plain(cp, "control.Steerable", "3", goPlain.toString()).stdout();
        List<String> cmd = SsiJava.agentCommand("nodes=2,checkpoint-dir=" + tmp.resolve("ckpt"), cp.toString(),
                "control.Steerable", "3", go.toString());
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            awaitJobFile(runDir, job);
            ProcessRunner.Result none = control(runDir, "checkpoints");
            assertEquals(0, none.exitCode(), none::describe);
            assertTrue(none.stdout().contains("no checkpoints yet"), none::describe);

            // main and three workers, idling on both nodes, once main has started them all
            awaitListed(runDir, "worker-0", "worker-1", "worker-2");
            // the second holds only what changed since the first
            String committed = "checkpoint %d committed: levels 1, \\d+ bytes, paused \\d+ ms, took \\d+ ms, 4 threads, "
                    + "\\d+ objects(, incremental on checkpoint 1)?";
            for (int id = 1; id <= 2; id++) {
                ProcessRunner.Result taken = control(runDir, "checkpoint");
                assertEquals(0, taken.exitCode(), taken::describe);
                String line = String.format(committed, id);
                assertTrue(taken.stdout().lines().anyMatch(l -> l.matches(line)), taken::describe);
            }
            // both are kept: the second builds on the first
            ProcessRunner.Result listed = control(runDir, "checkpoints");
            assertEquals(0, listed.exitCode(), listed::describe);
            assertTrue(listed.stdout().lines().anyMatch(l -> l.matches("2\\s+1\\s+\\d+\\s+\\d+\\s+\\d+\\s+4\\s+.*")),
                    listed::describe);
            assertTrue(listed.stdout().lines().anyMatch(l -> l.matches("1\\s+1\\s+\\d+\\s+\\d+\\s+\\d+\\s+4\\s+.*")),
                    listed::describe);

            Files.createFile(go);
            ProcessRunner.Result r = job.await();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
            assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        }
    }

    /** Waits until {@code threads} lists every one of the named threads. */
    private void awaitListed(Path runDir, String... names) throws InterruptedException {
        awaitThreads(runDir, String.join(", ", names) + " are not all listed", out ->
                java.util.Arrays.stream(names).allMatch(n -> out.lines().anyMatch(l -> l.matches(".*\\s" + n)))
                        ? out : null);
    }

    /** @return the {@code threads} line of the named thread, once it shows it on {@code node} in a waiting state. */
    private String awaitWaiting(Path runDir, String name, int node) throws InterruptedException {
        return awaitThreads(runDir, name + " is not seen waiting on node " + node, out -> out.lines()
                .filter(l -> l.matches("\\d+\\s+" + node + "\\s+(TIMED_)?WAITING\\s+yes\\s+" + name + "\\b.*"))
                .findFirst().orElse(null));
    }

    /** Asks for {@code threads} until {@code found} makes something of its output (30 s at most). */
    private String awaitThreads(Path runDir, String failure, java.util.function.Function<String, String> found)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            ProcessRunner.Result threads = control(runDir, "threads");
            assertEquals(0, threads.exitCode(), threads::describe);
            last = threads.stdout();
            String result = found.apply(last);
            if (result != null) {
                return result;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(failure + "\n" + last);
    }

    @Test
    @Timeout(180)
    void aThreadMovesWhileItWaitsOnAMonitorAndIsWokenByANotifyFromAThirdNode() throws Exception {
        Path cp = Cluster.litmusClasses();
        Path runDir = tmp.resolve("run");
        Path go = tmp.resolve("go");
        Path goPlain = Files.createFile(tmp.resolve("go-plain"));
        String want = Cluster.plain(cp, "control.WaitAndNotify", goPlain.toString()).stdout();
        assertEquals("the waiter was notified and saw the release: true\n", want);

        List<String> cmd = SsiJava.agentCommand("nodes=3,stats,placement=local", cp.toString(),
                "control.WaitAndNotify", go.toString());
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            awaitJobFile(runDir, job);
            awaitWaiting(runDir, "waiter", 0);
            ProcessRunner.Result moved = control(runDir, "migrate", "waiter", "1");
            assertEquals(0, moved.exitCode(), moved::describe);
            // it goes on waiting where it arrived: in Object.wait again, not back in the program's loop for good
            awaitWaiting(runDir, "waiter", 1);
            ProcessRunner.Result notifier = control(runDir, "migrate", "notifier", "2");
            assertEquals(0, notifier.exitCode(), notifier::describe);
            ProcessRunner.Result keeper = control(runDir, "migrate", "keeper", "1");
            assertEquals(1, keeper.exitCode(), keeper::describe);
            assertTrue(keeper.stderr().contains("could not move: cannot share an instance of sun.nio.fs.UnixPath"),
                    keeper::describe);

            Files.createFile(go);
            ProcessRunner.Result r = job.await();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
            assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
            assertTrue(r.stderr().matches("(?s).*node 0: .*threads moved out 2\\b.*"), r::stderr);
            assertTrue(r.stderr().matches("(?s).*node 0: .*monitors carried [1-9].*"),
                    () -> "the waiter moves inside the monitor it waits on\n" + r.stderr());
        }
    }

    @Test
    void threadsBlockedInJavaUtilConcurrentWaitsMoveAndAreReleasedFromTheNodeTheyLeft() throws Exception {
        Path cp = Cluster.litmusClasses();
        Path runDir = tmp.resolve("run");
        Path go = tmp.resolve("go");
        Path goPlain = Files.createFile(tmp.resolve("go-plain"));
        String want = Cluster.plain(cp, "control.JucWaits", goPlain.toString()).stdout();
        assertEquals("results [3, 10, 20, 30, 40, 50, 60, 70, 81, 91, 101, 110, 120, 131], main's barrier index 0\n",
                want);

        List<String> cmd = SsiJava.agentCommand("nodes=3,stats,placement=local", cp.toString(),
                "control.JucWaits", go.toString());
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            awaitJobFile(runDir, job);
            String[] names = {"taker", "latch-waiter", "condition-waiter", "acquirer", "getter", "poller", "locker",
                "timed-condition-waiter", "barrier-waiter", "phaser-waiter",
                "timed-barrier-waiter", "termination-waiter", "subclass-taker", "subclass-phaser-waiter"};
            for (int i = 0; i < names.length; i++) {
                awaitWaiting(runDir, names[i], 0);
                int to = 1 + i % 2;
                ProcessRunner.Result moved = control(runDir, "migrate", names[i], Integer.toString(to));
                assertEquals(0, moved.exitCode(), moved::describe);
                // blocked again in the same call where it arrived
                awaitWaiting(runDir, names[i], to);
            }
            Files.createFile(go);
            ProcessRunner.Result r = job.await();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
            assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
            assertTrue(r.stderr().matches("(?s).*node 0: .*threads moved out 14\\b.*"), r::stderr);
        }
    }

    /**
     * A pool's workers move while they wait for a task, and again while each runs a task of the program's that
     * waits inside the program's code; the tasks end where they arrived with plain java's results, and the pool
     * shuts down with its workers on other nodes.
     */
    @Test
    void poolWorkersMoveWhileTheyWaitForATaskAndWhileTheyRunOne() throws Exception {
        Path cp = Cluster.litmusClasses();
        Path runDir = tmp.resolve("run");
        Path plainDir = Files.createDirectories(tmp.resolve("plain"));
        for (String f : List.of("go", "release")) {
            Files.createFile(plainDir.resolve(f));
        }
        String want = Cluster.plain(cp, "control.PoolTasks", plainDir.resolve("go").toString(),
                plainDir.resolve("started").toString(), plainDir.resolve("release").toString()).stdout();
        assertEquals("total 3002500530, tasks 2, pool ended true\n", want);

        Path go = tmp.resolve("go");
        Path started = tmp.resolve("started");
        Path release = tmp.resolve("release");
        List<String> cmd = SsiJava.agentCommand("nodes=3,stats,placement=local", cp.toString(),
                "control.PoolTasks", go.toString(), started.toString(), release.toString());
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            awaitJobFile(runDir, job);
            String[] workers = {"pool-1-thread-1", "pool-1-thread-2"};
            for (int i = 0; i < workers.length; i++) {
                awaitWaiting(runDir, workers[i], 0);
                ProcessRunner.Result moved = control(runDir, "migrate", workers[i], Integer.toString(1 + i));
                assertEquals(0, moved.exitCode(), moved::describe);
                awaitWaiting(runDir, workers[i], 1 + i); // waiting for a task again where it arrived
            }
            Files.createFile(go);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(started) && System.nanoTime() < deadline && job.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(started), "the tasks did not start");
            // each in its task now: worker 1 moves from node 1 to node 2, worker 2 from node 2 back to node 0
            for (int i = 0; i < workers.length; i++) {
                int to = (2 + i) % 3;
                ProcessRunner.Result moved = control(runDir, "migrate", workers[i], Integer.toString(to));
                assertEquals(0, moved.exitCode(), moved::describe);
                awaitWaiting(runDir, workers[i], to);
            }
            Files.createFile(release);
            ProcessRunner.Result r = job.await();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(cmd, r));
            assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
            for (String moved : List.of("node 0: .*threads moved out 2\\b", "node 1: .*threads moved out 1\\b",
                    "node 2: .*threads moved out 1\\b")) {
                assertTrue(r.stderr().matches("(?s).*" + moved + ".*"), () -> moved + "\n" + r.stderr());
            }
        }
    }

    /** Sends the {@code threads} command with a given secret; @return the first line of the answer. */
    private static String withSecret(Path jobFile, String secret) throws IOException {
        Properties p = read(jobFile);
        try (Socket s = new Socket(p.getProperty("host"), Integer.parseInt(p.getProperty("port")))) {
            Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
            w.write("SSI-CONTROL 1 " + secret + "\nthreads\n");
            w.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }
}
