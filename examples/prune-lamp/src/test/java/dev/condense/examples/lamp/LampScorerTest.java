package dev.condense.examples.lamp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.extension.NoParams;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.testkit.ImportanceScorerContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LampScorerTest extends ImportanceScorerContract<NoParams> {

    @Override
    protected ImportanceScorer<NoParams> extension() {
        return new LampScorer();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    @Test
    void scoresAreSquareOverTheSuffixSumOfSortedSquares() {
        // squares 1, 4, 9 (weights -1, 2, 3) in the order 3, -1, 2: suffix sums 14, 13, 9
        INDArray w = Nd4j.create(new float[] {3, -1, 2}, new long[] {1, 3});
        INDArray s = LampScores.score(w);
        assertEquals(9.0 / 9, s.getDouble(0), 1e-6);
        assertEquals(1.0 / 14, s.getDouble(1), 1e-6);
        assertEquals(4.0 / 13, s.getDouble(2), 1e-6);
    }
}
