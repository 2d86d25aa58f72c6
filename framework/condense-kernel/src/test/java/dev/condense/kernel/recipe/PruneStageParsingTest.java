package dev.condense.kernel.recipe;

import dev.condense.kernel.stage.prune.Schedule;
import dev.condense.kernel.stage.prune.Structured;
import dev.condense.kernel.stage.prune.PruneStageSpec;
import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.condense.api.prune.Granularity;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prune stage's global sparsity, AGP schedule and structured mode, and their located errors. */
class PruneStageParsingTest {
    private static final String HEADER = "recipe: demo\nmodel: {zoo: lenet-300-100}\ndata: {dataset: mnist}\nstages:\n";

    @TempDir
    Path dir;

    private Path withStage(String stage) {
        return write(dir, "r.yaml", HEADER + "  - " + stage + "\n");
    }

    private PruneStageSpec prune(String stage) {
        return assertInstanceOf(PruneStageSpec.class, RecipeLoader.load(withStage(stage)).stages().get(0));
    }

    @Test
    void readsGlobalSparsityAgpAndStructuredMode() {
        PruneStageSpec p = prune("prune: {scorer: magnitude, granularity: neuron, sparsity: {global: 0.9, floor: 0.2},"
                + " schedule: {agp: {steps: 3, start: 0.1, finetune: {epochs: 1}}}}");
        assertEquals(new SparsityRule.Global(0.9, 0.2), p.sparsity().global().orElseThrow());
        assertEquals(OptionalDouble.of(0.9), p.sparsity().sparsityFor("fc1.weight"));
        Schedule.Agp agp = assertInstanceOf(Schedule.Agp.class, p.schedule());
        assertEquals(3, agp.steps());
        assertEquals(0.1, agp.start());
        assertEquals(Structured.REMOVE, p.structured());
        assertEquals(Structured.MASK, prune("prune: {scorer: magnitude, granularity: filter, sparsity: 0.5,"
                + " structured: mask}").structured());
        assertEquals(Structured.MASK, prune("prune: {scorer: magnitude, sparsity: 0.5}").structured());
        assertEquals(0.0, prune("prune: {scorer: magnitude, sparsity: {global: 0.5}}").sparsity().global()
                .orElseThrow().floor());
        assertEquals(Granularity.ELEMENT, prune("prune: {scorer: magnitude, sparsity: {global: 0.5}}").granularity());
    }

    @Test
    void rejectsBadValuesWhereTheyAreWritten() {
        assertError(() -> RecipeLoader.load(withStage("prune: {scorer: magnitude, sparsity: {global: 1.0}}")),
                dir.resolve("r.yaml"), 5, 51, "must be in [0, 1)");
        assertError(() -> RecipeLoader.load(withStage("prune: {scorer: magnitude, sparsity: {global: 0.5, floor: 1.5}}")),
                dir.resolve("r.yaml"), 5, 63, "floor must be in [0, 1]");
        assertError(() -> RecipeLoader.load(withStage("prune: {scorer: magnitude, sparsity: {global: 0.5, default: 0.2}}")),
                dir.resolve("r.yaml"), 5, 56, "unknown key 'default'");
        assertError(() -> RecipeLoader.load(withStage("prune: {scorer: magnitude, sparsity: 0.5, structured: remove}")),
                dir.resolve("r.yaml"), 5, 59, "element pruning always masks");
        assertError(() -> RecipeLoader.load(withStage("prune: {scorer: magnitude, granularity: neuron, sparsity: 0.5,"
                + " structured: cut}")), dir.resolve("r.yaml"), 5, 80, "unknown structured mode 'cut'");
        assertError(() -> RecipeLoader.load(withStage("prune: {scorer: magnitude, sparsity: 0.5, schedule: {agp: {steps: 2}}}")),
                dir.resolve("r.yaml"), 5, 58, "missing required key 'finetune'");
    }
}
