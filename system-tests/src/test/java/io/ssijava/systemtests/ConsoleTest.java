package io.ssijava.systemtests;

import io.ssijava.testsupport.Paths;
import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.RunningProcess;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console ({@code --console}) of a running 2-node job, in a real headless browser (Debian's chromium):
 * with the job's secret in the address the page shows the job, both nodes and every thread, and its screenshot
 * is a rendered page; with another secret it shows none of it; the state it reads is refused without the secret.
 */
@ExtendWith(ProcessCleanupExtension.class)
class ConsoleTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path tmp;

    private ProcessRunner.Result control(Path runDir, String... words) {
        return Cluster.control(runDir, words);
    }

    /** Headless chromium as a test may run it here: no sandbox (root), no network of its own, a fresh profile. */
    private ProcessRunner.Result chromium(String url, String... what) {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + tmp.resolve("profile-" + System.nanoTime()),
                "--virtual-time-budget=6000", "--window-size=1200,900"));
        cmd.addAll(List.of(what));
        cmd.add(url);
        return ProcessRunner.of(cmd).timeout(Duration.ofSeconds(90)).run();
    }

    @Test
    @Timeout(300)
    void theConsoleShowsTheJobInABrowserOnlyWithItsSecret() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (.ci/run installs it)");
        Path runDir = tmp.resolve("run");
        List<String> cmd = new ArrayList<>(SsiJava.agentCommand("nodes=2", Cluster.litmusClasses().toString(),
                "control.Steerable", "3", tmp.resolve("never").toString()));
        cmd.add(1, "-Dssi.console.port=0"); // as ssi-java --console 0 passes it
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(240)).start()) {
            job.awaitStderr("console at http", Duration.ofSeconds(60));
            ProcessRunner.Result where = control(runDir, "console");
            assertEquals(0, where.exitCode(), where::describe);
            String url = where.stdout().strip();
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/#[0-9a-f]{64}"), url);
            String base = url.substring(0, url.indexOf('#'));

            // the state: refused without the secret; with it, once main and its three workers run
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "api/state")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), anonymous::body);
            HttpRequest withSecret = HttpRequest.newBuilder(URI.create(base + "api/state"))
                    .header("Authorization", "Bearer " + url.substring(url.indexOf('#') + 1)).build();
            String state = "";
            for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < end
                    && !state.contains("\"name\":\"worker-2\""); Thread.sleep(50)) {
                state = http.send(withSecret, HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(state.contains("\"name\":\"worker-2\"") && state.contains("\"node\":1"), state);

            // the page, rendered by the browser with the secret in the address's fragment
            ProcessRunner.Result dom = chromium(url, "--dump-dom");
            assertEquals(0, dom.exitCode(), dom::describe);
            String page = dom.stdout();
            assertTrue(page.contains("control.Steerable on 2 nodes"), page);
            for (String name : List.of("main", "worker-0", "worker-1", "worker-2")) {
                assertTrue(page.contains("<td class=\"l\">" + name + "</td>"), name + " is not listed:\n" + page);
            }
            assertEquals(2, page.split("<tbody>", -1)[1].split("</tbody>")[0].split("<tr>", -1).length - 1,
                    "one row per node:\n" + page);

            ProcessRunner.Result shot = chromium(url, "--screenshot=" + tmp.resolve("console.png"));
            assertEquals(0, shot.exitCode(), shot::describe);
            BufferedImage image = ImageIO.read(tmp.resolve("console.png").toFile());
            assertEquals(1200, image.getWidth());
            Set<Integer> colors = new HashSet<>();
            int drawn = 0;
            int background = image.getRGB(image.getWidth() - 1, image.getHeight() - 1);
            for (int y = 0; y < image.getHeight(); y += 2) {
                for (int x = 0; x < image.getWidth(); x += 2) {
                    int rgb = image.getRGB(x, y);
                    colors.add(rgb);
                    drawn += rgb != background ? 1 : 0;
                }
            }
            // text, table headers and heap bars: many colours, a good part of the page drawn on
            assertTrue(colors.size() > 40 && drawn > image.getWidth() * image.getHeight() / 4 / 20,
                    colors.size() + " colours, " + drawn + " pixels drawn");

            // another secret: refused, and nothing of the job shown
            ProcessRunner.Result wrong = chromium(base + "#00ff", "--dump-dom");
            assertTrue(wrong.stdout().contains("the secret was refused") && !wrong.stdout().contains("worker-0"),
                    wrong.stdout());

            assertEquals(0, control(runDir, "stop", "0").exitCode());
            assertEquals(0, job.await().exitCode());
        }
    }
    /**
     * A checkpoint that cannot be taken (strict mode, the program holds a socket) shows in the console's failures,
     * with why.
     */
    @Test
    @Timeout(180)
    void aFailedCheckpointIsListedWithWhy() throws Exception {
        Path runDir = tmp.resolve("run");
        List<String> cmd = new ArrayList<>(SsiJava.agentCommand("nodes=2,checkpoint-every=200,checkpoint-dir="
                + tmp.resolve("ck"), Cluster.litmusClasses().toString(), "checkpoint.HoldsSocket", "60000"));
        cmd.add(1, "-Dssi.console.port=0");
        cmd.add(1, "-Dssi.checkpoint.strict=true");
        try (RunningProcess job = ProcessRunner.of(cmd).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(150)).start()) {
            job.awaitStderr("console at http", Duration.ofSeconds(60));
            String url = control(runDir, "console").stdout().strip();
            HttpRequest withSecret = HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('#'))
                    + "api/state")).header("Authorization", "Bearer " + url.substring(url.indexOf('#') + 1)).build();
            HttpClient http = HttpClient.newHttpClient();
            String state = "";
            for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < end
                    && !state.contains("not taken"); Thread.sleep(100)) {
                state = http.send(withSecret, HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(state.matches("(?s).*\"events\":\\[\\{\"at\":\"[0-9T:Z-]+\",\"what\":\"checkpoint \\d+ not "
                    + "taken: on node 0, the program holds a java\\.net\\.ServerSocket.*"), state);
            assertEquals(0, control(runDir, "stop", "0").exitCode());
            job.await();
        }
    }

    /**
     * A node of a job that takes checkpoints is killed: the restored job's console lists the loss, with when and why,
     * and the restore; the job then ends with plain java's output.
     */
    @Test
    @Timeout(240)
    void aLostNodeAndTheRecoveryAreListed() throws Exception {
        Path runDir = tmp.resolve("run");
        Path go = tmp.resolve("go");
        Path local = tmp.resolve("ck");
        List<String> args = List.of("--nodes", "2", "--checkpoint-every", "300ms", "--checkpoint-dir", local.toString(),
                "--console", "0", "--jvm-opt", "-Dssi.failure-timeout=1000", "-cp", Cluster.litmusClasses().toString(),
                "control.Steerable", "3", go.toString());
        ProcessRunner runner = Cluster.script(args).env("SSI_JAVA_RUN", runDir.toString())
                .timeout(Duration.ofSeconds(200));
        try (RunningProcess job = runner.start()) {
            job.awaitStderr("checkpoint 2 committed", Duration.ofSeconds(90));
            long killed = System.currentTimeMillis();
            String marker = "checkpoint-dir=" + local;
            List<ProcessHandle> node1 = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                    .map(c -> c.contains(marker) && c.contains(",node=1")).orElse(false)).toList();
            assertEquals(1, node1.size(), node1::toString);
            node1.get(0).destroyForcibly();
            job.awaitStderr("ssi-java: restored checkpoint", Duration.ofSeconds(90));

            String url = "";
            for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < end
                    && !url.startsWith("http"); Thread.sleep(50)) {
                url = control(runDir, "console").stdout().strip(); // the restored job's, once it is up
            }
            assertTrue(url.startsWith("http"), url + "\n" + job.stderr());
            HttpRequest withSecret = HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('#'))
                    + "api/state")).header("Authorization", "Bearer " + url.substring(url.indexOf('#') + 1)).build();
            String state = HttpClient.newHttpClient().send(withSecret, HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher lost = java.util.regex.Pattern.compile("\\{\"at\":\"([0-9T:-]+)Z\",\"what\":"
                    + "\"node 1 was lost \\(no message or heartbeat for \\d+ ms[^\"]*\\); the job stopped\"}").matcher(state);
            assertTrue(lost.find(), state);
            long at = java.time.LocalDateTime.parse(lost.group(1)).toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
            assertTrue(at >= killed / 1000 * 1000 && at <= System.currentTimeMillis(), lost.group() + " killed at "
                    + killed);
            assertTrue(state.indexOf("\"what\":\"restored from checkpoint ") > lost.end(), state);

            Files.createFile(go);
            ProcessRunner.Result r = job.await();
            String want = Cluster.plain(Cluster.litmusClasses(), "control.Steerable", "3", go.toString()).stdout();
            assertEquals(0, r.exitCode(), () -> Cluster.explain(runner.command(), r));
            assertEquals(want, r.stdout(), () -> Cluster.explain(runner.command(), r));
        }
    }
}
