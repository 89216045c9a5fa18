package io.ssijava.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssi-java checkpoint|checkpoints} against a fake job: a job file in the run directory naming a loopback
 * port where this test answers as node 0's control point would.
 */
@Timeout(20)
class ControlClientTest {

    private static final String SECRET = "00112233445566778899aabbccddeeff";

    @TempDir
    Path run;

    private ServerSocket job;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeJobFile() throws IOException {
        job = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Properties p = new Properties();
        p.setProperty("job", "j1");
        p.setProperty("host", job.getInetAddress().getHostAddress());
        p.setProperty("port", Integer.toString(job.getLocalPort()));
        p.setProperty("secret", SECRET);
        // a live pid: this JVM's, so that the client takes the job for a running one
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("nodes", "2");
        p.setProperty("main", "Main");
        p.setProperty("started", "2024-03-05T10:15:30Z");
        try (Writer w = Files.newBufferedWriter(run.resolve("j1.job"), StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
    }

    @AfterEach
    void closeJob() throws IOException {
        job.close();
    }

    /** Answers one connection with the lines given; completes with the two lines the client sent. */
    private CompletableFuture<List<String>> answer(String... lines) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = job.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8));
                List<String> asked = List.of(in.readLine(), in.readLine());
                Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
                for (String l : lines) {
                    w.write(l + "\n");
                }
                w.flush();
                return asked;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private int ssiJava(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("ssi.run.dir", run.toString())::get,
                Map.<String, String>of()::get);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkpointAsksTheJobWithItsSecretAndPrintsWhatWasCommitted() throws Exception {
        CompletableFuture<List<String>> asked = answer("checkpoint 3 committed: levels 1M, 4096 bytes, paused 12 ms,"
                + " took 80 ms, 3 threads, 250 objects", "OK");
        assertEquals(0, ssiJava("checkpoint"));
        assertEquals(List.of("SSI-CONTROL 1 " + SECRET, "checkpoint"), asked.get(10, TimeUnit.SECONDS));
        assertEquals("checkpoint 3 committed: levels 1M, 4096 bytes, paused 12 ms, took 80 ms, 3 threads, "
                + "250 objects" + System.lineSeparator(), out());
        assertEquals("", err());
    }

    @Test
    void checkpointTheJobCouldNotTakeExitsOneWithWhy() throws Exception {
        CompletableFuture<List<String>> asked = answer("ERROR checkpoint not taken: no safe point in 10000 ms");
        assertEquals(1, ssiJava("checkpoint", "--job", "j1"));
        assertEquals("checkpoint", asked.get(10, TimeUnit.SECONDS).get(1));
        assertEquals("", out());
        assertEquals("ssi-java: checkpoint not taken: no safe point in 10000 ms" + System.lineSeparator(), err());
    }

    @Test
    void checkpointsPrintsTheJobsTable() throws Exception {
        CompletableFuture<List<String>> asked = answer("ID     LEVELS BYTES", "1      1      4096", "OK");
        assertEquals(0, ssiJava("checkpoints"));
        assertEquals("checkpoints", asked.get(10, TimeUnit.SECONDS).get(1));
        assertEquals("ID     LEVELS BYTES" + System.lineSeparator() + "1      1      4096" + System.lineSeparator(),
                out());
    }

    @Test
    void checkpointOfAJobThatIsNotRunningIsAnError() {
        assertEquals(2, ssiJava("checkpoint", "--job", "nope"));
        assertTrue(err().startsWith("ssi-java: no running job with id nope in " + run), err());
    }
}
