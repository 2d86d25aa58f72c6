package dev.condense.kernel.recipe;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.kernel.stage.quantize.QuantizeDiagnosis;
import dev.condense.kernel.stage.quantize.QuantizeStageSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantize stage's {@code sensitivity} and {@code fallback} options: defaults, values and located errors. */
class QuantizeDiagnosisParsingTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist, validation: 0.1}\n"
            + "stages:\n";

    @TempDir
    Path dir;

    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    private QuantizeDiagnosis diagnosis(String stage) {
        return assertInstanceOf(QuantizeStageSpec.class, RecipeLoader.load(withStage(stage)).stages().get(0))
                .diagnosis();
    }

    @Test
    void absentMeansNothingMeasured() {
        assertEquals(QuantizeDiagnosis.NONE, diagnosis("quantize"));
        assertFalse(diagnosis("quantize").active());
        assertFalse(diagnosis("quantize: {sensitivity: false}").active());
    }

    @Test
    void readsSensitivityAndFallback() {
        QuantizeDiagnosis s = diagnosis("quantize: {sensitivity: true}");
        assertTrue(s.sensitivity());
        assertNull(s.fallback());
        assertEquals(QuantizeDiagnosis.DEFAULT_ROWS, s.rows());
        assertEquals(5, s.location().line());
        assertEquals(200, diagnosis("quantize: {sensitivity: {rows: 200}}").rows());

        QuantizeDiagnosis f = diagnosis("quantize: {mode: dynamic, fallback: {max-drop: 0.5, rows: 300,"
                + " layers: {exclude: [fc1.weight]}}}");
        assertFalse(f.sensitivity());
        assertEquals(0.5, f.fallback().maxDrop());
        assertEquals(300, f.rows());
        assertFalse(f.fallback().layers().test("fc1.weight"));
        assertTrue(f.fallback().layers().test("fc2.weight"));
        assertEquals(0.0, diagnosis("quantize: {fallback: {max-drop: 0}}").fallback().maxDrop());
        assertEquals(2.0, diagnosis("quantize: {sensitivity: true, fallback: {max-drop: 2}}").fallback().maxDrop());
    }

    @Test
    void rejectsBadOptionsWhereTheyAreWritten() {
        Path r = dir.resolve("r.yaml");
        assertError(() -> RecipeLoader.load(withStage("quantize: {fallback: {max-drop: -0.5}}")), r, 5, 37,
                "max-drop is the tolerated accuracy drop in points", "must be >= 0, was -0.5");
        assertError(() -> RecipeLoader.load(withStage("quantize: {fallback: {rows: 10}}")), r, 5, 16,
                "missing required key 'max-drop' in fallback");
        assertError(() -> RecipeLoader.load(withStage("quantize: {fallback: {max-drop: 1, row: 10}}")), r, 5, 40,
                "unknown key 'row'");
        assertError(() -> RecipeLoader.load(withStage("quantize: {fallback: {max-drop: 1, rows: 0}}")), r, 5, 46);
        assertError(() -> RecipeLoader.load(withStage("quantize: {fallback: {max-drop: many}}")), r, 5, 37,
                "expected a number for max-drop");
        assertError(() -> RecipeLoader.load(withStage("quantize: {sensitivity: yes please}")), r, 5, 29,
                "expected true, false or {rows: N}");
        assertError(() -> RecipeLoader.load(withStage("quantize: {sensitivity: {rows: 10}, fallback: {max-drop: 1,"
                + " rows: 20}}")), r, 5, 71, "rows 20 differs from sensitivity's 10");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: fp16, sensitivity: true}")), r, 5, 28,
                "works in modes static and dynamic, not in mode fp16");
        assertError(() -> RecipeLoader.load(withStage("quantize: {fallback: {max-drop: 1, layers: {include: []}}}")),
                r, 5, 58, "include must list at least one layer");
    }
}
