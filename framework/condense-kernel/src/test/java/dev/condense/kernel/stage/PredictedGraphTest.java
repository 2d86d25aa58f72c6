package dev.condense.kernel.stage;

import static dev.condense.kernel.recipe.Fixtures.assertError;
import static dev.condense.kernel.recipe.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.zoo.Zoo;
import dev.condense.kernel.plan.FakeLookup;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.Planner;
import dev.condense.kernel.recipe.RecipeLoader;
import dev.condense.kernel.run.Preflight;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-run checks walk a predicted graph: each stage is previewed on the graph the stages before it will produce,
 * so a prune after a neuron removal sees the removed shapes, and a selector after a stage that renames a layer must
 * name the new layer.
 */
class PredictedGraphTest {
    @TempDir
    Path dir;

    private final StageKinds kinds = kindsWithRename();

    private static StageKinds kindsWithRename() {
        Map<String, StageKind> m = new java.util.LinkedHashMap<>(StageKindsModule.builtInMap());
        m.put("rename", new RenameKind());
        return new StageKinds(m);
    }

    private Plan plan(String stages) {
        Path f = write(dir, "r.yaml", "recipe: demo\nmodel: {zoo: lenet-300-100}\nstages:\n" + stages);
        return new Planner(new FakeLookup(), kinds).plan(RecipeLoader.load(f, List.of(), kinds));
    }

    @Test
    void aPruneAfterANeuronRemovalIsCheckedAndDescribedOnTheRemovedShapes() {
        Plan p = plan("  - prune: {scorer: magnitude, granularity: neuron, sparsity: {fc1.weight: 0.5}}\n"
                + "  - prune: {scorer: magnitude, sparsity: {fc2.weight: 0.5}}\n");
        ModelGraph input = Zoo.build("lenet-300-100", 0);
        List<Preview> previews = Preflight.check(p, input);
        ModelGraph afterRemoval = previews.get(0).graph();
        assertArrayEquals(new long[] {150, 784}, afterRemoval.initializers().get("fc1.weight").shape());
        assertArrayEquals(new long[] {100, 150}, afterRemoval.initializers().get("fc2.weight").shape());
        assertArrayEquals(new long[] {300, 784}, input.initializers().get("fc1.weight").shape(), "input untouched");
        assertEquals(List.of("prune: magnitude, neuron, remove, one-shot",
                "fc1.weight 300x784 -> 150x784 (50% of its neurons removed)",
                "fc2.weight 100x300 -> 100x150 (coupled)"), previews.get(0).lines());
        assertEquals(List.of("prune: magnitude, element, mask, one-shot", "fc2.weight 100x150 -> 50% (7,500 kept)"),
                previews.get(1).lines());
    }

    /** fc3's neurons are the graph's logits: targeted, they stay, and the line says so instead of "removed". */
    @Test
    void aTargetedLayerWhoseUnitsCannotShrinkIsNotDescribedAsRemoved() {
        Plan p = plan("  - prune: {scorer: magnitude, granularity: neuron, sparsity: {default: 0.5}}\n");
        List<Preview> previews = Preflight.check(p, Zoo.build("lenet-300-100", 0));
        assertEquals(List.of("prune: magnitude, neuron, remove, one-shot",
                "fc1.weight 300x784 -> 150x784 (50% of its neurons removed)",
                "fc2.weight 100x300 -> 50x150 (50% of its neurons removed)",
                "fc3.weight 10x100 -> 10x50 (target 50%, but its neurons stay: they are coupled to tensors that cannot"
                        + " shrink)"), previews.get(0).lines());
    }

    @Test
    void aSelectorAfterARenameMustNameTheNewLayer() {
        Plan stale = plan("  - rename: {from: fc2.weight, to: hidden.weight}\n"
                + "  - prune: {scorer: magnitude, sparsity: {fc2.weight: 0.5}}\n");
        assertError(() -> Preflight.check(stale, Zoo.build("lenet-300-100", 0)), dir.resolve("r.yaml"), 5, 43,
                "selector 'fc2.weight' matches no prunable layer", "hidden.weight");
        Plan fresh = plan("  - rename: {from: fc2.weight, to: hidden.weight}\n"
                + "  - prune: {scorer: magnitude, sparsity: {hidden.weight: 0.5}}\n");
        List<Preview> previews = Preflight.check(fresh, Zoo.build("lenet-300-100", 0));
        assertEquals("hidden.weight 100x300 -> 50% (15,000 kept)", previews.get(1).lines().get(1));
    }
}
