package kernels;

/**
 * One red-black successive over-relaxation iteration (a red half-sweep, then a black one) on an {@code n x n}
 * {@code double[][]} grid, the loop of {@code samples.Sor}.
 */
public final class Sor
{
    private static final double OMEGA = 1.25;

    private final int n;
    private final double[][] grid;

    /**
     * Fixes the border (top edge 1, other edges 0) and fills the interior with the sample's pattern.
     *
     * @param n grid size, at least 3.
     */
    public Sor(final int n)
    {
        this.n = n;
        grid = new double[n][n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (i == 0)
                {
                    grid[i][j] = 1.0;
                }
                else if (i < n - 1 && j > 0 && j < n - 1)
                {
                    grid[i][j] = ((i * 7 + j * 3) % 11) / 11.0;
                }
            }
        }
    }

    /**
     * One iteration: both half-sweeps over the interior.
     *
     * @return the centre cell, so that the work cannot be discarded.
     */
    public double sweep()
    {
        relax(0);
        relax(1);
        return grid[n / 2][n / 2];
    }

    /** Relaxes the interior cells with {@code (i + j) % 2 == parity} from their four neighbours. */
    private void relax(final int parity)
    {
        for (int i = 1; i < n - 1; i++)
        {
            final double[] up = grid[i - 1];
            final double[] row = grid[i];
            final double[] down = grid[i + 1];
            final int jStart = ((i + 1) & 1) == parity ? 1 : 2;
            for (int j = jStart; j < n - 1; j += 2)
            {
                final double avg = 0.25 * (up[j] + down[j] + row[j - 1] + row[j + 1]);
                row[j] = (1.0 - OMEGA) * row[j] + OMEGA * avg;
            }
        }
    }
}
