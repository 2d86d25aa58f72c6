package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Quantize mode binary (XNOR-Net) through the distribution with the quant-binary plugin: LeNet-5 on a slice of
 * MNIST, conv2 and fc1 binarized; the report's packed storage is 1 bit per weight, the exported model runs in ONNX
 * Runtime with Sign nodes and weights that hold two values (+-scale) per output channel.
 */
class BinaryQuantizeRunTest {
    private static final String RECIPE = """
            recipe: xnor
            seed: 3
            model: {zoo: %s}
            data: {dataset: mnist, train-limit: 2000, test-limit: 500}
            stages:
              - train: {epochs: 1, batch: 64}
              - quantize: {mode: binary, binary: {finetune: {epochs: 1, batch: 64}}}
              - evaluate: {metrics: [accuracy, size]}
              - encode
              - evaluate: {metrics: [accuracy]}
              - export
            output: {dir: runs/xnor}
            """;

    @TempDir
    Path dir;

    @Test
    void lenet5BinarizesTheMiddleLayersAndRunsInOnnxRuntime() throws Exception {
        Path recipe = Recipes.write(dir, "xnor.yaml", RECIPE.formatted("lenet-5"));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("expanded for ONNX Runtime"), r.out());
        Path out = dir.resolve("runs/xnor");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode q = report.get("stages").get(1);
        assertEquals("[\"conv2.weight\",\"fc1.weight\"]", q.get("binarized_layers").toString());
        assertEquals(25_000 + 400_000, q.get("binary_weights").asLong());
        assertEquals(25_000 / 8 + 400_000 / 8, q.get("binary_packed_bytes").asLong(), "one bit per weight");
        assertEquals(4 * (50 + 500), q.get("binary_scale_bytes").asLong(), "a float32 scale per output channel");
        assertEquals(4 * 425_000, q.get("binary_float32_bytes").asLong());
        double accuracy = report.get("evaluations").get(0).get("accuracy").asDouble();
        assertTrue(accuracy > 0.3, "the binarized model learned something in ONNX Runtime: " + accuracy);

        ModelGraph g = new OnnxImporter().read(out.resolve("model.onnx"));
        assertEquals(2, g.nodes().stream().filter(n -> n.opType().equals("Sign")).count());
        INDArray conv2 = g.initializers().get("conv2.weight");
        for (int c = 0; c < conv2.size(0); c++) {
            Set<Float> magnitudes = new HashSet<>();
            for (float v : conv2.slice(c).dup().data().asFloat()) {
                magnitudes.add(Math.abs(v));
            }
            assertEquals(1, magnitudes.size(), "channel " + c + " holds +-scale only");
        }
        INDArray conv1 = g.initializers().get("conv1.weight");
        assertTrue(conv1.slice(0).dup().data().asFloat().length > 2, "the first layer stays float");

        // encode: the binarized layers' codes one bit each in model.cz, decoding to the exported model
        JsonNode encode = report.get("stages").get(3);
        assertEquals("encode", encode.get("kind").asText());
        JsonNode packed = encode.get("binarized");
        assertEquals(2, packed.size(), packed.toString());
        assertEquals(25_000 / 8, packed.get(0).get("packed_bytes").asLong(), packed.toString());
        assertEquals(400_000 / 8, packed.get(1).get("packed_bytes").asLong(), packed.toString());
        long cz = Files.size(out.resolve("model.cz"));
        assertEquals(cz, encode.get("cz_bytes").asLong());
        assertTrue(cz < 4 * 431_080 / 15, "float32 conv1, fc2 and the biases in the skeleton, 1 bit for the rest: "
                + cz + " B");
        assertEquals(accuracy, report.get("evaluations").get(1).get("accuracy").asDouble(),
                "the model decoded from model.cz is the binarized one");
        Cli.Result d = Cli.run(dir, "decode", out.resolve("model.cz").toString(), "-o", "decoded.onnx");
        assertEquals(0, d.exit(), d.all());
        ModelGraph decoded = new OnnxImporter().read(dir.resolve("decoded.onnx"));
        assertEquals(g.initializers().keySet(), decoded.initializers().keySet());
        g.initializers().forEach((name, value) -> assertArrayEquals(value.data().asFloat(),
                decoded.initializers().get(name).data().asFloat(), name + ": decode(model.cz) holds model.onnx's values"));
        assertEquals(g.annotations().keySet(), decoded.annotations().keySet(), "the same weights stored as int8 codes");
        Cli.Result inspect = Cli.run(dir, "inspect", out.resolve("model.cz").toString());
        assertEquals(0, inspect.exit(), inspect.all());
        assertTrue(inspect.out().contains("version 2") && inspect.out().contains("2 binarized layers")
                && inspect.out().contains("50,000 bytes at one bit each"), inspect.out());
    }

    @Test
    void aBinarizedLayerReadingAReluIsRefusedBeforeAnyWork() throws Exception {
        Path recipe = Recipes.write(dir, "xnor.yaml", RECIPE.formatted("lenet-300-100"));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("xnor.yaml:7:5"), r.err());
        assertTrue(r.err().contains("comes from Relu"), r.err());
        assertFalse(r.all().contains("\tat "), r.all());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing written");
    }
}
