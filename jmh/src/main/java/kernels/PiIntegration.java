package kernels;

/**
 * Midpoint integration of {@code 4 / (1 + x^2)} over [0, 1], as {@code samples.Pi} does it: the steps are cut into
 * blocks, each block is summed in a local and stored into a shared {@code partial} array read from fields.
 */
public final class PiIntegration
{
    private static final int BLOCKS = 840;

    private final long steps;
    private final double width;
    private final double[] partial = new double[BLOCKS];

    /**
     * @param steps number of midpoint steps per integration.
     */
    public PiIntegration(final long steps)
    {
        this.steps = steps;
        this.width = 1.0 / steps;
    }

    /**
     * One full integration.
     *
     * @return the estimate of pi.
     */
    public double integrate()
    {
        for (int b = 0; b < BLOCKS; b++)
        {
            final long lo = steps * b / BLOCKS;
            final long hi = steps * (b + 1) / BLOCKS;
            double sum = 0.0;
            for (long i = lo; i < hi; i++)
            {
                final double x = (i + 0.5) * width;
                sum += 4.0 / (1.0 + x * x);
            }
            partial[b] = sum;
        }
        double total = 0.0;
        for (int b = 0; b < BLOCKS; b++)
        {
            total += partial[b];
        }
        return total * width;
    }
}
