package dev.condense.kernel.stage.prune;

import dev.condense.kernel.run.RunContext;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.kernel.stage.prune.PruneStep;
import dev.condense.kernel.stage.prune.Allocation;
import dev.condense.kernel.stage.prune.MaskSelection;
import dev.condense.kernel.stage.prune.UnitPool;
import dev.condense.kernel.recipe.SparsityRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One schedule step of masking (element granularity, or {@code structured: mask}): per targeted layer, the scorer's
 * scores and {@link MaskSelection}; with a global rule the per-layer sparsities come from {@link Allocation#global}
 * over all layers' units (already-masked units stay in the ranking and count toward the target).
 */
final class MaskStep {
    private MaskStep() {
    }

    static ModelGraph apply(PruneStep step, ModelGraph graph, RunContext ctx, Map<String, Double> targets, int k) {
        Map<String, INDArray> scores = new LinkedHashMap<>();
        for (String layer : targets.keySet()) {
            INDArray w = graph.initializers().get(layer);
            scores.put(layer, PruneExecutor.score(step, new ScoringRequest(layer, w, step.granularity(), graph, ctx)));
        }
        Map<String, Double> sparsity = new LinkedHashMap<>();
        if (step.sparsity().global().isPresent()) {
            SparsityRule.Global gl = step.sparsity().global().get();
            List<UnitPool> pools = new ArrayList<>();
            scores.forEach((l, s) -> pools.add(new UnitPool(l, s, s.length(), 0)));
            Allocation.global(pools, step.schedule().target(gl.sparsity(), k), gl.floor())
                    .forEach((l, n) -> sparsity.put(l, (n + 0.5) / scores.get(l).length()));
        } else {
            targets.forEach((l, s) -> sparsity.put(l, step.schedule().target(s, k)));
        }
        ModelGraph.Builder b = graph.toBuilder();
        for (String layer : targets.keySet()) {
            INDArray w = graph.initializers().get(layer);
            INDArray mask = MaskSelection.mask(w, scores.get(layer), step.granularity(), sparsity.get(layer),
                    graph.masks().get(layer));
            b.initializer(layer, w.mul(mask)).mask(layer, mask);
        }
        return b.build();
    }
}
