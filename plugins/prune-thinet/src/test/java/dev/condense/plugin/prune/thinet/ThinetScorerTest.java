package dev.condense.plugin.prune.thinet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.testkit.ImportanceScorerContract;
import dev.condense.testkit.PlantedStageContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ThinetScorerTest extends ImportanceScorerContract<ThinetParams> {

    @Override
    protected ImportanceScorer<ThinetParams> extension() {
        return new ThinetScorer();
    }

    @Override
    protected ThinetParams params() {
        return new ThinetParams(8, 64);
    }

    /** The contract's Gemm weight {@code [6, 5]} read by {@code Gemm(x, layer.weight)} on planted inputs. */
    @Override
    protected ScoringRequest request(INDArray weight, Granularity g) {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), 8, 5).castTo(DataType.FLOAT);
        return new ScoringRequest("layer.weight", weight, g, gemmGraph("layer.weight", weight),
                new PlantedStageContext(7, Map.of("x", x)));
    }

    private static ModelGraph gemmGraph(String layer, INDArray w) {
        return ModelGraph.builder("g").input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, w.size(1)}))
                .initializer(layer, w)
                .node(new Node("fc", "Gemm", List.of("x", layer), List.of("y"), Map.of("transB", 1L)))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, w.size(0)})).build();
    }

    /** Channel 0 of the input is always 0, channel 1 tiny, channel 2 large: ranks 0, 1, 2 through the scorer. */
    @Test
    void gemmLayerRanksDeadThenTinyThenLargeChannel() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(1), 16, 3).castTo(DataType.FLOAT)
                .mulRowVector(Nd4j.create(new float[] {0, 1e-3f, 1}));
        INDArray w = Nd4j.create(new float[] {1, 1, 1, 2, -1, 1, -1, 3, 0.5f}, new long[] {3, 3});
        PlantedStageContext ctx = new PlantedStageContext(5, Map.of("x", x));
        INDArray s = new ThinetScorer().score(new ScoringRequest("fc.weight", w, Granularity.CHANNEL,
                gemmGraph("fc.weight", w), ctx), new ThinetParams(16, 200));
        assertEquals(Nd4j.create(new float[] {0, 1, 2}), s);
        assertEquals(List.of("activations:[x]:16"), ctx.requests);
    }

    /** A 3x3 Conv with pad 1 over 3 input channels whose channel 1 is dead and channel 0 small: ranks 1, 0, 2. */
    @Test
    void convLayerRanksChannelsByContribution() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(2), 4, 3, 5, 5).castTo(DataType.FLOAT)
                .mul(Nd4j.create(new float[] {0.01f, 0, 1}).reshape(1, 3, 1, 1));
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(4), 2, 3, 3, 3).castTo(DataType.FLOAT);
        ModelGraph graph = ModelGraph.builder("g")
                .input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 3, 5, 5}))
                .initializer("conv.weight", w)
                .node(new Node("conv", "Conv", List.of("x", "conv.weight"), List.of("y"),
                        Map.of("pads", new long[] {1, 1, 1, 1}, "kernel_shape", new long[] {3, 3})))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 5, 5})).build();
        INDArray s = new ThinetScorer().score(new ScoringRequest("conv.weight", w, Granularity.CHANNEL, graph,
                new PlantedStageContext(5, Map.of("x", x))), new ThinetParams(4, 300));
        assertEquals(Nd4j.create(new float[] {1, 0, 2}), s);
    }

    @Test
    void scoringWithoutAGraphOrAnotherGranularityFailsClearly() {
        INDArray w = Nd4j.ones(2, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ThinetScorer().score(
                new ScoringRequest("fc.weight", w, Granularity.CHANNEL, null, new PlantedStageContext(5, Map.of())), new ThinetParams()));
        assertTrue(e.getMessage().contains("thinet") && e.getMessage().contains("fc.weight"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ThinetScorer().score(
                new ScoringRequest("fc.weight", w, Granularity.NEURON, null, new PlantedStageContext(5, Map.of())), new ThinetParams()));
    }

    @Test
    void paramsDefaultAndValidateNamingTheKey() {
        assertEquals(new ThinetParams(64, 1024), new ThinetParams());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ThinetParams(0, null))
                .getMessage().contains("rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ThinetParams(null, -1))
                .getMessage().contains("samples"));
    }

    /** Feature 2 is feature 0 + feature 1, so removing it loses nothing: the refit Gemm reproduces the outputs. */
    @Test
    void gemmRefitReconstructsTheOutputsFromTheKeptFeatures() {
        INDArray base = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), 32, 2).castTo(DataType.FLOAT);
        INDArray x = Nd4j.hstack(base, base.sum(true, 1));
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(8), 4, 3).castTo(DataType.FLOAT);
        ScoringRequest r = new ScoringRequest("fc.weight", w, Granularity.CHANNEL, gemmGraph("fc.weight", w),
                new PlantedStageContext(5, Map.of("x", x)));
        INDArray refit = new ThinetScorer().refit(r, new long[] {0, 1}, new ThinetParams(32, 64)).orElseThrow();
        assertArrayEquals(new long[] {4, 2}, refit.shape());
        INDArray expected = x.mmul(w.transpose());
        INDArray actual = base.mmul(refit.transpose());
        assertTrue(expected.equalsWithEps(actual, 1e-3), expected + " vs " + actual);
    }
}
