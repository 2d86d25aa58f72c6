package dev.condense.kernel.plan;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Train the graph (the student) with a resolved loss on the logits of a trained teacher.
 *
 * <p>Invariant (checked by the planner): {@code lossParams} is an instance of {@code loss.paramsType()}.
 *
 * @param spec            how to train the student
 * @param teacher         the teacher model file
 * @param teacherLocation where the teacher file is written
 * @param loss            the loss extension
 * @param lossParams      its params, bound from the recipe
 * @param location        where the stage is written
 */
public record DistillStep(TrainSpec spec, ModelSpec teacher, Location teacherLocation, LossFunction<?> loss,
                          Record lossParams, Location location) implements PlannedStage {

    public DistillStep {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(teacherLocation, "teacherLocation");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(location, "location");
        if (!loss.paramsType().isInstance(lossParams)) {
            throw new IllegalArgumentException("params of loss " + loss.id() + " must be a "
                    + loss.paramsType().getSimpleName() + ", was " + lossParams);
        }
    }

    @Override
    public String kind() {
        return "distill";
    }

    /** Builds the loss with the bound params (the cast is safe: the constructor checked the params' type). */
    @SuppressWarnings("unchecked")
    public SDVariable buildLoss(LossInputs inputs) {
        return ((LossFunction<Record>) loss).loss(inputs, lossParams);
    }
}
