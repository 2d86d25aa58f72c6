package dev.condense.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.engine.runtime.LatencyComparison.Verdict;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyComparisonTest {

    /** {@code rounds} rounds of {@code calls} calls, each {@code base[r] * scale} ns plus planted per-call jitter. */
    private static long[][] timings(double[] base, double scale, int calls, double jitter, long seed) {
        Random rng = new Random(seed);
        long[][] t = new long[base.length][calls];
        for (int r = 0; r < base.length; r++) {
            for (int c = 0; c < calls; c++) {
                t[r][c] = Math.round(base[r] * scale * (1 + jitter * (rng.nextDouble() - 0.5)));
            }
        }
        return t;
    }

    @Test
    void roundRatiosAreMediansOfEachSideAndQuartilesInterpolate() {
        // 5 rounds of 3 calls; the model's median is 1 ms in every round, the reference's medians are 1..5 ms
        long[][] ref = {{1_000_000, 9_000_000, 500_000}, {2_000_000, 2_000_000, 1}, {3_000_000, 7, 3_000_001},
            {4_000_000, 4_000_000, 4_000_000}, {5_000_000, 5_000_000, 50_000_000}};
        long[][] mod = new long[5][];
        for (int r = 0; r < 5; r++) {
            mod[r] = new long[] {1_000_000, 999_999, 30_000_000};
        }
        LatencyComparison c = LatencyComparison.ofNanos(ref, mod);
        assertEquals(5, c.rounds());
        assertEquals(3.0, c.speedupMedian(), 1e-6);
        assertEquals(2.0, c.speedupQ1(), 1e-6);   // sorted ratios 1,2,3,4,5: position 1 of 0..4
        assertEquals(4.0, c.speedupQ3(), 1e-6);
        assertEquals(1.0, c.speedupMin(), 1e-6);
        assertEquals(5.0, c.speedupMax(), 1e-6);
        assertEquals(1.0, c.model().medianMillis(), 1e-6);
        assertEquals(15, c.reference().runs());
        // IQR 2 wide around a median of 3: 67% > 20%, too wide to call even though every round was faster
        assertEquals(Verdict.TOO_NOISY, c.verdict());
    }

    @Test
    void aPlantedTwofoldSpeedUpIsCalledFasterDespiteLoadDrift() {
        // the machine's load drifts 3x over the rounds; it hits both models of a round alike
        double[] drift = new double[21];
        for (int r = 0; r < drift.length; r++) {
            drift[r] = 10e6 * (1 + 2.0 * r / (drift.length - 1));
        }
        LatencyComparison c = LatencyComparison.ofNanos(timings(drift, 1.0, 4, 0.1, 1),
                timings(drift, 0.5, 4, 0.1, 2));
        assertEquals(2.0, c.speedupMedian(), 0.1);
        assertEquals(Verdict.FASTER, c.verdict());
        // the absolute medians swing with the drift, the ratio does not
        assertEquals(20.0, c.reference().medianMillis(), 2.0);
    }

    @Test
    void theSameTimingsOnBothSidesAreNoDifference() {
        double[] flat = new double[25];
        java.util.Arrays.fill(flat, 1e6);
        LatencyComparison c = LatencyComparison.ofNanos(timings(flat, 1.0, 8, 0.2, 3), timings(flat, 1.0, 8, 0.2, 4));
        assertEquals(1.0, c.speedupMedian(), 0.05);
        assertEquals(Verdict.NO_DIFFERENCE, c.verdict());
    }

    @Test
    void aPlantedSlowdownIsCalledSlower() {
        double[] flat = new double[15];
        java.util.Arrays.fill(flat, 5e6);
        LatencyComparison c = LatencyComparison.ofNanos(timings(flat, 1.0, 4, 0.05, 5),
                timings(flat, 1.25, 4, 0.05, 6));
        assertEquals(0.8, c.speedupMedian(), 0.03);
        assertEquals(Verdict.SLOWER, c.verdict());
    }

    @Test
    void verdictRuleBoundaries() {
        assertEquals(Verdict.FASTER, LatencyComparison.verdict(1.10, 1.01, 1.20));
        assertEquals(Verdict.FASTER, LatencyComparison.verdict(1.05, 1.04, 1.06));
        assertEquals(Verdict.NO_DIFFERENCE, LatencyComparison.verdict(1.04, 1.03, 1.05));  // consistent but under 5%
        assertEquals(Verdict.NO_DIFFERENCE, LatencyComparison.verdict(0.96, 0.95, 0.97));
        assertEquals(Verdict.NO_DIFFERENCE, LatencyComparison.verdict(1.10, 1.00, 1.20));  // q1 not above 1
        assertEquals(Verdict.SLOWER, LatencyComparison.verdict(0.90, 0.85, 0.99));
        assertEquals(Verdict.NO_DIFFERENCE, LatencyComparison.verdict(1.0, 0.95, 1.05));
        assertEquals(Verdict.FASTER, LatencyComparison.verdict(2.5, 2.25, 2.75));         // IQR exactly 20%
        assertEquals(Verdict.TOO_NOISY, LatencyComparison.verdict(2.5, 2.25, 2.76));
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> LatencyComparison.ofNanos(new long[][] {{1, 2}}, new long[][] {{1}}));
        assertThrows(IllegalArgumentException.class,
                () -> LatencyComparison.ofNanos(new long[][] {{1}}, new long[][] {{1}, {2}}));
        assertThrows(IllegalArgumentException.class, () -> LatencyComparison.ofNanos(new long[0][], new long[0][]));
    }
}
