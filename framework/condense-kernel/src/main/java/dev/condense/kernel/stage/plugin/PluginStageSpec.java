package dev.condense.kernel.stage.plugin;

import dev.condense.api.stage.Stage;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/**
 * A stage of a kind the kernel does not implement itself, resolved by the planner among the {@link Stage}
 * extensions.
 *
 * @param params the stage's body, bound into the extension's params record by the planner
 */
public record PluginStageSpec(String kind, NodeRef params, Location location) implements StageSpec {

    public PluginStageSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        Stage<?> stage = context.lookup().find(PlanContext.<Stage<?>>point(Stage.class), kind)
                .orElseThrow(() -> PluginKind.unknown(this, context));
        return new PluginStep(stage, context.binder().bind(params, stage.paramsType()), location);
    }
}
