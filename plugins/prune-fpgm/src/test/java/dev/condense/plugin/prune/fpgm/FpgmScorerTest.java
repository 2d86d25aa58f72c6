package dev.condense.plugin.prune.fpgm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.testkit.ImportanceScorerContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FpgmScorerTest extends ImportanceScorerContract<FpgmParams> {
    private static final dev.condense.testkit.PlantedStageContext NO_DATA =
            new dev.condense.testkit.PlantedStageContext(0, java.util.Map.of());

    @Override
    protected ImportanceScorer<FpgmParams> extension() {
        return new FpgmScorer();
    }

    @Override
    protected FpgmParams params() {
        return new FpgmParams();
    }

    /**
     * Five 2x2 filters of one input channel, flattened to R^4: f0 = 0, f1 = e1, f2 = -e1, f3 = e2, f4 = -e2. The unit
     * vectors from 0 to the others sum to zero, so 0 is exactly their geometric median. Total distances:
     * f0: 1 + 1 + 1 + 1 = 4; e.g. f1: |e1| + |2 e1| + 2 |e1 - e2| = 1 + 2 + 2 sqrt(2) = 3 + 2 sqrt(2) (all four alike).
     */
    private static final INDArray PLUS = Nd4j.create(new float[] {
        0, 0, 0, 0,
        1, 0, 0, 0,
        -1, 0, 0, 0,
        0, 1, 0, 0,
        0, -1, 0, 0}, new long[] {5, 1, 2, 2});

    @Test
    void theGeometricMedianFilterScoresLowest() {
        INDArray s = FpgmScores.score(PLUS, false);
        assertEquals(4.0, s.getDouble(0), 1e-5);
        for (int u = 1; u < 5; u++) {
            assertEquals(3 + 2 * Math.sqrt(2), s.getDouble(u), 1e-5, "filter " + u);
        }
    }

    /** Three collinear neurons 0, 1, 3 (times e1): distance sums 1 + 3 = 4, 1 + 2 = 3, 3 + 2 = 5; the middle one goes. */
    @Test
    void neuronsOnALineRankByTotalDistance() {
        INDArray w = Nd4j.create(new float[] {0, 0, 1, 0, 3, 0}, new long[] {3, 2});
        INDArray s = new FpgmScorer().score(new ScoringRequest("fc.weight", w, Granularity.NEURON, null, NO_DATA),
                new FpgmParams("euclidean"));
        assertEquals(Nd4j.create(new float[] {4, 3, 5}), s);
    }

    /** Cosine: e1, 2 e1 and e2. Distances 1-cos: (e1, 2e1) = 0, (e1, e2) = 1, (2e1, e2) = 1; sums 1, 1, 2. */
    @Test
    void cosineDistanceIgnoresScale() {
        INDArray w = Nd4j.create(new float[] {1, 0, 2, 0, 0, 1}, new long[] {3, 2});
        INDArray s = FpgmScores.score(w, true);
        assertEquals(1.0, s.getDouble(0), 1e-6);
        assertEquals(1.0, s.getDouble(1), 1e-6);
        assertEquals(2.0, s.getDouble(2), 1e-6);
    }

    @Test
    void paramsRejectUnknownDistancesNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FpgmParams("manhattan"));
        assertTrue(e.getMessage().contains("distance") && e.getMessage().contains("manhattan"), e.getMessage());
        assertEquals("euclidean", new FpgmParams(null).distance());
    }

    @Test
    void elementGranularityIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FpgmScorer().score(
                new ScoringRequest("fc.weight", PLUS, Granularity.ELEMENT, null, NO_DATA), new FpgmParams()));
    }
}
