package dev.condense.kernel.stage.quantize;

import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Per-layer weight options on a planted graph: which layer gets which grid, and the errors located at the entry. */
class WeightOverridesTest {
    @TempDir
    Path dir;

    /** x [N, 4] -> Gemm fc1 (weight [3, 4], transB) -> MatMul head (weight [3], a 1-D weight without channels). */
    private static ModelGraph graph() {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        return ModelGraph.builder("g").input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .initializer("fc1.weight", Nd4j.randn(rng, new long[] {3, 4}).castTo(DataType.FLOAT))
                .initializer("head.weight", Nd4j.randn(rng, new long[] {3}).castTo(DataType.FLOAT))
                .node(new Node("fc1", "Gemm", List.of("x", "fc1.weight"), List.of("h"), Map.of("transB", 1L)))
                .node(new Node("head", "MatMul", List.of("h", "head.weight"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1}))
                .build();
    }

    private QuantizeStep step(String body) {
        Path r = write(dir, "r.yaml", "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist}\nstages:\n  - "
                + body + "\n");
        return new QuantizeStep(assertInstanceOf(QuantizeStageSpec.class, RecipeLoader.load(r).stages().get(0)),
                null, null, null);
    }

    @Test
    void eachLayerGetsTheGridOfItsOptions() {
        ModelGraph g = graph();
        QuantizeStep s = step("quantize: {weights: {bits: 4}, overrides: {head.weight: {bits: 8, granularity:"
                + " per-tensor, symmetric: false}}}");
        List<WeightedLayer> layers = s.layers(g);
        AffineQuantization fc1 = s.grids().of(layers.get(0), g.initializers().get("fc1.weight"));
        AffineQuantization head = s.grids().of(layers.get(1), g.initializers().get("head.weight"));
        assertEquals(4, fc1.bits());
        assertEquals(3, fc1.scale().length(), "per channel along the output axis");
        assertEquals(8, head.bits());
        assertTrue(head.perTensor() && !head.signed());
    }

    @Test
    void perChannelOnAWeightWithoutChannelsIsLocatedAtTheOverride() {
        ModelGraph g = graph();
        RecipeException e = assertThrows(RecipeException.class, () -> step("quantize: {weights: {granularity:"
                + " per-tensor}, overrides: {\"re:head.*\": {granularity: per-channel}}}").layers(g));
        assertTrue(e.getMessage().contains("r.yaml:5:64"), e.getMessage());
        assertTrue(e.getMessage().contains("'head.weight' has shape [3], no channel axis"), e.getMessage());
    }

    @Test
    void asymmetricPerChannelWeightsAreRefusedAtTheEntry() {
        RecipeException e = assertThrows(RecipeException.class,
                () -> step("quantize: {weights: {bits: 8, symmetric: false}}"));
        assertTrue(e.getMessage().contains("r.yaml:5:46"), e.getMessage());
        assertTrue(e.getMessage().contains("per-channel weights are symmetric"), e.getMessage());
        RecipeException o = assertThrows(RecipeException.class,
                () -> step("quantize: {overrides: {fc1.weight: {symmetric: false}}}"));
        assertTrue(o.getMessage().contains("r.yaml:5:52"), o.getMessage());
    }

    @Test
    void aPatternThatNamesNoLayerIsLocated() {
        RecipeException e = assertThrows(RecipeException.class,
                () -> step("quantize: {overrides: {conv9: {bits: 8}}}").layers(graph()));
        assertTrue(e.getMessage().contains("r.yaml:5:28") && e.getMessage().contains("'conv9' matches no quantizable"
                + " layer; layers: fc1.weight, head.weight"), e.getMessage());
    }

    @Test
    void aNodeNameSelectsItsLayer() {
        QuantizeStep s = step("quantize: {overrides: {fc1: {bits: 3}, head.weight: {granularity: per-tensor}}}");
        WeightedLayer fc1 = s.layers(graph()).get(0);
        assertEquals(3, s.spec().weightsFor(fc1.source(), fc1.node().name()).bits());
    }
}
