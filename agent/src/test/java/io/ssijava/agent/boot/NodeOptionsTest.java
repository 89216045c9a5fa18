package io.ssijava.agent.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssijava.checkpoint.CheckpointConfig;
import io.ssijava.checkpoint.levels.Schedule;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class NodeOptionsTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", ","})
    void shouldUseDefaultsForEmptyOptions(String args) {
        NodeOptions o = NodeOptions.parse(args);
        assertEquals(1, o.nodes());
        assertEquals(OptionalInt.empty(), o.node());
        assertEquals(0, o.nodeId());
        assertEquals(List.of(), o.peers());
        assertTrue(o.jobId().matches("[0-9a-f]{8}"), o.jobId());
        assertFalse(o.stats());
        assertFalse(o.verbose());
        assertEquals(NodeOptions.Placement.SPREAD, o.placement());
        assertEquals(Duration.ofSeconds(20), o.connectTimeout());
        assertFalse(o.mustSpawnWorkers());
        assertFalse(o.isWorker());
        assertEquals(CheckpointConfig.DEFAULT, o.checkpoint());
        assertEquals(0, o.checkpoint().everyMillis());
        assertEquals(null, o.checkpoint().stableDir());
        assertEquals(Schedule.DEFAULT, o.checkpoint().schedule());
    }

    @Test
    void shouldParseEveryCheckpointKey() {
        NodeOptions o = NodeOptions.parse("nodes=2,checkpoint-every=30000,checkpoint-dir=/data/ck,"
                + "stable-dir=/nfs/stable,mirror-every=2,stable-every=8,scheme=a");
        CheckpointConfig c = o.checkpoint();
        assertEquals(30_000, c.everyMillis());
        assertEquals(Path.of("/data/ck"), c.localRoot());
        assertEquals(Path.of("/nfs/stable"), c.stableDir());
        assertEquals(new Schedule(Schedule.Scheme.A, 2, 8), c.schedule());
        assertEquals(CheckpointConfig.DEFAULT_PAUSE_TIMEOUT_MILLIS, c.pauseTimeoutMillis());
    }

    @Test
    void shouldMakeCheckpointPathsAbsolute() {
        CheckpointConfig c = NodeOptions.parse("checkpoint-dir=ck/./local,stable-dir=../st").checkpoint();
        assertEquals(Path.of("ck/local").toAbsolutePath(), c.localRoot());
        assertEquals(Path.of("../st").toAbsolutePath().normalize(), c.stableDir());
        assertTrue(c.localRoot().isAbsolute());
    }

    @Test
    void shouldWriteCheckpointKeysOnlyWhenTheyDifferFromTheDefaults() {
        String defaults = "checkpoint-every=0,checkpoint-dir=" + CheckpointConfig.DEFAULT_LOCAL_ROOT
                + ",mirror-every=4,scheme=b";
        assertEquals("nodes=2,job=j", NodeOptions.parse("nodes=2,job=j," + defaults).toAgentArgs());
        assertEquals("nodes=2,job=j,stable-dir=/s", NodeOptions.parse("nodes=2,job=j,stable-every=4,stable-dir=/s")
                .toAgentArgs());
        assertEquals("nodes=2,job=j,checkpoint-every=500,checkpoint-dir=/l,stable-dir=/s,mirror-every=3,"
                + "stable-every=5,scheme=A", NodeOptions.parse("scheme=A,stable-every=5,mirror-every=3,stable-dir=/s,"
                + "checkpoint-dir=/l,checkpoint-every=500,job=j,nodes=2").toAgentArgs());
    }

    @Test
    void shouldGiveWorkersNodeZerosCheckpointConfiguration() {
        NodeOptions node0 = NodeOptions.parse("nodes=3,checkpoint-every=2000,checkpoint-dir=/l,stable-dir=/s,"
                + "mirror-every=2,stable-every=3,scheme=A");
        NodeOptions worker = NodeOptions.parse(node0.withTransport(node0.effectiveTransport()).withNode(2)
                .withPeers(List.of(new InetSocketAddress("127.0.0.1", 7000), new InetSocketAddress("127.0.0.1", 7001),
                        new InetSocketAddress("127.0.0.1", 7002))).toAgentArgs());
        assertEquals(node0.checkpoint(), worker.checkpoint());
        assertEquals(2, worker.nodeId());
    }

    @Test
    void shouldRefuseCheckpointConfigurationsTheOptionStringCannotCarry() {
        IllegalArgumentException comma = assertThrows(IllegalArgumentException.class, () -> withCheckpoint(
                new CheckpointConfig(0, Path.of("/a,b"), null, Schedule.DEFAULT, 10_000)));
        assertTrue(comma.getMessage().contains("'checkpoint-dir=/a,b': the path holds ','"), comma.getMessage());
        IllegalArgumentException stableComma = assertThrows(IllegalArgumentException.class, () -> withCheckpoint(
                new CheckpointConfig(0, Path.of("/l"), Path.of("/s,t"), Schedule.DEFAULT, 10_000)));
        assertTrue(stableComma.getMessage().contains("'stable-dir=/s,t': the path holds ','"),
                stableComma.getMessage());
        IllegalArgumentException noStable = assertThrows(IllegalArgumentException.class, () -> withCheckpoint(
                new CheckpointConfig(0, Path.of("/l"), null, new Schedule(Schedule.Scheme.B, 4, 2), 10_000)));
        assertTrue(noStable.getMessage().contains("stable-every needs stable-dir"), noStable.getMessage());
    }

    private static NodeOptions withCheckpoint(CheckpointConfig c) {
        return new NodeOptions(2, OptionalInt.empty(), List.of(), "j", false, false, NodeOptions.Placement.SPREAD,
                NodeOptions.DEFAULT_CONNECT_TIMEOUT, false, NodeOptions.TransportKind.AUTO, c, "");
    }

    @Test
    void shouldParseEveryKey() {
        NodeOptions o = NodeOptions.parse("nodes=3,node=2,peers=127.0.0.1:4000;localhost:4001;[::1]:4002,"
                + "job=ab-12_x,stats,verbose,placement=spread,connect-timeout=1500ms");
        assertEquals(3, o.nodes());
        assertEquals(OptionalInt.of(2), o.node());
        assertEquals(2, o.nodeId());
        assertEquals(3, o.peers().size());
        assertEquals(4000, o.peers().get(0).getPort());
        assertEquals("localhost", o.peers().get(1).getHostString());
        assertEquals(4002, o.peers().get(2).getPort());
        assertEquals("ab-12_x", o.jobId());
        assertTrue(o.stats());
        assertTrue(o.verbose());
        assertEquals(Duration.ofMillis(1500), o.connectTimeout());
        assertTrue(o.isWorker());
        assertFalse(o.mustSpawnWorkers());
    }

    @Test
    void shouldMarkNodeZeroWithoutIdAsSpawner() {
        assertTrue(NodeOptions.parse("nodes=2").mustSpawnWorkers());
        assertFalse(NodeOptions.parse("nodes=2,node=0").mustSpawnWorkers());
        assertFalse(NodeOptions.parse("nodes=1").mustSpawnWorkers());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "nodes=1",
        "nodes=3,stats",
        "nodes=4,node=3,peers=127.0.0.1:1;127.0.0.1:2;127.0.0.1:3;127.0.0.1:65535,job=x,verbose",
        "nodes=2,peers=[::1]:7000;localhost:7001,connect-timeout=3m",
        "nodes=2,connect-timeout=90s",
        "nodes=2,connect-timeout=1ms",
        "nodes=2,placement=local,balance",
        "nodes=3,placement=least-loaded",
        "nodes=3,placement=follow-data,balance",
        "nodes=64,node=63",
        "nodes=2,transport=ipc",
        "nodes=2,node=1,peers=127.0.0.1:1;127.0.0.1:2,transport=udp",
        "nodes=2,checkpoint-every=1",
        "nodes=2,checkpoint-every=3599999999996400000",
        "nodes=2,checkpoint-every=0,mirror-every=4,scheme=B",
        "nodes=2,checkpoint-dir=rel/dir,scheme=a",
        "nodes=3,checkpoint-every=30000,checkpoint-dir=/l,stable-dir=/s,mirror-every=1,stable-every=16,scheme=A",
        "nodes=2,stable-dir=/s,stable-every=4",
    })
    void shouldRoundTripThroughCanonicalString(String args) {
        NodeOptions o = NodeOptions.parse(args);
        String canonical = o.toAgentArgs();
        NodeOptions again = NodeOptions.parse(canonical);
        assertEquals(o, again);
        assertEquals(canonical, again.toAgentArgs());
    }

    @Test
    void shouldTalkOverSharedMemoryWhenNodeZeroStartsEveryNodeItselfAndOverUdpWhenPeersAreGiven() {
        NodeOptions spawner = NodeOptions.parse("nodes=3");
        assertEquals(NodeOptions.TransportKind.IPC, spawner.effectiveTransport());
        // what node 0 hands its workers: the transport it chose, not "auto", which would mean udp for them
        NodeOptions worker = NodeOptions.parse(spawner.withTransport(spawner.effectiveTransport()).withNode(1)
                .withPeers(List.of(new java.net.InetSocketAddress("127.0.0.1", 7000),
                        new java.net.InetSocketAddress("127.0.0.1", 7001),
                        new java.net.InetSocketAddress("127.0.0.1", 7002))).toAgentArgs());
        assertEquals(NodeOptions.TransportKind.IPC, worker.effectiveTransport());
        assertEquals(NodeOptions.TransportKind.UDP,
                NodeOptions.parse("nodes=2,node=1,peers=127.0.0.1:1;127.0.0.1:2").effectiveTransport());
        assertEquals(NodeOptions.TransportKind.UDP, NodeOptions.parse("nodes=2,transport=udp").effectiveTransport());
    }

    @Test
    void shouldWriteCanonicalStringInKeyOrder() {
        NodeOptions o = NodeOptions.parse("verbose,job=j1,stats,node=1,nodes=2,connect-timeout=120s");
        assertEquals("nodes=2,node=1,job=j1,stats,verbose,connect-timeout=2m", o.toAgentArgs());
    }

    @Test
    void shouldAlwaysCarryTheJobIdSoWorkersJoinTheSameJob() {
        NodeOptions o = NodeOptions.parse("nodes=2");
        assertTrue(o.toAgentArgs().contains("job=" + o.jobId()));
        assertEquals(o.jobId(), NodeOptions.parse(o.toAgentArgs()).jobId());
    }

    @Test
    void shouldGiveFreshRandomJobIds() {
        assertNotEquals(NodeOptions.parse("").jobId() + NodeOptions.parse("").jobId(),
                NodeOptions.parse("").jobId() + NodeOptions.parse("").jobId());
    }

    @Test
    void shouldDeriveTheSameJobIdFromPeersOnEveryNode() {
        String peers = "peers=127.0.0.1:4000;127.0.0.1:4001";
        NodeOptions n0 = NodeOptions.parse("nodes=2,node=0," + peers);
        NodeOptions n1 = NodeOptions.parse("nodes=2,node=1," + peers);
        assertEquals(n0.jobId(), n1.jobId());
        assertTrue(n0.jobId().matches("[0-9a-f]{8}"), n0.jobId());
        assertNotEquals(n0.jobId(), NodeOptions.parse("nodes=2,peers=127.0.0.1:5000;127.0.0.1:5001").jobId());
        assertEquals("mine", NodeOptions.parse("nodes=2,job=mine," + peers).jobId());
    }

    @Test
    void shouldAcceptExplicitFlagValues() {
        NodeOptions o = NodeOptions.parse("stats=true,verbose=false");
        assertTrue(o.stats());
        assertFalse(o.verbose());
    }

    @Test
    void shouldCopyWithNodeAndPeers() {
        NodeOptions o = NodeOptions.parse("nodes=2,job=j,stats");
        List<InetSocketAddress> peers = List.of(new InetSocketAddress("127.0.0.1", 5000),
                new InetSocketAddress("127.0.0.1", 5001));
        NodeOptions w = o.withPeers(peers).withNode(1);
        assertEquals(peers, w.peers());
        assertEquals(1, w.nodeId());
        assertEquals("j", w.jobId());
        assertTrue(w.stats());
        assertEquals("nodes=2,node=1,peers=127.0.0.1:5000;127.0.0.1:5001,job=j,stats", w.toAgentArgs());
        // The original is untouched.
        assertEquals(OptionalInt.empty(), o.node());
    }

    @Test
    void shouldRejectOutOfRangeCopies() {
        NodeOptions o = NodeOptions.parse("nodes=2");
        assertThrows(IllegalArgumentException.class, () -> o.withNode(2));
        assertThrows(IllegalArgumentException.class, () -> o.withNode(-1));
        assertThrows(IllegalArgumentException.class,
                () -> o.withPeers(List.of(new InetSocketAddress("127.0.0.1", 1))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bogus=1                                   | unknown key 'bogus'",
        "Nodes=2                                   | unknown key 'Nodes'",
        "nodes                                     | a value is required",
        "nodes=                                    | a value is required",
        "nodes=0                                   | between 1 and 64",
        "nodes=65                                  | between 1 and 64",
        "nodes=-2                                  | between 1 and 64",
        "nodes=two                                 | 'two' is not an integer",
        "nodes=99999999999                         | not an integer",
        "nodes=2,nodes=3                           | more than once",
        "nodes=2,node=2                            | between 0 and nodes-1",
        "node=-1                                   | between 0 and 63",
        "node=x                                    | not an integer",
        "nodes=2,peers=127.0.0.1:1                 | one endpoint per node (2), got 1",
        "peers=127.0.0.1                           | not host:port",
        "peers=127.0.0.1:0                         | no valid port",
        "peers=127.0.0.1:65536                     | no valid port",
        "peers=127.0.0.1:http                      | no valid port",
        "peers=:4000                               | has no host",
        "peers=::1:4000                            | not host:port",
        "peers=[::1:4000                           | not [ipv6]:port",
        "'nodes=2,peers=127.0.0.1:1;'              | not host:port",
        "peers=no-such-host.invalid:4000           | cannot resolve host 'no-such-host.invalid'",
        "job=                                      | a value is required",
        "job=a.b                                   | a job id is 1 to 64 characters",
        "stats=yes                                 | a flag takes no value",
        "verbose=1                                 | a flag takes no value",
        "placement=packed                          | unknown placement; valid: spread, local, least-loaded, follow-data",
        "placement                                 | a value is required",
        "connect-timeout=20                        | not a duration",
        "connect-timeout=1h                        | not a duration",
        "connect-timeout=-1s                       | not a duration",
        "connect-timeout=0s                        | must be positive",
        "transport=tcp                             | unknown transport; valid: ipc, udp",
        "transport=auto                            | unknown transport; valid: ipc, udp",
        "transport                                 | a value is required",
        "checkpoint-every=30s                      | '30s' is not a whole number of milliseconds",
        "checkpoint-every=-1                       | '-1' is not a whole number of milliseconds",
        "checkpoint-every=9223372036854775808      | not a whole number of milliseconds",
        "checkpoint-every                          | a value is required",
        "'checkpoint-every=1,checkpoint-every=2'   | more than once",
        "checkpoint-dir=                           | a value is required",
        "stable-dir                                | a value is required",
        "mirror-every=0                            | must be between 1 and 2147483647",
        "mirror-every=two                          | 'two' is not an integer",
        "'stable-dir=/s,stable-every=0'            | must be between 1 and 2147483647",
        "stable-every=2                            | 'stable-every=2': stable-every needs stable-dir",
        "'stable-dir=/s,mirror-every=99999,stable-every=99999' | is too large: 99999 x 99999",
        "scheme=C                                  | no checkpoint scheme \"C\": A or B",
        "scheme=                                   | a value is required",
    })
    void shouldRejectBadOptionsNamingTheItemAndListingValidKeys(String args, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeOptions.parse(args));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().startsWith("bad ssi-agent option '"), e.getMessage());
        assertTrue(e.getMessage().contains("valid keys: nodes, node, peers, job, stats, verbose, placement, "
                + "connect-timeout, balance, transport, checkpoint-every, checkpoint-dir, stable-dir, mirror-every, "
                + "stable-every, scheme, restore, hosts, slurm)"), e.getMessage());
    }

    /** What srun gives a task: 5 tasks, two hosts with 3 and 2 (block distribution). */
    private static java.util.function.Function<String, String> srun(int rank, String distribution) {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("SLURM_NTASKS", "5",
                "SLURM_PROCID", Integer.toString(rank), "SLURM_STEP_NODELIST", "localhost,127.0.0.[1]",
                "SLURM_STEP_TASKS_PER_NODE", "3,2", "SLURM_JOB_ID", "4242", "SLURM_STEP_ID", "1"));
        if (distribution != null) {
            env.put("SLURM_DISTRIBUTION", distribution);
        }
        return env::get;
    }

    @Test
    void slurmTakesTheNodesAndPeersFromTheTasksEnvironment() {
        NodeOptions o = NodeOptions.parse("slurm=47100,stats", srun(4, null));
        assertEquals(5, o.nodes());
        assertEquals(java.util.OptionalInt.of(4), o.node());
        assertEquals("slurm-4242-1", o.jobId());
        assertTrue(o.stats());
        List<String> peers = o.peers().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
        assertEquals(List.of("localhost:47100", "localhost:47101", "localhost:47102", "127.0.0.1:47100",
                "127.0.0.1:47101"), peers);
        // cyclic: tasks alternate between the hosts while each has room
        List<String> cyclic = NodeOptions.parse("slurm=47100", srun(0, "cyclic:block")).peers().stream()
                .map(a -> a.getHostString() + ":" + a.getPort()).toList();
        assertEquals(List.of("localhost:47100", "127.0.0.1:47100", "localhost:47101", "127.0.0.1:47101",
                "localhost:47102"), cyclic);
        // every task of the step agrees, and the canonical string no longer needs the environment
        assertEquals(o.peers(), NodeOptions.parse("slurm=47100", srun(0, null)).peers());
        assertEquals(o, NodeOptions.parse(o.toAgentArgs()));
    }

    @Test
    void slurmOutsideSrunOrWithItsOwnNodesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeOptions.parse("slurm", name -> null));
        assertTrue(e.getMessage().contains("SLURM_NTASKS is not set: not a task started by srun?"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NodeOptions.parse("slurm,nodes=2", srun(0, null)));
        assertTrue(e.getMessage().contains("with slurm, nodes, node, peers and job come from the environment"),
                e.getMessage());
        java.util.Map<String, String> bad = new java.util.HashMap<>(java.util.Map.of("SLURM_NTASKS", "4",
                "SLURM_PROCID", "0", "SLURM_STEP_NODELIST", "cn[1-2]", "SLURM_STEP_TASKS_PER_NODE", "1",
                "SLURM_JOB_ID", "1"));
        e = assertThrows(IllegalArgumentException.class, () -> NodeOptions.parse("slurm", bad::get));
        assertTrue(e.getMessage().contains("the node list names 2 hosts but the tasks per node 1"), e.getMessage());
    }

    @Test
    void hostsStandForNodesAndPeersAndChooseUdp() {
        NodeOptions o = NodeOptions.parse("hosts=127.0.0.1;localhost;127.0.0.1");
        assertEquals(3, o.nodes());
        assertEquals(List.of("127.0.0.1:47000", "localhost:47000", "127.0.0.1:47001"), o.peers().stream()
                .map(a -> a.getHostString() + ":" + a.getPort()).toList());
        assertTrue(o.mustSpawnWorkers());
        assertEquals(NodeOptions.TransportKind.IPC, o.effectiveTransport(), "every host is this one");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeOptions.parse("hosts=a;b,nodes=2"));
        assertTrue(e.getMessage().contains("with hosts, the nodes and their endpoints come from the hosts"),
                e.getMessage());
    }

    @Test
    void aRemoteWorkerRunsInNodeZerosDirectoryWithItsEnvironmentQuoted() {
        List<String> cmd = NodeSpawner.remoteCommand("cn2", List.of("/opt/jdk/bin/java", "-Dx=it's", "Main"), 42, 3,
                true);
        String remote = cmd.get(cmd.size() - 1);
        assertEquals("cn2", cmd.get(cmd.size() - 2));
        assertTrue(remote.startsWith("cd '" + System.getProperty("user.dir") + "' && exec env SSI_JAVA_PARENT_PID=42 "
                + "SSI_JAVA_NODE_ID=3 SSI_JAVA_REMOTE=1 SSI_JAVA_SECRET_STDIN=1 '/opt/jdk/bin/java' "), remote);
        assertTrue(remote.endsWith(" '-Dx=it'\\''s' 'Main'"), remote);
    }

    @Test
    void slurmHostListsAndTaskCountsExpand() {
        assertEquals(List.of("cn01", "cn02", "cn03", "cn07", "gpu5", "x9y"),
                SlurmEnvironment.expandHostlist("cn[01-03,07],gpu5,x[9]y"));
        assertEquals(List.of(2, 2, 2, 1), SlurmEnvironment.tasksPerNode("2(x3),1"));
        assertThrows(IllegalArgumentException.class, () -> SlurmEnvironment.expandHostlist("cn[3-1]"));
        assertThrows(IllegalArgumentException.class, () -> SlurmEnvironment.tasksPerNode("2(x)"));
    }

    @Test
    void restoreNamesAJobAndACheckpointAndReachesTheWorkers() {
        NodeOptions o = NodeOptions.parse("nodes=3,restore=3439b8395089f98c:17");
        assertEquals(0x3439b8395089f98cL, o.restoreJob());
        assertEquals(17, o.restoreCheckpoint());
        assertEquals(o, NodeOptions.parse(o.toAgentArgs()));
        assertTrue(o.withNode(1).toAgentArgs().contains("restore=3439b8395089f98c:17"), o.toAgentArgs());
        assertEquals("", NodeOptions.parse("nodes=2").restore());
        for (String bad : List.of("restore=", "restore=xyz:1", "restore=12ab", "restore=12ab:-1", "restore=12AB:1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeOptions.parse(bad));
            assertTrue(e.getMessage().contains("restore"), e.getMessage());
        }
    }

    @Test
    void shouldNameTheOffendingItemInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeOptions.parse("nodes=3,stats,colour=blue"));
        assertTrue(e.getMessage().contains("'colour=blue'"), e.getMessage());
    }

    @Test
    void shouldFormatIpv6EndpointsInBrackets() {
        assertEquals("[0:0:0:0:0:0:0:1]:4000",
                NodeOptions.formatEndpoint(new InetSocketAddress("0:0:0:0:0:0:0:1", 4000)));
        assertEquals("127.0.0.1:4000", NodeOptions.formatEndpoint(new InetSocketAddress("127.0.0.1", 4000)));
    }
}
