package dev.condense.kernel.stage;

import dev.condense.kernel.recipe.Location;

/**
 * One stage of a recipe as parsed by its {@link StageKind}: every key known and typed, extension ids not yet
 * resolved. Each kind has its own record (e.g. {@code PruneStageSpec}); {@link #plan} resolves it.
 */
public interface StageSpec {

    /** The stage kind, e.g. {@code prune}. */
    String kind();

    /** Where the stage's kind is written. */
    Location location();

    /**
     * Resolves every extension id, binds every params record and checks what needs no model (a data section where
     * the stage needs data).
     *
     * @throws dev.condense.kernel.recipe.RecipeException located in the recipe
     */
    PlannedStage plan(PlanContext context);
}
