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

    /** x [N, 1, 5, 5] -> Conv c1 (weight [2, 1, 3, 3]) -> y. */
    private static ModelGraph convGraph() {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(5);
        return ModelGraph.builder("c").input(new ValueInfo("x", ValueInfo.ElementType.FLOAT, new long[] {-1, 1, 5, 5}))
                .initializer("c1.weight", Nd4j.randn(rng, new long[] {2, 1, 3, 3}).castTo(DataType.FLOAT))
                .node(new Node("c1", "Conv", List.of("x", "c1.weight"), List.of("y"), Map.of()))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 2, 3, 3}))
                .build();
    }

    @Test
    void asymmetricPerChannelConvWeightsAreALocatedError() {
        RecipeException e = assertThrows(RecipeException.class,
                () -> step("quantize: {overrides: {c1.weight: {symmetric: false}}}").layers(convGraph()));
        assertTrue(e.getMessage().contains("r.yaml:5:28"), e.getMessage());
        assertTrue(e.getMessage().contains("conv weight 'c1.weight' per-channel asymmetric"), e.getMessage());
        assertEquals(1, step("quantize: {weights: {granularity: per-tensor, symmetric: false}}").layers(convGraph())
                .size(), "per-tensor asymmetric is fine");
        assertEquals(2, step("quantize: {weights: {symmetric: false}, overrides: {head.weight: {granularity:"
                + " per-tensor}}}").layers(graph()).size(), "a Gemm's per-channel asymmetric grid is not refused");
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
