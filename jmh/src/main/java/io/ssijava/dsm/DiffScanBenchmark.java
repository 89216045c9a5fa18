package io.ssijava.dsm;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * What a release pays to find that an array did not change: every release compares the arrays a node wrote (and
 * those its threads hold, see {@code ArrayHolds}) with their twins. One row of 2,048 elements, unchanged:
 * <ul>
 *   <li>{@code perElement}: {@link ArrayOps#same} element by element, as releases did before the range scans;</li>
 *   <li>{@code rangeScan}: {@link ArrayOps#firstDifferent} over the row, as they do now.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class DiffScanBenchmark
{
    /** The element type of the row. */
    @Param({"double", "int"})
    public String type;

    private Object row;
    private Object twin;

    @Setup
    public void setUp()
    {
        final int n = 2048;
        if (type.equals("double"))
        {
            final double[] a = new double[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = i * 0.5;
            }
            row = a;
            twin = a.clone();
        }
        else
        {
            final int[] a = new int[n];
            for (int i = 0; i < n; i++)
            {
                a[i] = i * 7;
            }
            row = a;
            twin = a.clone();
        }
    }

    @Benchmark
    public int perElement()
    {
        final int n = java.lang.reflect.Array.getLength(row);
        int i = 0;
        while (i < n && ArrayOps.same(row, twin, i))
        {
            i++;
        }
        return i;
    }

    @Benchmark
    public int rangeScan()
    {
        return ArrayOps.firstDifferent(row, twin, 0, java.lang.reflect.Array.getLength(row));
    }
}
