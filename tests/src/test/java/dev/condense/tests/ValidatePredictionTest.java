package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxImporter;
import dev.condense.engine.stats.ModelStats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code condense validate} prints, per stage, what it will do to which layers on the predicted graph: after a filter
 * removal, the element prune of the next layer is described on the removed shape, and the run that follows (with
 * the real magnitude plugin) produces exactly the predicted shapes and kept counts.
 */
class ValidatePredictionTest {
    @TempDir
    Path dir;

    @Test
    void aPruneAfterAFilterRemovalIsPredictedOnTheNewShapeAndTheRunAgrees() throws Exception {
        Path recipe = Recipes.write(dir, "predicted.yaml", """
                recipe: predicted
                model: {zoo: lenet-5}
                stages:
                  - prune: {scorer: magnitude, granularity: filter, sparsity: {conv1.weight: 0.5}}
                  - prune: {scorer: magnitude, sparsity: {conv2.weight: 0.75}}
                  - export
                output: {dir: runs/predicted}
                """);
        Cli.Result v = Cli.run(dir, "validate", recipe.toString());
        assertEquals(0, v.exit(), v.all());
        String out = v.out();
        assertTrue(out.contains("1 prune: magnitude, filter, remove, one-shot\n"
                + "  conv1.weight 20x1x5x5 -> 10x1x5x5 (50% of its filters removed)\n"
                + "  conv2.weight 50x20x5x5 -> 50x10x5x5 (coupled)\n"
                + "2 prune: magnitude, element, mask, one-shot\n"
                + "  conv2.weight 50x10x5x5 -> 75% (3,125 kept)\n"
                + "3 export: onnx -> "), out);

        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        ModelGraph g = new OnnxImporter().read(dir.resolve("runs/predicted/model.onnx"));
        assertArrayEquals(new long[] {10, 1, 5, 5}, g.initializers().get("conv1.weight").shape());
        assertArrayEquals(new long[] {50, 10, 5, 5}, g.initializers().get("conv2.weight").shape());
        assertEquals(3_125, ModelStats.nonzeros(g.initializers().get("conv2.weight")));
    }
}
