package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.condense.engine.runtime.OptimizedGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static int8 through the distribution on a PyTorch export that keeps its BatchNormalization nodes
 * ({@code config/models/bn_cnn.onnx}, made by {@code config/models/bn_cnn.py}): the quantize stage folds both BNs, calibrates,
 * and the exported model.onnx runs in ONNX Runtime on integer kernels only, with about the float accuracy.
 */
class QuantizeRunTest {
    static final Path FIXTURE = Cli.DIST.resolve("config/models/bn_cnn.onnx").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void pytorchModelWithBatchNormQuantizesAndRunsOnIntegerKernels() throws Exception {
        run("{rows: 256}");
    }

    @Test
    void aCalibratorPluginChoosesTheRanges() throws Exception {
        run("{rows: 256, calibrator: {percentile: {percentile: 99.9}}}");
        String resolved = Files.readString(dir.resolve("runs/int8/recipe.resolved.yaml"));
        assertTrue(resolved.contains("percentile"), resolved);
    }

    /** Integer-only export after the stage: the float logits' Gemm becomes a QGemm with float output. */
    @Test
    void integerOnlyExportAfterTheStageRunsOnIntegerKernels() throws Exception {
        run("{rows: 256}", "{quantized: integer}");
        Path model = dir.resolve("runs/int8/model.onnx");
        assertTrue(Files.readString(model, java.nio.charset.StandardCharsets.ISO_8859_1).contains("QLinearConv"),
                "integer-only operators in the file");
    }

