package dev.condense.kernel.stage.train;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/** A parsed {@code train} stage; planning needs a data section. {@code loss} is null for the default cross-entropy. */
public record TrainStageSpec(TrainSpec spec, ExtensionRef loss, Location location) implements StageSpec {

    public TrainStageSpec {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(location, "location");
    }

    /** A train stage with the default loss. */
    public TrainStageSpec(TrainSpec spec, Location location) {
        this(spec, null, location);
    }

    @Override
    public String kind() {
        return "train";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        context.requireData(location, "a train stage needs a data section in the recipe");
        if (loss == null) {
            return new TrainStep(spec, location);
        }
        LossFunction<?> resolved = context.resolve(LossFunction.class, loss, "loss");
        return new TrainStep(spec, location, resolved, context.bind(loss, resolved.paramsType()));
    }
}
