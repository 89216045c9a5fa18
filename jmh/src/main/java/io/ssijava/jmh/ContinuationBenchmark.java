package io.ssijava.jmh;

import io.ssijava.threads.cont.Continuation;
import kernels.DeepFrames;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Capture and resume of a ten-frame thread on the same node: each operation restores the frames of the last
 * capture, runs one iteration of the loop at the top, and captures all ten frames again at the loop's header.
 * The kernel is rewritten by the agent loaded into the fork, as in {@link RewriteOverheadBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Djdk.attach.allowAttachSelf=true"})
public class ContinuationBenchmark
{
    private DeepFrames body;
    private Continuation k;

    /** Loads the agent, then captures the body once at its loop. */
    @Setup
    public void setUp()
    {
        AgentLoader.loadIntoSelf();
        body = new DeepFrames();
        if (!AgentLoader.isRewritten(DeepFrames.class))
        {
            throw new IllegalStateException("the kernel is not rewritten; run with forks (-f 1 or more)");
        }
        // every safe point on the way down captures: step through them to the loop at the top
        k = Continuation.runCapturingEvery(body, 1);
        for (int i = 0; i < 100 && k != null && k.frames().size() < 10; i++)
        {
            k = k.resumeCapturingEvery(1);
        }
        if (k == null || k.frames().size() != 10)
        {
            throw new IllegalStateException("expected a capture of 10 frames, got " + k);
        }
    }

    /** Lets the body end. */
    @TearDown
    public void tearDown()
    {
        body.stop = true;
        k.resume();
    }

    /** @return the next capture (10 frames). */
    @Benchmark
    public Continuation captureAndResume()
    {
        k = k.resumeCapturingEvery(1);
        return k;
    }
}
