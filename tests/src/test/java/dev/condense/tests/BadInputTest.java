package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.onnx.OnnxExporter;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad recipes fail before any work: exit 2, one message with file:line:column, no stack trace, nothing under runs/.
 */
class BadInputTest {
    @TempDir
    Path dir;

    /** As {@link #assertRejected}, for recipe text whose error must be reported at {@code line:column}. */
    private void assertBadInput(String recipeText, int line, int column, String... mustContain) throws Exception {
        Path recipe = Recipes.write(dir, "bad.yaml", recipeText);
        String[] expected = java.util.Arrays.copyOf(mustContain, mustContain.length + 1);
        expected[mustContain.length] = recipe + ":" + line + ":" + column + ":";
        assertRejected(recipe, expected);
    }

    private static String replace(String text, String from, String to) {
        assertTrue(text.contains(from), "fixture lacks " + from);
        return text.replace(from, to);
    }

    /** Runs {@code condense run recipe}; asserts exit 2, the fragments on stderr, no stack trace, nothing written. */
    private void assertRejected(Path recipe, String... mustContain) throws Exception {
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(2, r.exit(), r.all());
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "expected '" + s + "' in: " + r.err());
        }
        assertFalse(r.all().contains("\tat "), "stack trace printed: " + r.all());
        assertFalse(Files.exists(dir.resolve("runs")), "something was written under runs/");
    }

    /** The small recipe pointed at a model file in the test directory. */
    private Path recipeForModel(String file) throws Exception {
        String text = replace(Recipes.small("bad", 1000), "model: {zoo: lenet-300-100}", "model: {file: " + file + "}");
        return Recipes.write(dir, "bad.yaml", text);
    }

    /** Issue 15: cluster bits out of range, more shared values than weights, encode with nothing to encode. */
    @Test
    void deepCompressionStagesCheckTheirInputBeforeAnyWork() throws Exception {
        String small = Recipes.small("bad", 1000);
        assertBadInput(replace(small, "  - export: {format: onnx}", "  - cluster: {bits: 0}"), 14, 21,
                "bits must be in [1, 8]");
        assertBadInput(replace(small, "  - export: {format: onnx}", "  - cluster: {bits: 17}"), 14, 21,
                "bits must be in [1, 8]", "was 17");
        assertBadInput(replace(small, "  - export: {format: onnx}", "  - encode"), 14, 5,
                "no weight has a codebook", "cluster");
        String pytorch = replace(small, "model: {zoo: lenet-300-100}", "model: {file: " + QuantizeRunTest.FIXTURE + "}");
        assertBadInput(replace(pytorch, "  - export: {format: onnx}", "  - cluster: {bits: {conv: 7}}"), 14, 5,
                "128 shared values", "72 weights");
    }

    @Test
    void missingRecipeFile() throws Exception {
        assertRejected(dir.resolve("nope.yaml"), "nope.yaml");
    }

    @Test
    void yamlSyntaxError() throws Exception {
        String text = replace(Recipes.small("bad", 1000), "scorer: magnitude", "scorer: [magnitude");
        assertBadInput(text, 10, 18, "invalid YAML");
    }

    @Test
    void unknownKey() throws Exception {
        String text = replace(Recipes.small("bad", 1000), "granularity: element", "granularty: element");
        assertBadInput(text, 10, 7, "granularty", "granularity");
    }

    @Test
    void unknownTechniqueIdSuggestsTheInstalledOne() throws Exception {
        String text = replace(Recipes.small("bad", 1000), "scorer: magnitude", "scorer: magnitdue");
        assertBadInput(text, 9, 15, "magnitdue", "did you mean", "magnitude");
    }

    @Test
    void wrongValueType() throws Exception {
        String text = replace(Recipes.small("bad", 1000), "train: {epochs: 1,", "train: {epochs: many,");
        assertBadInput(text, 6, 21, "epochs", "integer");
    }

    @Test
    void sparsityOutsideTheHalfOpenUnitInterval() throws Exception {
        String text = replace(Recipes.small("bad", 1000), "sparsity: {default: 0.9}", "sparsity: {default: 1.0}");
        assertBadInput(text, 11, 27, "sparsity");
    }

    @Test
    void modelWithAnUnsupportedOpNamesTheOpTheNodeAndTheSupportedSet() throws Exception {
        ModelGraph g = ModelGraph.builder("einsum")
                .input(new ValueInfo("input", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .output(new ValueInfo("y", ValueInfo.ElementType.FLOAT, new long[] {-1, 4}))
                .node(new Node("the-einsum", "Einsum", List.of("input"), List.of("y"), Map.of("equation", "ij->ij")))
                .build();
        new OnnxExporter().write(g, dir.resolve("einsum.onnx"));
        assertRejected(recipeForModel("einsum.onnx"), "unsupported: 1 op (Einsum x1 at node 'the-einsum')", "Gemm");
    }

    @Test
    void truncatedModelFileIsAClearError() throws Exception {
        Files.write(dir.resolve("cut.onnx"), new byte[] {8, 8, 18, 4, 99});
        assertRejected(recipeForModel("cut.onnx"), "cut.onnx");
    }

    @Test
    void selectorMatchingNoLayerListsTheLayers() throws Exception {
        String text = replace(Recipes.small("bad", 1000), "sparsity: {default: 0.9}", "sparsity: {default: 0.9, fc9.weight: 0.5}");
        assertBadInput(text, 11, 32, "fc9.weight", "fc1.weight");
    }

    /**
     * Issue 14: an integer-only export of a layer the quantize stage leaves in float (ONNX Runtime would compute it in
     * float between quantized tensors) is a located error at the export stage, found at plan time: before training.
     */
    @Test
    void integerOnlyExportOfALayerTheQuantizeStageLeavesFloat() throws Exception {
        String text = """
                recipe: bad
                seed: 11
                model: {zoo: lenet-5}
                data: {dataset: mnist, train-limit: 256, test-limit: 256}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - quantize: {layers: {exclude: [conv2.weight]}}
                  - export: {format: onnx, quantized: integer}
                output: {dir: runs/bad}
                """;
        assertBadInput(text, 8, 5, "node 'conv2' (Conv) stays float after the quantize stage", "quantized: qdq");
    }
}
