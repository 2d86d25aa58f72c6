package dev.condense.plugin.prune.magnitude;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.testkit.ImportanceScorerContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MagnitudeScorerTest extends ImportanceScorerContract<MagnitudeParams> {

    @Override
    protected ImportanceScorer<MagnitudeParams> extension() {
        return new MagnitudeScorer();
    }

    @Override
    protected MagnitudeParams params() {
        return new MagnitudeParams("l1");
    }

    @Override
    protected java.util.List<java.util.function.Supplier<? extends Record>> invalidParams() {
        return java.util.List.of(() -> new MagnitudeParams("l3"), () -> new MagnitudeParams("max"));
    }

    private final INDArray w = Nd4j.create(new float[] {3, -4, 0, 1, -2, 2}, new long[] {2, 3});

    @Test
    void elementScoresAreAbsoluteValues() {
        assertEquals(Nd4j.create(new float[] {3, 4, 0, 1, 2, 2}, new long[] {2, 3}),
                MagnitudeScores.score(w, Granularity.ELEMENT, "l1"));
    }

    @Test
    void neuronScoresAreRowNorms() {
        assertEquals(Nd4j.create(new float[] {7, 5}), MagnitudeScores.score(w, Granularity.NEURON, "l1"));
        INDArray l2 = MagnitudeScores.score(w, Granularity.NEURON, "l2");
        assertEquals(5.0, l2.getDouble(0), 1e-6);
        assertEquals(3.0, l2.getDouble(1), 1e-6);
    }

    @Test
    void channelScoresAreColumnNorms() {
        assertEquals(Nd4j.create(new float[] {4, 6, 2}), MagnitudeScores.score(w, Granularity.CHANNEL, "l1"));
    }
}
