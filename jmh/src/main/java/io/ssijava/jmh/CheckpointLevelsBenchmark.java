package io.ssijava.jmh;

import io.ssijava.checkpoint.levels.Schedule;
import io.ssijava.checkpoint.levels.Stores;
import io.ssijava.checkpoint.store.CheckpointDir;
import io.ssijava.checkpoint.store.CheckpointFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The time per level of a node's part of a checkpoint, as {@link Stores#writePart} writes it after the pause: level
 * 1 alone (the node's own file), 1 and M (also a checked copy into the neighbour's directory), and 1, M and N (also
 * a copy to stable storage, forced to the device). The differences are the time each level adds. All directories
 * are under {@code ssi.bench.dir} (default: {@code target}), one disk, as on a one-machine cluster.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class CheckpointLevelsBenchmark
{
    @Param({"1048576", "67108864"})
    public int bytes;

    /** The levels checkpoint 1 goes to: 1, 1M or 1MN. */
    @Param({"1", "1M", "1MN"})
    public String levels;

    private byte[] payload;
    private Path dir;
    private Stores stores;
    private CheckpointFile.Header header;

    @Setup
    public void setUp() throws IOException
    {
        payload = new byte[bytes];
        new Random(1).nextBytes(payload);
        final Path base = Path.of(System.getProperty("ssi.bench.dir", "target"));
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "ckpt-levels");
        // checkpoint 1 of Scheme B 2x2 stays local; Scheme A mirrors every one; A 1x1 also sends every one to stable
        final Schedule schedule = switch (levels)
        {
            case "1" -> new Schedule(Schedule.Scheme.B, 2, 2);
            case "1M" -> new Schedule(Schedule.Scheme.A, 2, 2);
            case "1MN" -> new Schedule(Schedule.Scheme.A, 1, 1);
            default -> throw new IllegalArgumentException(levels);
        };
        stores = new Stores(1, 2, Map.of(0, new CheckpointDir(dir.resolve("node-0")), 1,
            new CheckpointDir(dir.resolve("node-1"))), new CheckpointDir(dir.resolve("stable")), schedule);
        header = new CheckpointFile.Header(1, 1, 0, 0, 2, CheckpointFile.Kind.FULL, 0);
    }

    /** Gives the page cache back between iterations, so that every iteration starts alike. */
    @TearDown(Level.Iteration)
    public void dropFiles() throws IOException
    {
        for (final String d : new String[] {"node-0", "node-1", "stable"})
        {
            delete(dir.resolve(d));
        }
    }

    @TearDown
    public void tearDown() throws IOException
    {
        delete(dir);
    }

    private static void delete(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> s = Files.walk(root))
        {
            for (final Path p : s.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public long writePart() throws IOException
    {
        return stores.writePart(header, out -> out.write(payload));
    }
}
