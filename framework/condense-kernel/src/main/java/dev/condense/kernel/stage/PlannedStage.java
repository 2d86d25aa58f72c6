package dev.condense.kernel.stage;

import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.run.StageRun;
import java.util.List;

/**
 * One step of a {@link dev.condense.kernel.plan.Plan}, with every extension resolved and every params record bound.
 * It owns the phases after planning: {@link #preview} (checks against the graph it will receive, and the graph it
 * will produce, for {@code validate} and the runner's pre-run checks), {@link #run}, {@link #resolvedBody} (for
 * recipe.resolved.yaml and the plan hash that guards {@code --resume}) and {@link #inputs} (files recorded in
 * provenance and checked by {@code --replay}).
 */
public interface PlannedStage {

    /** The stage kind as written in the recipe, e.g. {@code prune}; used in logs, checkpoints and the report. */
    String kind();

    /** Where the stage is written in the recipe, for errors found while checking or running it. */
    Location location();

    /**
     * Checks this stage against {@code graph}, the graph the stages before it will produce (predicted, not run),
     * and predicts the graph it will produce: same node and tensor names and shapes as the real run (values are not
     * predicted). Loads no data and trains nothing.
     *
     * @throws dev.condense.kernel.recipe.RecipeException located at the offending key
     */
    Preview preview(ModelGraph graph);

    /** Runs the stage on {@code graph} and returns the graph the next stage gets. */
    ModelGraph run(ModelGraph graph, StageRun run);

    /** The stage's body with every default filled in, as written into recipe.resolved.yaml (maps, lists, scalars). */
    Object resolvedBody();

    /** The files the stage reads besides the model and the data set (teachers); empty by default. */
    default List<InputFile> inputs() {
        return List.of();
    }
}
