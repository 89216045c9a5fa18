package kernels;

/**
 * A body whose stack is ten frames deep when it loops at the top: {@code run}, eight {@code descend} frames and
 * {@code spin}, whose loop calls and so is a safe point. {@code ContinuationBenchmark} captures and resumes it there.
 */
public final class DeepFrames implements Runnable
{
    /** Ends the loop at the top. */
    public volatile boolean stop;
    private long sink;

    @Override
    public void run()
    {
        sink += descend(7);
    }

    private long descend(final int depth)
    {
        if (depth == 0)
        {
            return spin();
        }
        final double scale = depth * 0.5;
        return descend(depth - 1) + (long)scale;
    }

    private long spin()
    {
        long x = 0;
        while (!stop)
        {
            x += tick(x);
        }
        return x;
    }

    private static long tick(final long x)
    {
        return (x & 7) + 1;
    }

    /** @return what the body summed, so that nothing is dead code. */
    public long sink()
    {
        return sink;
    }
}
