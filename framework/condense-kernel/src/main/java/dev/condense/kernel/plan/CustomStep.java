package dev.condense.kernel.plan;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.stage.Stage;
import dev.condense.api.stage.StageContext;
import dev.condense.kernel.recipe.Location;
import java.util.Objects;

/**
 * A stage implemented by a {@link Stage} extension, for kinds the kernel does not build in.
 *
 * @param stage    the extension; its id is the stage kind
 * @param params   its params, an instance of {@code stage.paramsType()}
 * @param location where the stage is written
 */
public record CustomStep(Stage<?> stage, Record params, Location location) implements PlannedStage {

    public CustomStep {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(location, "location");
        if (!stage.paramsType().isInstance(params)) {
            throw new IllegalArgumentException("params of stage " + stage.id() + " must be a "
                    + stage.paramsType().getSimpleName() + ", was " + params);
        }
    }

    @Override
    public String kind() {
        return stage.id();
    }

    /** Runs the stage with its bound params (the cast is safe by the invariant). */
    public ModelGraph apply(ModelGraph graph, StageContext context) {
        return applyWith(stage, graph, context);
    }

    private <P extends Record> ModelGraph applyWith(Stage<P> s, ModelGraph graph, StageContext context) {
        return s.apply(graph, s.paramsType().cast(params), context);
    }
}
