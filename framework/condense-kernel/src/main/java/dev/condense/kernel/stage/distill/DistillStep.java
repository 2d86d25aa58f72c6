package dev.condense.kernel.stage.distill;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.api.train.TrainSpec;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.ModelSpec;
import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.InputFile;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import dev.condense.kernel.stage.Trainings;
import dev.condense.engine.train.FeatureTerm;
import dev.condense.kernel.plugin.PluginCalls;
import java.util.ArrayList;
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
 * @param features        the layer map's entries with their losses resolved (possibly empty); the preview resolves
 *                        them against both graphs ({@link LayerMap}) and lists the pairs with their shapes
 * @param logitsWeight    weight of the logits loss in the total (0: features only)
 * @param normalize       scale feature terms to the logits loss at the first batch
 * @param teacherCache    whether the teacher's outputs are computed once per row and read back every epoch
 * @param location        where the stage is written
 */
public record DistillStep(TrainSpec spec, ModelSpec teacher, Location teacherLocation, LossFunction<?> loss,
                          Record lossParams, List<DistillFeature> features, double logitsWeight, boolean normalize,
                          TeacherCacheMode teacherCache, Location location) implements PlannedStage {

    public DistillStep {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(teacher, "teacher");
        Objects.requireNonNull(teacherLocation, "teacherLocation");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(teacherCache, "teacherCache");
        features = List.copyOf(features);
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
        ModelGraph t = TeacherCheck.check(teacher, teacherLocation, graph);
        String live = teacherCache.liveReason(spec);
        String head = "distill: " + Trainings.describe(spec) + ", loss " + loss.id() + " from teacher "
                + teacher.modelFile().orElseThrow() + (live == null ? ", cached (computed once per row)"
                : ", not cached (" + live + ")");
        if (features.isEmpty()) {
            return Preview.unchanged(graph, head);
        }
        List<String> lines = new ArrayList<>();
        lines.add(head + (logitsWeight == 1 ? "" : ", logits weight " + logitsWeight)
                + (normalize ? ", feature terms normalized at the first batch" : ""));
        List<FeatureTerm> terms = featureTerms(graph, t);
        for (FeatureTerm term : terms) {
            lines.add("  " + term.label() + ", weight " + term.weight() + ":");
            term.pairs().forEach(p -> lines.add("    " + p.describe()));
        }
        return new Preview(graph, lines);
    }

    /**
     * The layer map resolved against {@code student} and {@code teacher}: one term per entry, labelled
     * {@code <loss id>[<entry index>]}, whose loss is built inside the loss plugin's class loader.
     *
     * @throws dev.condense.kernel.recipe.RecipeException at the entry when a tensor does not exist or cannot pair
     */
    public List<FeatureTerm> featureTerms(ModelGraph student, ModelGraph teacher) {
        LayerMap map = new LayerMap(student, teacher);
        List<FeatureTerm> terms = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            DistillFeature f = features.get(i);
            List<dev.condense.engine.train.FeaturePair> pairs = map.resolve(f.entry());
            checkRanks(f, pairs);
            terms.add(new FeatureTerm(f.loss().id() + "[" + i + "]", pairs,
                    inputs -> PluginCalls.in(f.loss(), () -> f.build(inputs)), f.entry().weight()));
        }
        return terms;
    }

    /** A pair whose rank the feature loss does not take ({@code attention} on {@code [N, D]}) is an error at the entry. */
    private static void checkRanks(DistillFeature f, List<dev.condense.engine.train.FeaturePair> pairs) {
        java.util.Set<Integer> ranks = PluginCalls.in(f.loss(), () -> f.loss().featureRanks());
        for (var p : pairs) {
            if (!ranks.contains(p.studentShape().length)) {
                throw new dev.condense.kernel.recipe.RecipeException(f.entry().location(), "feature loss "
                        + dev.condense.engine.text.Quote.single(f.loss().id()) + " takes tensors of rank "
                        + ranks.stream().sorted().map(String::valueOf).collect(java.util.stream.Collectors.joining(" or "))
                        + (ranks.equals(java.util.Set.of(4)) ? " ([N, C, H, W])" : "") + ", but the pair "
                        + p.describe() + " has rank " + p.studentShape().length);
            }
        }
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        run.context().report("teacher", teacher.modelFile().orElseThrow().toString());
        run.context().report("loss", loss.id()
                + (logitsWeight == 0 ? " (logits weight 0: only the feature terms train)" : ""));
        return Trainings.reported(run.context(), spec, run.context().distill(graph, this, TeacherCheck.load(teacher, graph)));
    }

    @Override
    public Object resolvedBody() {
        Map<String, Object> body = ResolvedBodies.ordered("teacher", Map.of("file",
                teacher.modelFile().orElseThrow().toString()), "loss", Map.of(loss.id(),
                ResolvedBodies.recordToMap(lossParams)), "train", ResolvedBodies.train(spec));
        if (!features.isEmpty()) {
            body.put("features", features.stream().map(DistillFeature::resolvedBody).toList());
            body.put("logits-weight", logitsWeight);
            body.put("normalize", normalize);
        }
        if (teacherCache != TeacherCacheMode.AUTO) {
            body.put("teacher-cache", teacherCache.id());
        }
        return body;
    }

    @Override
    public List<InputFile> inputs() {
        return List.of(new InputFile("teacher", teacher.modelFile().orElseThrow(), List.of("teacher")));
    }
}
