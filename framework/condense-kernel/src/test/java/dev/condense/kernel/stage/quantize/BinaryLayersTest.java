package dev.condense.kernel.stage.quantize;

import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.recipe.RecipeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which layers mode binary binarizes, which inputs get a Sign, and the located refusals. */
class BinaryLayersTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    private BinaryQuantizeSpec spec(String binaryBody, String layers) {
        return BinaryQuantizeSpecTest.binary(write(dir, "r.yaml", HEADER + "  - quantize: {mode: binary, binary: "
                + binaryBody + (layers == null ? "" : ", layers: " + layers) + "}\n"));
    }

    @Test
    void lenet5KeepsConv1AndFc2FloatAndBinarizesTheInputsOfConv2AndFc1() {
        BinaryLayers b = BinaryLayers.select(Zoo.build("lenet-5", 1), spec("{finetune: {epochs: 1}}", null));
        assertEquals(List.of("conv2", "fc1"), b.layers().stream().map(l -> l.node().name()).toList());
        assertEquals(Set.of("conv2.weight", "fc1.weight"), b.weights());
        assertEquals(Set.of("pool1", "flatten"), b.activations());
        assertEquals(List.of("conv1.weight", "fc2.weight"), b.keptFloat());
    }

    @Test
    void includeFirstLastBinarizesTheFirstLayerAndTheNormalizedInput() {
        ModelGraph g = Zoo.build("lenet-5", 1);
        // fc2 reads the ReLU of fc1, so it is excluded (see refusalsAreLocatedAtTheStage)
        BinaryLayers b = BinaryLayers.select(g, spec("{finetune: {epochs: 1}, include-first-last: true}",
                "{exclude: [fc2.weight]}"));
        assertEquals(List.of("conv1", "conv2", "fc1"), b.layers().stream().map(l -> l.node().name()).toList());
        assertTrue(b.keptFloat().isEmpty());
        WeightedLayer conv1 = b.layers().get(0);
        assertTrue(b.activations().contains(conv1.node().inputs().get(0)));
    }

    @Test
    void theSignsGoInFrontOfTheBinarizedLayersInThePreview() {
        BinaryQuantizeSpec s = spec("{finetune: {epochs: 1}}", null);
        ModelGraph out = new BinaryQuantizeStep(s, null, null).preview(Zoo.build("lenet-5", 1)).graph();
        Node conv2 = out.nodes().stream().filter(n -> n.name().equals("conv2")).findFirst().orElseThrow();
        assertEquals("pool1.sign", conv2.inputs().get(0));
        assertEquals("Sign", out.producer("flatten.sign").orElseThrow().opType());
        assertEquals(2, out.nodes().stream().filter(n -> n.opType().equals("Sign")).count());
    }

    @Test
    void refusalsAreLocatedAtTheStage() {
        // a selection that leaves only the first and last layers
        RecipeException none = assertThrows(RecipeException.class, () -> BinaryLayers.select(Zoo.build("lenet-5", 1),
                spec("{finetune: {epochs: 1}}", "{include: [conv1.weight, fc2.weight]}")));
        assertTrue(none.getMessage().contains("include-first-last: true"), none.getMessage());
        assertEquals(5, none.location().line());
        // LeNet-300-100's middle layer reads a ReLU output: its sign would be 0 or 1
        RecipeException relu = assertThrows(RecipeException.class, () -> BinaryLayers.select(
                Zoo.build("lenet-300-100", 1), spec("{finetune: {epochs: 1}}", null)));
        assertTrue(relu.getMessage().contains("comes from Relu"), relu.getMessage());
        RecipeException fc2 = assertThrows(RecipeException.class, () -> BinaryLayers.select(Zoo.build("lenet-5", 1),
                spec("{finetune: {epochs: 1}, include-first-last: true}", null)));
        assertTrue(fc2.getMessage().contains("'fc1.relu'"), fc2.getMessage());
        RecipeException pattern = assertThrows(RecipeException.class, () -> BinaryLayers.select(
                Zoo.build("lenet-5", 1), spec("{finetune: {epochs: 1}}", "{include: [conv9.weight]}")));
        assertTrue(pattern.getMessage().contains("matches no float layer"), pattern.getMessage());
    }
}
