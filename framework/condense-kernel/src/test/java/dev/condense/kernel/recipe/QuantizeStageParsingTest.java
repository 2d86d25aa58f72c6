package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: qat}")), r, 5, 22, "not supported yet");
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
}
