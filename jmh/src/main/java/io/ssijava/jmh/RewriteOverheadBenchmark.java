package io.ssijava.jmh;

import kernels.ListSum;
import kernels.Locks;
import kernels.MatMul;
import kernels.NBody;
import kernels.PiIntegration;
import kernels.Sor;
import kernels.TspSearch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Single-node overhead of rewritten code: the same compute kernels ({@link kernels}) run in a plain JVM
 * ({@code variant=plain}) and with the ssi-java agent's rewriting ({@code variant=agent}). The design's target is
 * {@code agent / plain <= 1.10} per kernel.
 * <p>
 * JMH runs every parameter value in its own forks, so each variant gets a fresh JVM whose only difference is whether
 * the agent was loaded (see {@link AgentLoader}) before the kernel classes were. The setup checks that the kernels
 * really are rewritten (or not) and fails otherwise, e.g. when run with {@code -f 0}, rather than report a
 * meaningless ratio. No runtime is installed, as in a one-node job, so every check takes its fast path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Djdk.attach.allowAttachSelf=true"})
public class RewriteOverheadBenchmark
{
    /**
     * {@code plain}: no agent; {@code agent}: kernels rewritten by the ssi-java agent; {@code nocapture}: rewritten
     * without the continuation checks ({@code -Dssi.continuations=false}), the baseline of capture readiness.
     */
    @Param({"plain", "agent", "nocapture"})
    public String variant;

    // Typed as DoubleSupplier, not as the kernel classes: JMH reflects over this class's fields before setUp runs,
    // which would load (and so fix unrewritten) any kernel class named in a field type.
    private DoubleSupplier matMul;
    private DoubleSupplier pi;
    private DoubleSupplier nBody;
    private DoubleSupplier sor;
    private DoubleSupplier tsp;
    private DoubleSupplier locks;
    private DoubleSupplier listSum;

    /** Loads the agent if asked, then creates the kernels (which loads, and so rewrites, their classes). */
    @Setup
    public void setUp()
    {
        final boolean agent = !"plain".equals(variant);
        if ("nocapture".equals(variant))
        {
            // read once, when the agent's rewriter class is initialized
            System.setProperty("ssi.continuations", "false");
        }
        if (agent)
        {
            AgentLoader.loadIntoSelf();
        }
        matMul = new MatMul(128)::multiply;
        pi = new PiIntegration(1 << 18)::integrate;
        nBody = new NBody(256)::step;
        sor = new Sor(256)::sweep;
        tsp = new TspSearch(11)::solve;
        locks = new Locks()::lockAndUnlock;
        listSum = new ListSum(1024)::sum;
        for (final Class<?> kernel : List.of(MatMul.class, PiIntegration.class, NBody.class, Sor.class,
            TspSearch.class, Locks.class, ListSum.class))
        {
            if (AgentLoader.isRewritten(kernel) != agent)
            {
                throw new IllegalStateException(kernel.getName() + " is " +
                    (agent ? "not rewritten" : "rewritten") + " in the " + variant + " variant; run with forks " +
                    "(-f 1 or more) so that each variant gets its own JVM");
            }
        }
    }

    /** @return an element of the product. */
    @Benchmark
    public double matMul()
    {
        return matMul.getAsDouble();
    }

    /** @return the pi estimate. */
    @Benchmark
    public double pi()
    {
        return pi.getAsDouble();
    }

    /** @return a body coordinate. */
    @Benchmark
    public double nBody()
    {
        return nBody.getAsDouble();
    }

    /** @return the grid's centre cell. */
    @Benchmark
    public double sor()
    {
        return sor.getAsDouble();
    }

    /** @return the shortest tour's length. */
    @Benchmark
    public double tsp()
    {
        return tsp.getAsDouble();
    }

    /** @return the count the locks guard. */
    @Benchmark
    public double locks()
    {
        return locks.getAsDouble();
    }

    /** @return the list's sum. */
    @Benchmark
    public double listSum()
    {
        return listSum.getAsDouble();
    }
}
