package dev.condense.kernel.stage.prune;

import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.SparsityRule;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A parsed {@code prune: {scorer, granularity, sparsity, schedule, layers, structured}}.
 *
 * @param granularityLocation where the granularity is written (the scorer's location when defaulted)
 * @param layers              the layers the stage may touch ({@link LayerFilter#ALL} when not given)
 */
public record PruneStageSpec(ExtensionRef scorer, Granularity granularity, Location granularityLocation,
                             SparsityRule sparsity, Schedule schedule, LayerFilter layers, Structured structured,
                             Location location) implements StageSpec {

    public PruneStageSpec {
        Objects.requireNonNull(structured, "structured");
        Objects.requireNonNull(scorer, "scorer");
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(granularityLocation, "granularityLocation");
        Objects.requireNonNull(sparsity, "sparsity");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "prune";
    }

    /** Resolves the scorer, binds its params, checks it takes the granularity and that data is there when needed. */
    @Override
    public PlannedStage plan(PlanContext context) {
        ImportanceScorer<?> resolved = context.resolve(ImportanceScorer.class, scorer, "scorer");
        Record params = context.bind(scorer, resolved.paramsType());
        if (!resolved.granularities().contains(granularity)) {
            SortedSet<String> supported = new TreeSet<>();
            resolved.granularities().forEach(g -> supported.add(g.name().toLowerCase()));
            throw new RecipeException(granularityLocation, "scorer " + Quote.single(scorer.id()) + " does not support granularity '"
                    + granularity.name().toLowerCase() + "'; it supports: " + String.join(", ", supported));
        }
        if (resolved.needsData()) {
            context.requireData(scorer.location(), "scorer " + Quote.single(scorer.id()) + " needs data (gradients or activations)"
                    + " but the recipe has no data section");
        }
        if (schedule.finetune().filter(f -> f.epochs() > 0).isPresent()) {
            context.requireData(location, "fine-tuning needs a data section in the recipe");
        }
        return new PruneStep(resolved, params, granularity, sparsity, schedule, layers, structured, location);
    }
}
