package io.ssijava.checkpoint.levels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paper's own example (Hwang et al.): T = 5 min, C1 = 10 s, CM = 25 s, CN = R_N = 15 N s, m = 8, n = 4. */
class CostModelTest
{
    private static CostModel paper(final int nodes)
    {
        return new CostModel(300, 10, 25, 15 * nodes, 15, 15, 15 * nodes, 8, 4);
    }

    @Test
    void mirrorsCutTheChanceOfRollingBackToStableStorageByTwoOrdersOfMagnitude()
    {
        assertEquals(0.077, CostModel.stableRollbackProbability(0.01, 8, false), 0.0005);
        assertEquals(0.00079, CostModel.stableRollbackProbability(0.01, 8, true), 0.00001);
    }

    @Test
    void schemeACostsMoreOverheadThanSchemeBAndGrowsWithTheCluster()
    {
        final CostModel eight = paper(8);
        // B: 28 1-checkpoints, 3 M and one N (120 s) per cycle of 32 periods of 300 s
        assertEquals(100.0 * (28 * 10 + 3 * 25 + 120) / (32 * 300), eight.overheadPercent(Schedule.Scheme.B), 1e-9);
        // A: 31 M-checkpoints and one N
        assertEquals(100.0 * (31 * 25 + 120) / (32 * 300), eight.overheadPercent(Schedule.Scheme.A), 1e-9);
        assertTrue(paper(128).overheadPercent(Schedule.Scheme.B) > eight.overheadPercent(Schedule.Scheme.B));
    }

    @Test
    void schemeARecoversFasterFromAMirrorThanSchemeB()
    {
        final CostModel m = paper(8);
        final double a = m.expectedRecoveryLatency(Schedule.Scheme.A, 0.9, 0.09, 0.01);
        final double b = m.expectedRecoveryLatency(Schedule.Scheme.B, 0.9, 0.09, 0.01);
        assertTrue(a < b, a + " vs " + b);
        // level 1 alone: R1 + T + C1
        assertEquals(15 + 300 + 10, m.expectedRecoveryLatency(Schedule.Scheme.B, 1, 0, 0), 1e-9);
        // level N alone: RN + m(n-1)C1 + (m-1)CM + CN + mnT
        assertEquals(120 + 8 * 3 * 10 + 7 * 25 + 120 + 32 * 300,
            m.expectedRecoveryLatency(Schedule.Scheme.A, 0, 0, 1), 1e-9);
    }
}
