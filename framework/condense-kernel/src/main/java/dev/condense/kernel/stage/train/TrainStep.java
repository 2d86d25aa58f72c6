package dev.condense.kernel.stage.train;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Train the graph on the recipe's data set. Shapes and names do not change, so the preview passes the graph through.
 *
 * @param spec       epochs, batch, optimizer, row limit
 * @param location   where the stage is written
 * @param loss       the loss extension, or null for the default softmax cross-entropy with the true labels
 * @param lossParams its bound params (an instance of {@code loss.paramsType()}), or null with {@code loss}
 */
public record TrainStep(TrainSpec spec, Location location, LossFunction<?> loss, Record lossParams)
        implements PlannedStage {

    public TrainStep {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(location, "location");
        if ((loss == null) != (lossParams == null) || (loss != null && !loss.paramsType().isInstance(lossParams))) {
            throw new IllegalArgumentException("loss and its params go together, was " + loss + " / " + lossParams);
        }
    }

    /** A train step with the default loss. */
    public TrainStep(TrainSpec spec, Location location) {
        this(spec, location, null, null);
    }

    @Override
    public String kind() {
        return "train";
    }

    @Override
    public Preview preview(ModelGraph graph) {
        Trainings.checkAugment(spec, location, graph);
        return Preview.unchanged(graph, "train: " + Trainings.describe(spec) + (loss == null ? "" : ", loss " + loss.id()));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        if (loss == null) {
            return Trainings.reported(run.context(), spec, run.context().train(graph, spec));
        }
        run.context().report("loss", loss.id());
        return Trainings.reported(run.context(), spec, run.context().train(graph, spec, loss, this::buildLoss, location));
    }

    /** Builds the loss with the bound params (the constructor checked their type). */
    @SuppressWarnings("unchecked")
    private SDVariable buildLoss(LossInputs inputs) {
        return ((LossFunction<Record>) loss).loss(inputs, lossParams);
    }

    @Override
    public Object resolvedBody() {
        if (loss == null) {
            return ResolvedBodies.train(spec);
        }
        Map<String, Object> body = new LinkedHashMap<>(ResolvedBodies.train(spec));
        body.put("loss", Map.of(loss.id(), ResolvedBodies.recordToMap(lossParams)));
        return body;
    }
}
