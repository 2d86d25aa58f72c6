package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that need the model but no training, run before any stage so a recipe never fails deep into a run: the
 * stages are walked in order, each previewing ({@link PlannedStage#preview}) the graph the previous ones will
 * produce, so a stage's selectors are checked against the graph it will really get (a prune after a removal sees
 * the removal's shapes). The kinds own their checks: a prune stage's selectors and patterns match a prunable layer
 * and its granularity fits, a distillation teacher fits the model, augmenting training has an image input.
 */
public final class Preflight {
    private Preflight() {
    }

    /**
     * Previews every stage of {@code plan} in order, starting from {@code graph} (the loaded input model).
     *
     * @return one preview per stage, in order; the last one's graph is the predicted output
     * @throws dev.condense.kernel.recipe.RecipeException located at the offending selector or stage
     */
    public static List<Preview> check(Plan plan, ModelGraph graph) {
        List<Preview> out = new ArrayList<>();
        ModelGraph g = graph;
        for (PlannedStage stage : plan.stages()) {
            Preview p = stage.preview(g);
            out.add(p);
            g = p.graph();
        }
        return out;
    }
}
