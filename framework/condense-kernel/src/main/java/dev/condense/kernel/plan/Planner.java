package dev.condense.kernel.plan;

import dev.condense.api.extension.Extension;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.prune.ImportanceScorer;
import dev.condense.api.stage.Stage;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.Binder;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.Recipe;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.StageSpec;
import dev.condense.kernel.recipe.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Turns a {@link Recipe} into a {@link Plan}: resolves every extension id, binds every params record and checks what
 * can be checked before any work starts. Every failure is a {@link RecipeException} located in the recipe.
 *
 * <p>Checks: scorer and loss ids exist (with "did you mean" among the installed ids); their params bind (unknown
 * keys and out-of-range values located at the offending key or value); the scorer supports the granularity; stages
 * that need data (train, distill, fine-tuning, accuracy, data-driven scorers) have a {@code data} section; custom
 * stage kinds resolve to an installed {@link Stage}. Selectors that match no layer are left to the runner, which
 * knows the model.
 */
public final class Planner {
    private final ExtensionLookup lookup;

    public Planner(ExtensionLookup lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /** Plans {@code recipe}. A new {@link Binder} per call keeps no plugin class in a long-lived cache. */
    public Plan plan(Recipe recipe) {
        Binder binder = new Binder();
        List<PlannedStage> steps = new ArrayList<>();
        for (StageSpec spec : recipe.stages()) {
            steps.add(stage(spec, recipe, binder));
        }
        return new Plan(recipe.name(), recipe.seed(), recipe.model(), recipe.data(), recipe.output().resolvedDir(),
                steps, recipe.source(), recipe.output().location());
    }

    private PlannedStage stage(StageSpec spec, Recipe recipe, Binder binder) {
        if (spec instanceof StageSpec.Train t) {
            requireData(recipe, t.location(), "a train stage needs a data section in the recipe");
            return new TrainStep(t.spec(), t.location());
        } else if (spec instanceof StageSpec.Distill d) {
            requireData(recipe, d.location(), "a distill stage needs a data section in the recipe");
            LossFunction<?> loss = resolve(Planner.<LossFunction<?>>point(LossFunction.class), d.loss(), "loss");
            Record params = binder.bind(d.loss().params(), loss.paramsType());
            return new DistillStep(d.train(), d.teacher(), d.teacherLocation(), loss, params, d.location());
        } else if (spec instanceof StageSpec.Prune p) {
            return prune(p, recipe, binder);
        } else if (spec instanceof StageSpec.Evaluate e) {
            if (e.metrics().contains("accuracy")) {
                requireData(recipe, e.location(), "the accuracy metric needs a data section in the recipe");
            }
            if (e.split().equals("validation") && e.metrics().contains("accuracy")
                    && recipe.data().map(d -> d.validation() <= 0).orElse(true)) {
                throw new RecipeException(e.location(), "evaluate on split 'validation' needs held-out rows: set "
                        + "data.validation to a fraction in (0, 0.5), e.g. data: {dataset: mnist, validation: 0.1}");
            }
            return new EvaluateStep(e.metrics(), e.batch(), e.runtime(), e.split(), e.location());
        } else if (spec instanceof StageSpec.Export x) {
            return new ExportStep(x.format(), x.location());
        }
        StageSpec.Custom c = (StageSpec.Custom) spec;
        Stage<?> stage = lookup.find(Planner.<Stage<?>>point(Stage.class), c.kind()).orElseThrow(() -> unknownStage(c));
        return new CustomStep(stage, binder.bind(c.params(), stage.paramsType()), c.location());
    }

    private PruneStep prune(StageSpec.Prune p, Recipe recipe, Binder binder) {
        ExtensionRef ref = p.scorer();
        ImportanceScorer<?> scorer = resolve(Planner.<ImportanceScorer<?>>point(ImportanceScorer.class), ref, "scorer");
        Record params = binder.bind(ref.params(), scorer.paramsType());
        if (!scorer.granularities().contains(p.granularity())) {
            SortedSet<String> supported = new TreeSet<>();
            scorer.granularities().forEach(g -> supported.add(g.name().toLowerCase()));
            throw new RecipeException(p.granularityLocation(), "scorer " + Quote.single(ref.id()) + " does not support granularity '"
                    + p.granularity().name().toLowerCase() + "'; it supports: " + String.join(", ", supported));
        }
        if (scorer.needsData()) {
            requireData(recipe, ref.location(), "scorer " + Quote.single(ref.id()) + " needs data (gradients or activations)"
                    + " but the recipe has no data section");
        }
        if (p.schedule().finetune().filter(f -> f.epochs() > 0).isPresent()) {
            requireData(recipe, p.location(), "fine-tuning needs a data section in the recipe");
        }
        return new PruneStep(scorer, params, p.granularity(), p.sparsity(), p.schedule(), p.layers(),
                p.structured(), p.location());
    }

    private <E extends Extension<?>> E resolve(Class<E> point, ExtensionRef ref, String what) {
        return lookup.find(point, ref.id()).orElseThrow(() -> {
            SortedSet<String> ids = lookup.ids(point);
            return new RecipeException(ref.location(), "unknown " + what + " " + Quote.single(ref.id())
                    + Suggestions.hint(ref.id(), ids) + "; installed: " + (ids.isEmpty() ? "none" : String.join(", ", ids)));
        });
    }

    private RecipeException unknownStage(StageSpec.Custom c) {
        SortedSet<String> plugins = lookup.ids(Planner.<Stage<?>>point(Stage.class));
        SortedSet<String> all = new TreeSet<>(StageSpec.BUILT_IN);
        all.addAll(plugins);
        return new RecipeException(c.location(), "unknown stage kind " + Quote.single(c.kind()) + Suggestions.hint(c.kind(), all)
                + "; built-in kinds: " + String.join(", ", new TreeSet<>(StageSpec.BUILT_IN))
                + "; plugin stages: " + (plugins.isEmpty() ? "none" : String.join(", ", plugins)));
    }

    private static void requireData(Recipe recipe, Location at, String message) {
        if (recipe.data().isEmpty()) {
            throw new RecipeException(at, message);
        }
    }

    /** Views a raw extension-point class as a class of its wildcard type (safe: type arguments are erased). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <E extends Extension<?>> Class<E> point(Class raw) {
        return (Class<E>) raw;
    }
}
