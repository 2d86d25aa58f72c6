package dev.condense.kernel.stage.factorize;

import dev.condense.api.decomp.Decomposition;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/**
 * A parsed {@code factorize} stage.
 *
 * @param decomposition the decomposition as written, with its params (the rank rule)
 * @param layers        which layers (named by their weight initializer) are factorized
 */
public record FactorizeStageSpec(ExtensionRef decomposition, LayerFilter layers, Location location)
        implements StageSpec {

    public FactorizeStageSpec {
        Objects.requireNonNull(decomposition, "decomposition");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "factorize";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        Decomposition<?> d = context.resolve(Decomposition.class, decomposition, "decomposition");
        return new FactorizeStep(this, d, context.bind(decomposition, d.paramsType()));
    }
}
