package io.ssijava.agent.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The "program" run on node 0 in spawner tests. First argument is the mode: {@code exit}
 * (return once all workers are ready), {@code hang} (sleep, to be killed by the test), or
 * {@code unexpected} (wait until a worker exit is reported, then return).
 */
public final class SpawnTestMain {

    private SpawnTestMain() {
    }

    /**
     * Entry point.
     *
     * @param args mode, then anything
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        System.out.println("MAIN args=" + Arrays.asList(args));
        NodeSpawner s = FakeAgent.spawner;
        int nodes = Integer.getInteger("ssi.test.nodes", 1);
        Path dir = Path.of(System.getProperty("ssi.test.dir"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int id = 1; id < nodes; id++) {
            while (!Files.exists(dir.resolve("ready-" + id))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("worker " + id + " never got ready");
                }
                Thread.sleep(20);
            }
        }
        System.out.println("PIDS " + s.workers().stream().map(h -> Long.toString(h.pid()))
                .collect(Collectors.joining(" ")));
        System.out.flush();
        switch (args[0]) {
            case "hang" -> Thread.sleep(60_000);
            case "unexpected" -> {
                if (!FakeAgent.UNEXPECTED.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no unexpected exit reported");
                }
                System.out.println("DONE");
            }
            default -> System.out.println("DONE");
        }
    }
}
