package dev.condense.kernel.stage.distill;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.Objects;

/**
 * A parsed {@code distill} stage: train the model with a loss that reads a teacher's logits.
 *
 * @param teacher         the trained teacher model (a file; zoo models are untrained)
 * @param teacherLocation where the teacher's file is written
 * @param loss            the loss extension, e.g. {@code soft-label}
 * @param train           how to train the student
 */
public record DistillStageSpec(ModelSpec teacher, Location teacherLocation, ExtensionRef loss, TrainSpec train,
                               Location location) implements StageSpec {

    public DistillStageSpec {
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(teacherLocation, "teacherLocation");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "distill";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        context.requireData(location, "a distill stage needs a data section in the recipe");
        LossFunction<?> resolved = context.resolve(LossFunction.class, loss, "loss");
        Record params = context.bind(loss, resolved.paramsType());
        return new DistillStep(train, teacher, teacherLocation, resolved, params, location);
    }
}
