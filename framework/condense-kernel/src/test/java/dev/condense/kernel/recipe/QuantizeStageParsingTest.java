package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.kernel.stage.quantize.QatSpec;
import dev.condense.kernel.stage.quantize.QuantizeStageSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantize stage's defaults, options and located errors. */
class QuantizeStageParsingTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    private QuantizeStageSpec quantize(String stage) {
        return assertInstanceOf(QuantizeStageSpec.class, RecipeLoader.load(withStage(stage)).stages().get(0));
    }

    @Test
    void bareQuantizeIsStaticPerChannelInt8WithMinMaxCalibration() {
        QuantizeStageSpec q = quantize("quantize");
        assertEquals("static", q.mode());
        assertEquals(new QuantizeStageSpec.Weights(8, true, true, false), q.weights());
        assertEquals(new QuantizeStageSpec.Activations(8, false, "minmax", QuantizeStageSpec.DEFAULT_ROWS),
                q.activations());
        assertTrue(q.layers().test("conv1.weight"));
        assertEquals(null, q.calibrator());   // the engine's built-in min/max
    }

    @Test
    void readsEveryOption() {
        QuantizeStageSpec q = quantize("quantize: {mode: static, weights: {bits: 4, granularity: per-tensor,"
                + " symmetric: false, reduce-range: true}, activations: {bits: 8, symmetric: true,"
                + " calibrator: {percentile: {percentile: 99.9}}, rows: 64}, layers: {exclude: [conv1.weight]}}");
        assertEquals(new QuantizeStageSpec.Weights(4, false, false, true), q.weights());
        assertEquals(new QuantizeStageSpec.Activations(8, true, "percentile", 64), q.activations());
        assertEquals("percentile", q.calibrator().id());
        assertFalse(q.layers().test("conv1.weight"));
        assertTrue(q.layers().test("fc1.weight"));
        assertEquals("dynamic", quantize("quantize: {mode: dynamic}").mode());
    }

    @Test
    void rejectsBadValuesWhereTheyAreWritten() {
        Path r = dir.resolve("r.yaml");
        assertError(() -> RecipeLoader.load(withStage("quantize: {weights: {bits: 0}}")), r, 5, 32,
                "bits must be in [2, 8], was 0");
        assertError(() -> RecipeLoader.load(withStage("quantize: {weights: {bits: 33}}")), r, 5, 32,
                "bits must be in [2, 8], was 33");
        assertError(() -> RecipeLoader.load(withStage("quantize: {activations: {bits: 4}}")), r, 5, 36,
                "activations are quantized with 8 bits");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: qat}")), r, 5, 22, "add finetune");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: fp16, weights: {bits: 4}}")), r, 5, 37,
                "mode fp16 stores the layers' weights and biases as float16");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: dynamic, activations: {rows: 8}}")), r, 5, 44,
                "at run time in dynamic mode");
        assertError(() -> RecipeLoader.load(withStage("quantize: {weights: {granularity: per-row}}")), r, 5, 39,
                "unknown granularity 'per-row'");
        assertError(() -> RecipeLoader.load(withStage("quantize: {weights: {symmetric: yes please}}")), r, 5, 37,
                "expected true or false");
        assertError(() -> RecipeLoader.load(withStage("quantize: {weight: {bits: 8}}")), r, 5, 16,
                "unknown key 'weight'");
    }

    @Test
    void qatModeReadsItsFineTuningAndRanges() {
        QuantizeStageSpec q = quantize("quantize: {mode: qat, weights: {bits: 4}, activations: {rows: 64, decay: 0.9},"
                + " finetune: {epochs: 2, optimizer: {sgd: {lr: 0.001}}}}");
        assertEquals("qat", q.mode());
        assertEquals(4, q.weights().bits());
        assertEquals(2, q.qat().finetune().epochs());
        assertEquals(0.001, q.qat().finetune().optimizer().lr());
        assertEquals("ema", q.qat().ranges());
        assertEquals(0.9, q.qat().decay());
        assertEquals(64, q.activations().rows());
        assertEquals(null, quantize("quantize").qat());
        assertEquals(QatSpec.DEFAULT_DECAY, quantize("quantize: {mode: qat, finetune: {epochs: 1}}").qat().decay());
        QatSpec learned = quantize("quantize: {mode: qat, activations: {ranges: learned}, finetune: {epochs: 1}}").qat();
        assertEquals("learned", learned.ranges());
        assertTrue(learned.learned());
        assertEquals(4, quantize("quantize: {mode: qat, activations: {bits: 4, ranges: learned}, finetune: {epochs: 1}}")
                .activations().bits(), "2 to 8 activation bits in mode qat");
    }

    @Test
    void qatErrorsAreLocated() {
        Path r = dir.resolve("r.yaml");
        assertError(() -> RecipeLoader.load(withStage("quantize: {finetune: {epochs: 1}}")), r, 5, 26,
                "finetune is the training of mode: qat");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: qat, finetune: {epochs: 0}}")), r, 5, 46,
                "at least one epoch");
        assertError(() -> RecipeLoader.load(withStage(
                "quantize: {mode: qat, activations: {ranges: learned, decay: 0.9}, finetune: {epochs: 1}}")), r, 5, 65,
                "activations.decay is the moving average of ranges: ema", "ranges: learned");
        assertError(() -> RecipeLoader.load(withStage(
                "quantize: {mode: qat, activations: {ranges: lsq}, finetune: {epochs: 1}}")), r, 5, 49,
                "unknown ranges 'lsq'", "available: ema, learned");
        assertError(() -> RecipeLoader.load(withStage(
                "quantize: {mode: qat, activations: {decay: 1.0}, finetune: {epochs: 1}}")), r, 5, 48,
                "decay must be in [0, 1)");
        assertError(() -> RecipeLoader.load(withStage("quantize: {activations: {decay: 0.9}}")), r, 5, 37,
                "activations.decay is for mode: qat");
        assertError(() -> RecipeLoader.load(withStage(
                "quantize: {mode: qat, activations: {calibrator: minmax}, finetune: {epochs: 1}}")), r, 5, 53,
                "a calibrator is for mode: static");
    }

    @Test
    void overridesTakeTheStageWeightsForKeysTheyDoNotWrite() {
        QuantizeStageSpec q = quantize("quantize: {weights: {bits: 4, granularity: per-tensor, symmetric: false},"
                + " overrides: {conv1.weight: {bits: 8}, \"re:fc.*\": {granularity: per-channel, symmetric: true}}}");
        assertEquals(new QuantizeStageSpec.Weights(8, false, false, false), q.weightsFor("conv1.weight", "conv1"));
        assertEquals(new QuantizeStageSpec.Weights(4, true, true, false), q.weightsFor("fc2.weight", "fc2"));
        assertEquals(new QuantizeStageSpec.Weights(4, false, false, false), q.weightsFor("conv2.weight", "conv2"));
        assertEquals(new QuantizeStageSpec.Weights(8, false, false, false), q.weightsFor("x", "conv1.weight"),
                "a node name matches too");
    }

    @Test
    void overrideErrorsAreLocated() {
        Path r = dir.resolve("r.yaml");
        assertError(() -> RecipeLoader.load(withStage("quantize: {overrides: {conv1.weight: {bits: 0}}}")), r, 5, 49,
                "bits must be in [2, 8], was 0");
        assertError(() -> RecipeLoader.load(withStage("quantize: {overrides: {conv1.weight: {bits: 33}}}")), r, 5, 49,
                "bits must be in [2, 8], was 33");
        assertError(() -> RecipeLoader.load(withStage("quantize: {overrides: {conv1.weight: {quantizer: affine}}}")),
                r, 5, 43, "unknown key 'quantizer'");
        assertError(() -> RecipeLoader.load(withStage("quantize: {overrides: {\"re:(\": {bits: 8}}}")), r, 5, 28,
                "invalid regex");
        assertError(() -> RecipeLoader.load(withStage("quantize: {overrides: []}")), r, 5, 27,
                "overrides maps layer names");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: fp16, overrides: {conv1.weight: {bits: 8}}}")),
                r, 5, 39, "mode fp16 has no weight options");
    }
}
