package io.ssijava.jmh;

import io.ssijava.checkpoint.levels.CostModel;
import io.ssijava.checkpoint.levels.Schedule;

import java.util.Locale;

/**
 * Evaluates the hierarchical scheme's model (Table 2 of the paper, {@link CostModel}) with measured costs, for
 * {@code run-recovery.sh}: the checkpoint overhead percentage of Schemes A and B, and the expected recovery latency
 * when every failure rolls back to level 1, M or N, and for a mix of them.
 * <p>
 * Arguments, in milliseconds: T, C1, CM, CN, R1, RM, RN, then m and n.
 */
public final class RecoveryModel
{
    private RecoveryModel()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 9)
        {
            System.err.println("usage: RecoveryModel T C1 CM CN R1 RM RN m n   (times in ms)");
            System.exit(2);
        }
        final double[] v = new double[7];
        for (int i = 0; i < 7; i++)
        {
            v[i] = Double.parseDouble(args[i]);
        }
        final CostModel model = new CostModel(v[0], v[1], v[2], v[3], v[4], v[5], v[6], Integer.parseInt(args[7]),
            Integer.parseInt(args[8]));
        System.out.printf(Locale.ROOT, "COP: Scheme A %.2f%%, Scheme B %.2f%%%n",
            model.overheadPercent(Schedule.Scheme.A), model.overheadPercent(Schedule.Scheme.B));
        System.out.println("expected recovery latency bound (ms), Scheme B / Scheme A:");
        final double[][] mixes = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0.8, 0.15, 0.05}};
        final String[] names = {"all at level 1", "all at level M", "all at level N", "80% 1, 15% M, 5% N"};
        for (int i = 0; i < mixes.length; i++)
        {
            final double[] p = mixes[i];
            System.out.printf(Locale.ROOT, "  %-20s %9.0f / %9.0f%n", names[i],
                model.expectedRecoveryLatency(Schedule.Scheme.B, p[0], p[1], p[2]),
                model.expectedRecoveryLatency(Schedule.Scheme.A, p[0], p[1], p[2]));
        }
    }
}
