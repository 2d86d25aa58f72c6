package dev.condense.kernel.stage.train;

import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/** A parsed {@code train} stage; planning needs a data section. */
public record TrainStageSpec(TrainSpec spec, Location location) implements StageSpec {

    public TrainStageSpec {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "train";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        context.requireData(location, "a train stage needs a data section in the recipe");
        return new TrainStep(spec, location);
    }
}
