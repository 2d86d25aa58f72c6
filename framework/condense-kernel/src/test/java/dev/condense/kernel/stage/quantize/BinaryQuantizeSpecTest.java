package dev.condense.kernel.stage.quantize;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.train.OptimizerSpec;
import dev.condense.kernel.recipe.RecipeLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quantize: {mode: binary, ...}}: what is read, the defaults, and located errors before any work. */
class BinaryQuantizeSpecTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-5}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    static BinaryQuantizeSpec binary(Path recipe) {
        return assertInstanceOf(BinaryQuantizeSpec.class, RecipeLoader.load(recipe).stages().get(0));
    }

    @Test
    void readsTheFinetuneAndKeepsTheFirstAndLastLayersFloatByDefault() {
        BinaryQuantizeSpec b = binary(withStage("quantize: {mode: binary, binary: {finetune: {epochs: 3,"
                + " optimizer: {adam: {lr: 5.0e-4}}, lr-schedule: {cosine: {min-lr: 0}}}}}"));
        assertEquals(3, b.finetune().epochs());
        assertEquals(OptimizerSpec.adam(5e-4), b.finetune().optimizer());
        assertEquals("cosine", b.finetune().schedule().kind());
        assertFalse(b.includeFirstLast());
        assertEquals("binary", b.quantizer().id());
        assertEquals("quantize", b.kind());
        BinaryQuantizeSpec all = binary(withStage("quantize: {mode: binary, binary: {finetune: {epochs: 1},"
                + " include-first-last: true}, layers: {exclude: [fc1.weight]}}"));
        assertTrue(all.includeFirstLast());
        assertFalse(all.layers().test("fc1.weight"));
    }

    @Test
    void badBinaryBodiesAreLocatedErrors() {
        Path r = dir.resolve("r.yaml");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: binary}")), r, 5, 22,
                "add binary: {finetune: {epochs: N}}");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: binary, weights: {bits: 4},"
                + " binary: {finetune: {epochs: 1}}}")), r, 5, 39, "has no weights options");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: static, binary: {finetune: {epochs: 1}}}")),
                r, 5, 38, "binary options are for mode: binary");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: binary, binary: {epochs: 1}}")), r, 5, 39,
                "unknown key 'epochs'");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: binary, binary: {finetune: {epochs: 1},"
                + " include-first-last: maybe}}")), r, 5, 82, "expected true or false");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: binary, binary: {finetune: {epochs: 0}}}")),
                r, 5, 49, "epochs must be >= 1");
        assertError(() -> RecipeLoader.load(withStage("quantize: {mode: binry}")), r, 5, 22, "did you mean");
    }
}
