package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contract tests for {@link ImportanceScorer}s: documented score shapes for every granularity the scorer claims,
 * determinism, finite scores, and no mutation of the weight. Data-hungry scorers override {@link #request}.
 *
 * @param <P> the scorer's params record
 */
public abstract class ImportanceScorerContract<P extends Record> extends ExtensionContract<ImportanceScorer<P>> {

    @Override
    protected abstract P params();

    /** A Gemm-like {@code [6, 5]} or Conv-like {@code [4, 3, 3, 3]} seeded weight. */
    protected INDArray weight(boolean conv) {
        long[] shape = conv ? new long[] {4, 3, 3, 3} : new long[] {6, 5};
        return Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(42), shape).castTo(DataType.FLOAT);
    }

    /**
     * The request to score: no graph and a {@link PlantedStageContext} with seed 0 and nothing planted; override to
     * supply a graph and planted data for scorers that need data.
     */
    protected ScoringRequest request(INDArray weight, Granularity g) {
        return new ScoringRequest("layer.weight", weight, g, null, new PlantedStageContext(0, java.util.Map.of()));
    }

    private static long[] expectedShape(INDArray w, Granularity g) {
        return switch (g) {
            case ELEMENT -> w.shape();
            case NEURON, FILTER -> new long[] {w.size(0)};
            case CHANNEL -> new long[] {w.size(1)};
        };
    }

    @Test
    void scoresHaveTheDocumentedShapeAndAreFinite() {
        ImportanceScorer<P> s = extension();
        assertFalse(s.granularities().isEmpty(), "a scorer supports at least one granularity");
        for (Granularity g : s.granularities()) {
            INDArray w = weight(g == Granularity.FILTER);
            INDArray scores = s.score(request(w, g), params());
            assertArrayEquals(expectedShape(w, g), scores.shape(), "score shape for " + g);
            assertTrue(scores.isNaN().castTo(DataType.FLOAT).sumNumber().doubleValue() == 0, "NaN scores for " + g);
            assertTrue(scores.isInfinite().castTo(DataType.FLOAT).sumNumber().doubleValue() == 0, "infinite scores for " + g);
        }
    }

    @Test
    void scoringIsDeterministicAndDoesNotMutateTheWeight() {
        ImportanceScorer<P> s = extension();
        for (Granularity g : s.granularities()) {
            INDArray w = weight(g == Granularity.FILTER);
            INDArray copy = w.dup();
            INDArray a = s.score(request(w, g), params());
            INDArray b = s.score(request(w, g), params());
            assertEquals(copy, w, "the weight was mutated by scoring (" + g + ")");
            assertEquals(a, b, "scores differ between two identical calls (" + g + ")");
        }
    }
}
