package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.SsiJava;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every sample program, small sizes, on 1, 2 and 3 nodes with the agent and on 2 nodes through
 * the {@code ssi-java} launcher: the output must be plain java's, byte for byte, and the threads
 * must really have run on several nodes.
 */
@ExtendWith(ProcessCleanupExtension.class)
class SamplesTest {

    /** A sample and its (small) arguments. */
    record Sample(String name, List<String> args, int maxNodes) {
        Sample(String name, List<String> args) {
            this(name, args, 3);
        }

        String main() {
            return "samples." + name;
        }

        String[] argv() {
            return args.toArray(new String[0]);
        }

        @Override
        public String toString() {
            return name + " " + String.join(" ", args);
        }
    }

    static final List<Sample> SAMPLES = List.of(
            new Sample("Pi", List.of("4", "1000003")),
            new Sample("MatMul", List.of("4", "37")),
            new Sample("Sor", List.of("4", "41", "17")),
            new Sample("NBody", List.of("4", "53", "9")),
            new Sample("Tsp", List.of("4", "9")),
            new Sample("ProducerConsumer", List.of("2", "2", "10007")),
            new Sample("WordCount", List.of("4", "20000", "300")),
            new Sample("Stencil", List.of("4", "31", "40")),
            // every item crosses two blocking queues, whose put and take run at the queues' home node
            new Sample("Pipeline", List.of("2", "5003")),
            new Sample("MergeSort", List.of("4", "20011", "1000")));

    /** Plain java's stdout per sample, computed once per test run. */
    private static final Map<String, String> PLAIN_OUTPUT = new ConcurrentHashMap<>();

    static Stream<Arguments> samplesOnNodes() {
        List<Arguments> out = new ArrayList<>();
        for (Sample s : SAMPLES) {
            for (int nodes = 1; nodes <= s.maxNodes(); nodes++) {
                out.add(Arguments.of(s, nodes));
            }
        }
        return out.stream();
    }

    static Stream<Sample> clusterSamples() {
        return SAMPLES.stream().filter(s -> s.maxNodes() >= 2);
    }

    /** Plain java's stdout for a sample, after checking that plain java succeeds. */
    static String plainOutput(Sample s) {
        return PLAIN_OUTPUT.computeIfAbsent(s.toString(), k -> {
            ProcessRunner.Result r = Cluster.plain(Cluster.samplesClasses(), s.main(), s.argv());
            r.assertSuccess();
            return r.stdout();
        });
    }

    @ParameterizedTest(name = "{0} on {1} node(s)")
    @MethodSource("samplesOnNodes")
    @Timeout(120)
    void shouldPrintWhatPlainJavaPrintsWithTheAgent(Sample sample, int nodes) {
        String want = plainOutput(sample);
        List<String> cmd = Cluster.agentCommand(nodes, Cluster.samplesClasses(), sample.main(), sample.argv());
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> (r.timedOut() ? "hang: " : "exit status: ") + Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        if (nodes > 1) {
            Cluster.assertThreadsRanOnSeveralNodes(cmd, r, nodes);
        }
    }

    @ParameterizedTest(name = "{0} on 3 nodes over {1}")
    @CsvSource({"ProducerConsumer, udp", "ProducerConsumer, ipc"})
    @Timeout(120)
    void shouldPrintWhatPlainJavaPrintsOverEitherTransport(String name, String transport) {
        Sample sample = SAMPLES.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        String want = plainOutput(sample);
        List<String> cmd = SsiJava.agentCommand("nodes=3,stats,verbose,transport=" + transport,
                Cluster.samplesClasses().toString(), sample.main(), sample.argv());
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> (r.timedOut() ? "hang: " : "exit status: ") + Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        for (int node = 0; node < 3; node++) {
            String line = "node " + node + " of 3 connected over " + transport;
            assertTrue(r.stderr().contains(line), () -> line + "\n" + Cluster.explain(cmd, r));
        }
        Cluster.assertThreadsRanOnSeveralNodes(cmd, r, 3);
    }

    @ParameterizedTest(name = "{0} through ssi-java on 2 nodes")
    @MethodSource("clusterSamples")
    @Timeout(120)
    void shouldPrintWhatPlainJavaPrintsThroughTheLauncher(Sample sample) {
        String want = plainOutput(sample);
        List<String> args = new ArrayList<>(List.of("--nodes", "2", "--stats", "-cp",
                Cluster.samplesClasses().toString(), sample.main()));
        args.addAll(sample.args());
        ProcessRunner runner = Cluster.script(args);
        ProcessRunner.Result r = runner.run();
        List<String> cmd = runner.command();
        assertEquals(0, r.exitCode(), () -> (r.timedOut() ? "hang: " : "exit status: ") + Cluster.explain(cmd, r));
        assertEquals(want, r.stdout(), () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        Cluster.assertThreadsRanOnSeveralNodes(cmd, r, 2);
    }
}
