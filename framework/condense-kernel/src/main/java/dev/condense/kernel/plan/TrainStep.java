package dev.condense.kernel.plan;

import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import java.util.Objects;

/**
 * Train the graph on the recipe's data set.
 *
 * @param spec     epochs, batch, optimizer, row limit
 * @param location where the stage is written
 */
public record TrainStep(TrainSpec spec, Location location) implements PlannedStage {

    public TrainStep {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "train";
    }
}
