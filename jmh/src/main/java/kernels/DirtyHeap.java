package kernels;

/**
 * A heap of many small objects of which a fixed share changes in every period: the case incremental checkpoints are
 * for. A worker thread keeps {@code cells} objects (16 longs each, about 150 bytes) and, in each of {@code periods}
 * periods of {@code periodMillis}, changes {@code permille}/1000 of them, a tenth of those every tenth of the period,
 * sleeping in between (so it reaches a safe point at once when a checkpoint asks). Run with checkpoints every
 * period: each incremental one holds about the share changed since the one before. Prints a checksum of the cells,
 * the same on one JVM.
 *
 * Arguments: [cells=200000] [permille=10] [periodMillis=1000] [periods=12]
 */
public final class DirtyHeap
{
    /** One object of the heap. */
    static final class Cell
    {
        long f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15;

        void touch(final long v)
        {
            f0 += v;
            f7 ^= v;
            f15 = f15 * 31 + v;
        }

        long sum()
        {
            return f0 + f1 + f2 + f3 + f4 + f5 + f6 + f7 + f8 + f9 + f10 + f11 + f12 + f13 + f14 + f15 * 7;
        }
    }

    private DirtyHeap()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int cells = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final int permille = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        final long periodMillis = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        final int periods = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        final long[] out = new long[1];
        final Thread worker = new Thread(() ->
        {
            try
            {
                out[0] = run(cells, permille, periodMillis, periods);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "dirtier");
        worker.start();
        worker.join();
        System.out.println("cells " + cells + ", changed per period " + cells * permille / 1000 + ", checksum " +
            out[0]);
    }

    static long run(final int n, final int permille, final long periodMillis, final int periods)
        throws InterruptedException
    {
        final Cell[] heap = new Cell[n];
        for (int i = 0; i < n; i++)
        {
            heap[i] = new Cell();
            heap[i].f1 = i;
        }
        final int perStep = Math.max(1, n * permille / 1000 / 10);
        long x = 12345;
        for (int p = 0; p < periods; p++)
        {
            for (int step = 0; step < 10; step++)
            {
                for (int k = 0; k < perStep; k++)
                {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    heap[(int)((x >>> 33) % n)].touch(x);
                }
                Thread.sleep(periodMillis / 10);
            }
        }
        long sum = 0;
        for (final Cell c : heap)
        {
            sum = sum * 31 + c.sum();
        }
        return sum;
    }
}
