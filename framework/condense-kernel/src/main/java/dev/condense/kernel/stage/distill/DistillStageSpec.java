package dev.condense.kernel.stage.distill;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code distill} stage: train the model with a loss that reads a teacher's logits.
 *
 * @param teacher         the trained teacher model (a file; zoo models are untrained)
 * @param teacherLocation where the teacher's file is written
 * @param loss            the loss extension, e.g. {@code soft-label}
 * @param train           how to train the student
 * @param features        the layer map (feature losses), possibly empty
 * @param logitsWeight    weight of the logits loss in the total, finite and &ge; 0; 1 by default, 0 trains on the
 *                        features only (FitNets' hint stage)
 * @param normalize       scale each feature term to the logits loss's magnitude at the first batch
 * @param teacherCache    whether the teacher's outputs are computed once per row and read back every epoch
 */
public record DistillStageSpec(ModelSpec teacher, Location teacherLocation, ExtensionRef loss, TrainSpec train,
                               List<FeatureMapEntry> features, double logitsWeight, boolean normalize,
                               TeacherCacheMode teacherCache, Location location) implements StageSpec {

    public DistillStageSpec {
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(teacherLocation, "teacherLocation");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(teacherCache, "teacherCache");
        features = List.copyOf(features);
        if (!(logitsWeight >= 0 && Double.isFinite(logitsWeight))) {
            throw new IllegalArgumentException("logitsWeight must be finite and >= 0, was " + logitsWeight);
        }
    }

    /** A stage on the logits only (no layer map). */
    public DistillStageSpec(ModelSpec teacher, Location teacherLocation, ExtensionRef loss, TrainSpec train,
                            Location location) {
        this(teacher, teacherLocation, loss, train, List.of(), 1.0, false, TeacherCacheMode.AUTO, location);
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
        List<DistillFeature> resolvedFeatures = new ArrayList<>();
        for (FeatureMapEntry e : features) {
            LossFunction<?> f = context.resolve(LossFunction.class, e.loss(), "feature loss");
            resolvedFeatures.add(new DistillFeature(e, f, context.bind(e.loss(), f.paramsType())));
        }
        return new DistillStep(train, teacher, teacherLocation, resolved, params, resolvedFeatures, logitsWeight,
                normalize, teacherCache, location);
    }
}
