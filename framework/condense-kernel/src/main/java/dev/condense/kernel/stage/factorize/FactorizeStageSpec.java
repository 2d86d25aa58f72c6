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
 * @param targetLatency the whole-model latency budget, or null; with it the ranks come from {@link LatencyRanks} (and
 *                      {@code targetMacs}, when also given, limits their MACs), else from {@link MacBudget}
 */
public record FactorizeStageSpec(ExtensionRef decomposition, LayerFilter layers, List<RankOverride> overrides,
                                 TargetMacs targetMacs, TargetLatency targetLatency, Location location)
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

    /**
     * {@code target-latency: F}: the factorized model's predicted ONNX Runtime time per call at most F times the
     * model's measured time before the stage.
     *
     * @param share    F, in (0, 1)
     * @param batch    {@code latency-batch}: the batch size the layers are timed at, >= 1 (default 128)
     * @param multiple {@code rank-multiple}: the rank grid's step, >= 1 (default 8 with target-latency)
     * @param location the value's location
     */
    public record TargetLatency(double share, int batch, int multiple, Location location) {
        public TargetLatency {
            if (!(share > 0.0 && share < 1.0)) {
                throw new IllegalArgumentException("target-latency must be in (0, 1), was " + share);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("latency-batch must be >= 1, was " + batch);
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