    /** Mode fp16: every layer's weight and bias stored as float16, accuracy unchanged, about half the file. */
    @Test
    void fp16ModeHalvesTheWeightBytes() throws Exception {
        Path recipe = Recipes.write(dir, "fp16.yaml", """
                recipe: fp16
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy, size]}
                  - quantize: {mode: fp16}
                  - evaluate: {metrics: [accuracy, size]}
                  - export
                output: {dir: runs/fp16}
                """.formatted(FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("runs/fp16/report.json").toFile());
        JsonNode before = report.get("evaluations").get(0);
        JsonNode after = report.get("evaluations").get(1);
        assertTrue(Math.abs(before.get("accuracy").asDouble() - after.get("accuracy").asDouble()) <= 0.002,
                "fp16 " + after + " vs float " + before);
        double ratio = before.get("onnx_bytes").asDouble() / after.get("onnx_bytes").asDouble();
        assertTrue(ratio > 1.6, "file ratio " + ratio);
    }

    private void run(String activations) throws Exception {
        run(activations, "{}");
    }

    private void run(String activations, String export) throws Exception {
        Path recipe = Recipes.write(dir, "int8.yaml", """
                recipe: int8
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy, size]}
                  - quantize: {activations: %s}
                  - evaluate: {metrics: [accuracy, size]}
                  - export: %s
                output: {dir: runs/int8}
                """.formatted(FIXTURE, activations, export));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/int8");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode quantize = report.get("stages").get(2);
        assertEquals("quantize", quantize.get("kind").asText());
        assertEquals(2, quantize.get("batch_norms_folded").asInt());
        assertEquals(3, quantize.get("layers").asInt());
        double before = report.get("evaluations").get(0).get("accuracy").asDouble();
        double after = report.get("evaluations").get(1).get("accuracy").asDouble();
        assertTrue(before > 0.5, "the float model learned something: " + before);
        assertTrue(Math.abs(before - after) <= 0.02, "int8 " + after + " vs float " + before);

        OptimizedGraph ort = OptimizedGraph.of(out.resolve("model.onnx"), 1);
        assertEquals(3, ort.integerNodes(), ort.summary());
        assertEquals(0, ort.floatComputeNodes(), ort.summary());
        assertTrue(Files.size(out.resolve("model.onnx")) < Files.size(FIXTURE), "smaller than the float file");
    }

    /**
     * Mode qat on the PyTorch BN fixture: BNs folded, one short epoch of fine-tuning with 4-bit weights (the two
     * conv layers 8-bit by a {@code re:} override) and 8-bit activations, then a QDQ model that ONNX Runtime runs on integer kernels only.
     */
    @Test
    void qatModeTrainsAndExportsAnIntegerModel() throws Exception {
        Path recipe = Recipes.write(dir, "qat.yaml", """
                recipe: qat
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy, size]}
                  - quantize:
                      mode: qat
                      weights: {bits: 4}
                      overrides: {"re:[04]\\\\.weight": {bits: 8}}
                      activations: {rows: 256}
                      finetune: {epochs: 1, batch: 64, optimizer: {sgd: {lr: 0.002, momentum: 0.9}}}
                  - evaluate: {metrics: [accuracy, size]}
                  - export
                output: {dir: runs/qat}
                """.formatted(FIXTURE));
        Cli.Result v = Cli.run(dir, "validate", recipe.toString());
        assertEquals(0, v.exit(), v.all());
        assertTrue(v.out().contains("quantize: qat (quantization-aware training), 3 layers"), v.out());
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/qat");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode quantize = report.get("stages").get(2);
        assertEquals(2, quantize.get("batch_norms_folded").asInt());
        assertEquals(1, quantize.get("epochs").asInt());
        assertTrue(quantize.get("activation_ranges").size() > 0, quantize.toString());
        double before = report.get("evaluations").get(0).get("accuracy").asDouble();
        double after = report.get("evaluations").get(1).get("accuracy").asDouble();
        assertTrue(before > 0.5 && after > before - 0.05, "qat " + after + " vs float " + before);
        OptimizedGraph ort = OptimizedGraph.of(out.resolve("model.onnx"), 1);
        assertEquals(3, ort.integerNodes(), ort.summary());
        assertEquals(0, ort.floatComputeNodes(), ort.summary());
    }

    /**
     * Mode qat with {@code ranges: learned} and 4-bit activations on the BN fixture: the trained ranges differ from
     * the min/max start, the QDQ file clips the codes of every quantized activation to [0, 15] and ONNX Runtime still
     * runs the three layers on integer kernels.
     */
    @Test
    void learnedRangesWithFourBitActivationsExportClippedCodes() throws Exception {
        Path recipe = Recipes.write(dir, "lsq.yaml", """
                recipe: lsq
                seed: 3
                model: {file: %s}
                data: {dataset: mnist, train-limit: 2000, test-limit: 1000}
                stages:
                  - train: {epochs: 1, batch: 64}
                  - evaluate: {metrics: [accuracy]}
                  - quantize:
                      mode: qat
                      weights: {bits: 8}
                      activations: {bits: 4, rows: 256, ranges: learned}
                      finetune: {epochs: 1, batch: 64, optimizer: {sgd: {lr: 0.002, momentum: 0.9}}}
                  - evaluate: {metrics: [accuracy]}
                  - export
                output: {dir: runs/lsq}
                """.formatted(FIXTURE));
        Cli.Result v = Cli.run(dir, "validate", recipe.toString());
        assertEquals(0, v.exit(), v.all());
        assertTrue(v.out().contains("learned step sizes (LSQ, zero points kept)"), v.out());
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/lsq");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode ranges = report.get("stages").get(2).get("activation_ranges");
        assertTrue(ranges.size() > 0, ranges.toString());
        boolean moved = false;
        for (JsonNode range : ranges) {
            moved |= !range.get("start").equals(range.get("trained"));
        }
        assertTrue(moved, "some learned range moved: " + ranges);
        double before = report.get("evaluations").get(0).get("accuracy").asDouble();
        double after = report.get("evaluations").get(1).get("accuracy").asDouble();
        assertTrue(before > 0.5 && after > before - 0.1, "4-bit activations " + after + " vs float " + before);
        String model = new String(Files.readAllBytes(out.resolve("model.onnx")),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(model.contains(".narrow"), "the codes are clipped to the 4-bit grid");
        OptimizedGraph ort = OptimizedGraph.of(out.resolve("model.onnx"), 1);
        assertEquals(3, ort.integerNodes(), ort.summary());
        assertEquals(0, ort.floatComputeNodes(), ort.summary());
    }

    /** {@code weights.quantizer: affine} (the quant-affine plugin) writes the same model as the built-in grid. */
    @Test
    void theAffinePluginGivesTheBuiltInGridsBitForBit() throws Exception {
        byte[][] models = new byte[2][];
        for (int k = 0; k < 2; k++) {
            String weights = k == 0 ? "{bits: 4}" : "{quantizer: affine, bits: 4}";
            Path recipe = Recipes.write(dir, "w" + k + ".yaml", """
                    recipe: w%d
                    seed: 3
                    model: {file: %s}
                    data: {dataset: mnist, train-limit: 500, test-limit: 100}
                    stages:
                      - quantize: {weights: %s, overrides: {9.weight: {granularity: per-tensor, symmetric: false}}, activations: {rows: 64}}
                      - export
                    output: {dir: runs/w%d}
                    """.formatted(k, FIXTURE, weights, k));
            Cli.Result r = Cli.run(dir, "run", recipe.toString());
            assertEquals(0, r.exit(), r.all());
            models[k] = Files.readAllBytes(dir.resolve("runs/w" + k + "/model.onnx"));
        }
        assertTrue(java.util.Arrays.equals(models[0], models[1]), "same bytes with and without the plugin");
    }

    /** Override errors are located in the recipe and stop the run before any work (exit 2, nothing written). */
    @Test
    void anOverrideNamingNoLayerIsALocatedError() throws Exception {
        Path recipe = Recipes.write(dir, "bad.yaml", """
                recipe: bad
                model: {file: %s}
                data: {dataset: mnist, train-limit: 500, test-limit: 100}
                stages:
                  - quantize: {overrides: {conv9.weight: {bits: 8}}}
                output: {dir: runs/bad}
                """.formatted(FIXTURE));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("bad.yaml:5:28") && r.err().contains("'conv9.weight' matches no quantizable layer"),
                r.err());
        assertTrue(!Files.exists(dir.resolve("runs/bad")), "nothing written");
    }
}
