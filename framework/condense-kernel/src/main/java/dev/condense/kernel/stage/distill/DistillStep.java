package dev.condense.kernel.stage.distill;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.run.ModelLoader;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.InputFile;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Train the graph (the student) with a resolved loss on the logits of a trained teacher.
 *
 * <p>The preview loads the teacher and checks it fits the student ({@link TeacherCheck}); names and shapes do not
 * change. The teacher file is an {@link InputFile} (role {@code teacher}) for provenance and replay.
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

    @Override
    public Preview preview(ModelGraph graph) {
        Trainings.checkAugment(spec, location, graph);
        TeacherCheck.check(teacher, teacherLocation, graph);
        return Preview.unchanged(graph, "distill: " + Trainings.describe(spec) + ", loss " + loss.id() + " from teacher "
                + teacher.modelFile().orElseThrow());
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        run.context().report("teacher", teacher.modelFile().orElseThrow().toString());
        run.context().report("loss", loss.id());
        return Trainings.reported(run.context(), spec, run.context().distill(graph, this, ModelLoader.load(teacher, 0)));
    }

    @Override
    public Object resolvedBody() {
        return ResolvedBodies.ordered("teacher", Map.of("file", teacher.modelFile().orElseThrow().toString()),
                "loss", Map.of(loss.id(), ResolvedBodies.recordToMap(lossParams)), "train", ResolvedBodies.train(spec));
    }

    @Override
    public List<InputFile> inputs() {
        return List.of(new InputFile("teacher", teacher.modelFile().orElseThrow(), List.of("teacher")));
    }
}
