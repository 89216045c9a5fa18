package io.ssijava.checkpoint.levels;

/**
 * The overhead and recovery-latency model of the hierarchical scheme (Hwang et al., Table 2), to be evaluated with
 * measured costs beside measured recoveries. Times in any one unit (seconds in the paper).
 *
 * @param t  the checkpoint period T.
 * @param c1 overhead of a 1-checkpoint (local).
 * @param cm overhead of an M-checkpoint (local and mirrored).
 * @param cn overhead of an N-checkpoint (also on stable storage).
 * @param r1 repeated computation after a roll back to level 1 (the paper's R).
 * @param rm the same for level M.
 * @param rn the same for level N.
 * @param m  every m-th checkpoint is mirrored.
 * @param n  every m·n-th checkpoint goes to stable storage.
 */
public record CostModel(double t, double c1, double cm, double cn, double r1, double rm, double rn, int m, int n)
{
    public CostModel
    {
        if (t <= 0 || m < 1 || n < 1)
        {
            throw new IllegalArgumentException("the period must be positive and m, n at least 1");
        }
    }

    /**
     * Table 2: the upper bound on the expected recovery latency, given the probabilities of rolling back to each
     * level (they should add up to 1).
     */
    public double expectedRecoveryLatency(final Schedule.Scheme scheme, final double p1, final double pm,
        final double pn)
    {
        final double level1 = r1 + t + c1;
        final double levelM = scheme == Schedule.Scheme.A ? rm + t + cm : rm + (m - 1) * c1 + cm + m * t;
        final double levelN = rn + m * (n - 1) * c1 + (m - 1) * cm + cn + (double)m * n * t;
        return p1 * level1 + pm * levelM + pn * levelN;
    }

    /**
     * The checkpoint overhead percentage (COP): checkpointing time over the run's time without failure, over one
     * cycle of m·n periods. Each checkpoint costs the overhead of the farthest level it is written to: Scheme B
     * writes m·n - n 1-checkpoints, n - 1 M-checkpoints and one N-checkpoint a cycle; Scheme A m·n - 1
     * M-checkpoints and one N-checkpoint.
     */
    public double overheadPercent(final Schedule.Scheme scheme)
    {
        final double mn = (double)m * n;
        final double cycle = scheme == Schedule.Scheme.A ? (mn - 1) * cm + cn : (mn - n) * c1 + (n - 1) * cm + cn;
        return 100 * cycle / (mn * t);
    }

    /**
     * The probability of having to roll back to stable storage when a permanent failure strikes an interval with
     * probability p and n intervals separate N-checkpoints: 1 - (1 - p)^n without mirrors, 1 - (1 - p^2)^n with
     * them (only failures of a node and its neighbour need stable storage).
     */
    public static double stableRollbackProbability(final double p, final int n, final boolean mirrored)
    {
        final double q = mirrored ? p * p : p;
        return 1 - Math.pow(1 - q, n);
    }
}
