package dev.condense.kernel.plan;

import dev.condense.kernel.recipe.Binder;
import dev.condense.kernel.recipe.Recipe;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageKinds;
import dev.condense.kernel.stage.StageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a {@link Recipe} into a {@link Plan}: each stage plans itself ({@link StageSpec#plan}) against the installed
 * extensions, resolving every extension id, binding every params record and checking what can be checked before any
 * work starts (ids exist, with "did you mean"; params bind; a scorer supports the granularity; stages that need
 * data have a {@code data} section; plugin stage kinds resolve to an installed {@code Stage}). Every failure is a
 * {@link RecipeException} located in the recipe. Checks that need the model (selectors, shapes) are the stages'
 * previews ({@link dev.condense.kernel.run.Preflight}).
 */
public final class Planner {
    private final ExtensionLookup lookup;
    private final StageKinds kinds;

    /** A planner for the built-in kinds ({@link StageKinds#standard()}). */
    public Planner(ExtensionLookup lookup) {
        this(lookup, StageKinds.standard());
    }

    public Planner(ExtensionLookup lookup, StageKinds kinds) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.kinds = Objects.requireNonNull(kinds, "kinds");
    }

    /** Plans {@code recipe}. A new {@link Binder} per call keeps no plugin class in a long-lived cache. */
    public Plan plan(Recipe recipe) {
        PlanContext context = new PlanContext(lookup, new Binder(), recipe, kinds);
        List<PlannedStage> steps = new ArrayList<>();
        for (StageSpec spec : recipe.stages()) {
            steps.add(spec.plan(context));
        }
        return new Plan(recipe.name(), recipe.seed(), recipe.model(), recipe.data(), recipe.output().resolvedDir(),
                steps, recipe.source(), recipe.output().location());
    }
}
