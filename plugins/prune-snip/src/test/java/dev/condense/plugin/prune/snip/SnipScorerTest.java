package dev.condense.plugin.prune.snip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.testkit.ImportanceScorerContract;
import dev.condense.testkit.PlantedStageContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SnipScorerTest extends ImportanceScorerContract<SnipParams> {

    @Override
    protected ImportanceScorer<SnipParams> extension() {
        return new SnipScorer();
    }

    @Override
    protected SnipParams params() {
        return new SnipParams(2, 16, null);
    }

    /** The contract's weights with a planted gradient {@code g = 0.5 - w} (never all zero). */
    @Override
    protected ScoringRequest request(INDArray weight, Granularity g) {
        PlantedStageContext ctx = new PlantedStageContext(1, Map.of("layer.weight", weight.rsub(0.5)));
        return new ScoringRequest("layer.weight", weight, g, graph(weight), ctx);
    }

    private static ModelGraph graph(INDArray w) {
        return ModelGraph.builder("g").input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, w.size(1)}))
                .initializer("layer.weight", w).build();
    }

    /** w = [[1, -2], [0, 4]], g = [[3, 1], [5, -0.5]]: |g w| = [[3, 2], [0, 2]], sum 7. */
    private final INDArray w = Nd4j.create(new float[] {1, -2, 0, 4}, new long[] {2, 2});
    private final INDArray grad = Nd4j.create(new float[] {3, 1, 5, -0.5f}, new long[] {2, 2});

    private INDArray score(Granularity g, PlantedStageContext ctx) {
        return score(g, ctx, "layer");
    }

    private INDArray score(Granularity g, PlantedStageContext ctx, String normalize) {
        return new SnipScorer().score(new ScoringRequest("fc.weight", w, g, graph(w), ctx),
                new SnipParams(3, 32, normalize));
    }

    @Test
    void elementScoresAreNormalisedConnectionSensitivity() {
        PlantedStageContext ctx = new PlantedStageContext(1, Map.of("fc.weight", grad));
        INDArray s = score(Granularity.ELEMENT, ctx);
        assertEquals(Nd4j.create(new float[] {3 / 7f, 2 / 7f, 0, 2 / 7f}, new long[] {2, 2}), s);
        assertEquals(List.of("gradients:[fc.weight]:3:32"), ctx.requests, "batches and batch-size passed through");
    }

    /** The paper's network-wide normalisation: a scorer sees one layer, so it returns the raw |g w|. */
    @Test
    void networkNormalisationReturnsRawSensitivitiesSoLayersRankTogether() {
        PlantedStageContext ctx = new PlantedStageContext(1, Map.of("fc.weight", grad));
        assertEquals(Nd4j.create(new float[] {3, 2, 0, 2}, new long[] {2, 2}), score(Granularity.ELEMENT, ctx, "network"));
        assertEquals(Nd4j.create(new float[] {5, 2}), score(Granularity.NEURON, ctx, "network"));
        assertEquals(new SnipParams(3, 32, null), new SnipParams(3, 32, "network"), "network is the default");
    }

    @Test
    void unitScoresSumTheElementSensitivities() {
        PlantedStageContext ctx = new PlantedStageContext(1, Map.of("fc.weight", grad));
        assertEquals(Nd4j.create(new float[] {5 / 7f, 2 / 7f}), score(Granularity.NEURON, ctx));
        assertEquals(Nd4j.create(new float[] {3 / 7f, 4 / 7f}), score(Granularity.CHANNEL, ctx));
    }

    @Test
    void zeroGradientGivesZeroScoresNotNaN() {
        PlantedStageContext ctx = new PlantedStageContext(1, Map.of("fc.weight", Nd4j.zeros(2, 2)));
        assertEquals(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 2), score(Granularity.ELEMENT, ctx));
    }

    @Test
    void scoringWithoutAGraphFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SnipScorer().score(
                new ScoringRequest("fc.weight", w, Granularity.ELEMENT, null, new PlantedStageContext(1, Map.of())),
                new SnipParams()));
        assertTrue(e.getMessage().contains("snip") && e.getMessage().contains("fc.weight")
                && e.getMessage().contains("data set"), e.getMessage());
        assertTrue(new SnipScorer().needsData());
    }

    @Test
    void paramsDefaultAndValidateNamingTheKey() {
        assertEquals(new SnipParams(1, 128, "network"), new SnipParams());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SnipParams(1, 0, null));
        assertTrue(e.getMessage().contains("batch-size"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SnipParams(0, null, null))
                .getMessage().contains("batches"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SnipParams(1, 1, "global"))
                .getMessage().contains("normalize"));
    }
}
