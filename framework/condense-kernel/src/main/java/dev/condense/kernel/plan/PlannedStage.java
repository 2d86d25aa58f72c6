package dev.condense.kernel.plan;

import dev.condense.kernel.recipe.Location;

/**
 * One step of a {@link Plan}, with every extension resolved and every params record bound. The runner executes the
 * steps in order. Implementations: {@link TrainStep}, {@link DistillStep}, {@link PruneStep}, {@link EvaluateStep},
 * {@link ExportStep}, {@link CustomStep}.
 */
public sealed interface PlannedStage permits TrainStep, DistillStep, PruneStep, EvaluateStep, ExportStep, CustomStep {

    /** The stage kind as written in the recipe, e.g. {@code prune}; used in logs, checkpoints and the report. */
    String kind();

    /** Where the stage is written in the recipe, for errors found while running it. */
    Location location();
}
