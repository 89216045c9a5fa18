package kernels;

/** Dense {@code C = A * B} on {@code double[][]}, in the i-k-j order of {@code samples.MatMul}. */
public final class MatMul
{
    private final int n;
    private final double[][] a;
    private final double[][] b;
    private final double[][] c;

    /**
     * Fills A and B with the fixed pattern of the sample.
     *
     * @param n matrix order.
     */
    public MatMul(final int n)
    {
        this.n = n;
        a = new double[n][n];
        b = new double[n][n];
        c = new double[n][n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[i][j] = ((i * 31 + j * 17) % 10) / 10.0;
                b[i][j] = ((i * 7 + j * 13 + 3) % 11) / 11.0;
            }
        }
    }

    /**
     * One full multiplication.
     *
     * @return an element of C, so that the work cannot be discarded.
     */
    public double multiply()
    {
        for (int i = 0; i < n; i++)
        {
            final double[] ai = a[i];
            final double[] ci = c[i];
            for (int j = 0; j < n; j++)
            {
                ci[j] = 0.0;
            }
            for (int k = 0; k < n; k++)
            {
                final double aik = ai[k];
                final double[] bk = b[k];
                for (int j = 0; j < n; j++)
                {
                    ci[j] += aik * bk[j];
                }
            }
        }
        return c[n - 1][n - 1];
    }
}
