package dev.condense.plugin.prune.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.testkit.ImportanceScorerContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RandomScorerTest extends ImportanceScorerContract<RandomParams> {

    @Override
    protected ImportanceScorer<RandomParams> extension() {
        return new RandomScorer();
    }

    @Override
    protected RandomParams params() {
        return new RandomParams(7L);
    }

    private static INDArray score(long seed, Granularity g, INDArray w) {
        return new RandomScorer().score(new ScoringRequest("fc1.weight", w, g, null,
                new dev.condense.testkit.PlantedStageContext(0, java.util.Map.of())), new RandomParams(seed));
    }

    @Test
    void sameSeedSameScoresOtherSeedOtherScores() {
        INDArray w = Nd4j.zeros(8, 4);
        assertEquals(score(3, Granularity.ELEMENT, w), score(3, Granularity.ELEMENT, w));
        assertNotEquals(score(3, Granularity.ELEMENT, w), score(4, Granularity.ELEMENT, w));
        assertNotEquals(RandomScores.mix(0, 1, "a.weight"), RandomScores.mix(0, 2, "a.weight"));
        assertNotEquals(RandomScores.mix(0, 1, "a.weight"), RandomScores.mix(0, 1, "b.weight"));
    }

    @Test
    void defaultSeedIsZero() {
        assertEquals(0L, new RandomParams().seed());
        assertEquals(0L, new RandomParams(null).seed());
    }

    @Test
    void scoresAreInTheUnitIntervalWithTheUnitShape() {
        INDArray s = score(1, Granularity.CHANNEL, Nd4j.zeros(3, 5, 2, 2));
        assertArrayEquals(new long[] {5}, s.shape());
        assertTrue(s.minNumber().doubleValue() >= 0 && s.maxNumber().doubleValue() < 1);
    }

    /** Over 400 seeds each of 5 neurons should be the lowest-scored one about 80 times (binomial sd ~8). */
    @Test
    void everyUnitIsEquallyLikelyToBePrunedFirst() {
        int[] lowest = new int[5];
        for (long seed = 0; seed < 400; seed++) {
            lowest[score(seed, Granularity.NEURON, Nd4j.zeros(5, 3)).neg().argMax().getInt(0)]++;
        }
        for (int count : lowest) {
            assertTrue(count > 50 && count < 110, java.util.Arrays.toString(lowest));
        }
    }

    /** 10,000 element scores fall evenly into 10 bins of width 0.1 (expected 1000 each, sd ~30). */
    @Test
    void elementScoresAreUniform() {
        INDArray s = score(11, Granularity.ELEMENT, Nd4j.zeros(100, 100));
        for (int b = 0; b < 10; b++) {
            double inBin = s.gte(b / 10.0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                    .mul(s.lt((b + 1) / 10.0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)).sumNumber().doubleValue();
            assertTrue(Math.abs(inBin - 1000) < 150, "bin " + b + " holds " + inBin);
        }
    }
}
