package dev.condense.kernel.stage.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import java.util.Objects;

/**
 * Train the graph on the recipe's data set. Shapes and names do not change, so the preview passes the graph through.
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

    @Override
    public Preview preview(ModelGraph graph) {
        Trainings.checkAugment(spec, location, graph);
        return Preview.unchanged(graph, "train: " + Trainings.describe(spec));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        return Trainings.reported(run.context(), spec, run.context().train(graph, spec));
    }

    @Override
    public Object resolvedBody() {
        return ResolvedBodies.train(spec);
    }
}
