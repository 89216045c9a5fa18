package kernels;

/**
 * A thread for timing moves: ten frames deep, each frame holding a dozen long locals (about 1 KB of locals in all),
 * it idles at the bottom in a loop of 1 ms sleeps, a safe point per iteration. Run on two nodes with
 * {@code -Dssi.migrate-every=MS} and {@code --stats}; the stats line reports the time per move (from the frames
 * leaving to the target taking them). The sum it prints is the same on one JVM.
 *
 * Arguments: [iterations=2000]
 */
public final class MoveLatency
{
    private MoveLatency()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        final long[] out = new long[1];
        final Thread t = new Thread(() -> out[0] = frame(10, iterations), "mover");
        t.start();
        t.join();
        System.out.println("sum " + out[0]);
    }

    static long frame(final int depth, final int iterations)
    {
        long a = depth;
        long b = a * 3;
        long c = b + 5;
        long d = c * 7;
        long e = d - 1;
        long f = e ^ 99;
        long g = f + a;
        long h = g * 2;
        long i = h - b;
        long j = i + c;
        long k = j ^ d;
        long l = k + e;
        final long below = depth == 1 ? idle(iterations) : frame(depth - 1, iterations);
        return below + a + b + c + d + e + f + g + h + i + j + k + l;
    }

    static long idle(final int iterations)
    {
        long sum = 0;
        for (int n = 0; n < iterations; n++)
        {
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return -1;
            }
            sum += n;
        }
        return sum;
    }
}
