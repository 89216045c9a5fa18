package io.ssijava.systemtests;

import io.ssijava.testsupport.ProcessCleanupExtension;
import io.ssijava.testsupport.ProcessRunner;
import io.ssijava.testsupport.SsiJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placement policies on 2 real node processes: where threads start, and where follow-data moves them. */
@ExtendWith(ProcessCleanupExtension.class)
class PlacementTest {

    /** The value of one counter of every node's stats line, by node. */
    static Map<Integer, Long> counter(String stderr, String name) {
        Pattern p = Pattern.compile("(?m)^ssi-java: node (\\d+): .*\\b" + name + " (\\d+)");
        Map<Integer, Long> out = new TreeMap<>();
        Matcher m = p.matcher(stderr);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        }
        return out;
    }

    private static ProcessRunner.Result run(String options, String main, String... args) {
        Path cp = Cluster.litmusClasses();
        List<String> cmd = SsiJava.agentCommand("nodes=2,stats," + options, cp.toString(), main, args);
        ProcessRunner.Result r = Cluster.run(cmd);
        assertEquals(0, r.exitCode(), () -> (r.timedOut() ? "hang: " : "exit status: ") + Cluster.explain(cmd, r));
        assertEquals(Cluster.plain(cp, main, args).stdout(), r.stdout(),
                () -> "stdout differs from plain java's\n" + Cluster.explain(cmd, r));
        return r;
    }

    @Test
    @Timeout(120)
    void leastLoadedStartsFourThreadsTwoOnEachNode() {
        ProcessRunner.Result r = run("placement=least-loaded", "migration.ComputeWorkers", "4", "100");
        assertEquals(Map.of(0, 2L, 1, 2L), Cluster.threadsRun(r.stderr()), r::stderr);
        assertEquals(Map.of(0, 0L, 1, 0L), counter(r.stderr(), "threads moved out"), r::stderr);
    }

    @Test
    @Timeout(120)
    void followDataMovesAReaderToTheNodeThatHomesItsDataAndLeavesItThere() {
        // spread: the owner runs on node 1, the reader on node 0, where it faults every row every round
        ProcessRunner.Result spread = run("placement=spread", "migration.FollowData", "200");
        ProcessRunner.Result follow = run("placement=follow-data", "migration.FollowData", "200");
        Map<Integer, Long> moved = counter(follow.stderr(), "threads moved out");
        assertTrue(moved.get(0) >= 1, () -> "the reader should leave node 0\n" + follow.stderr());
        assertEquals(0L, moved.get(1), () -> "nothing should move back to node 0\n" + follow.stderr());
        long faultsSpread = counter(spread.stderr(), "remote faults").values().stream().mapToLong(x -> x).sum();
        long faultsFollow = counter(follow.stderr(), "remote faults").values().stream().mapToLong(x -> x).sum();
        assertTrue(faultsFollow * 4 < faultsSpread, () -> "following the data should save most faults: " +
                faultsFollow + " against " + faultsSpread + " when spread\n" + follow.stderr());
    }
}
