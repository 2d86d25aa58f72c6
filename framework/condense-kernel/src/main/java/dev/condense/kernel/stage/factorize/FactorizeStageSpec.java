package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Decomposition;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code factorize} stage.
 *
 * @param decomposition the decomposition as written, with its params (the rank rule)
 * @param layers        which layers (named by their weight initializer) are factorized
 * @param overrides     per-layer params (rank rules), the first naming a layer wins
 * @param targetMacs    the whole-model MAC budget, or null: ranks from the decomposition's rule
 */
public record FactorizeStageSpec(ExtensionRef decomposition, LayerFilter layers, List<RankOverride> overrides,
                                 TargetMacs targetMacs, Location location)
        implements StageSpec {

    /**
     * {@code target-macs: F}: the factorized model's MACs per sample at most F times the model's before the stage.
     *
     * @param share    F, in (0, 1)
     * @param multiple {@code rank-multiple}: every rank a multiple of it (or the full rank), >= 1
     * @param location the value's location
     */
    public record TargetMacs(double share, int multiple, Location location) {
        public TargetMacs {
            if (!(share > 0.0 && share < 1.0)) {
                throw new IllegalArgumentException("target-macs must be in (0, 1), was " + share);
            }
            if (multiple < 1) {
                throw new IllegalArgumentException("rank-multiple must be >= 1, was " + multiple);
            }
            Objects.requireNonNull(location, "location");
        }
    }

    public FactorizeStageSpec {
        Objects.requireNonNull(decomposition, "decomposition");
        Objects.requireNonNull(layers, "layers");
        overrides = List.copyOf(overrides);
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "factorize";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        Decomposition<?> d = context.resolve(Decomposition.class, decomposition, "decomposition");
        List<RankOverride.Bound> bound = overrides.stream().map(o -> new RankOverride.Bound(o.pattern(),
                context.binder().bind(o.params(), d.paramsType()))).toList();
        return new FactorizeStep(this, d, context.bind(decomposition, d.paramsType()), bound);
    }
}
