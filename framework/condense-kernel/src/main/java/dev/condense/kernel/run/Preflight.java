package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.Granularity;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.plan.DistillStep;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.PlannedStage;
import dev.condense.kernel.plan.PruneStep;
import dev.condense.kernel.plan.TrainStep;
import dev.condense.kernel.prune.PrunableLayers;
import dev.condense.kernel.prune.UnitGroups;
import dev.condense.kernel.recipe.RecipeException;
import java.util.List;

/**
 * Checks that need the model but no training, run before any stage so a recipe never fails deep into a run: every
 * layer selector and include/exclude pattern matches a prunable layer (one that matches nothing is almost always a
 * typo; the error lists the layers), training that augments images has an image input, a distillation teacher
 * takes the model's input and gives as many logits, every prune stage targets at least one layer that can take its
 * granularity (filter on a Gemm-only model fails here), and a removing stage has at least one removable channel
 * group.
 */
public final class Preflight {
    private Preflight() {
    }

    /** Per prune stage (1-based stage index), the target sparsity of each layer it will prune. */
    public static java.util.Map<Integer, java.util.Map<String, Double>> layerTargets(Plan plan, ModelGraph graph) {
        java.util.Map<Integer, java.util.Map<String, Double>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < plan.stages().size(); i++) {
            if (plan.stages().get(i) instanceof PruneStep p) {
                out.put(i + 1, PruneExecutor.targets(p, graph));
            }
        }
        return out;
    }

    private static String describe(ModelGraph graph, List<String> layers) {
        return layers.stream().map(l -> l + " (" + graph.consumers(l).stream().findFirst().map(n -> n.opType())
                .orElse("?") + ")").toList().toString();
    }

    /** Augmentation shifts images: the model's input must be {@code [N, C, H, W]}. */
    private static void checkAugment(PlannedStage stage, ModelGraph graph) {
        java.util.Optional<TrainSpec> spec = stage instanceof TrainStep t ? java.util.Optional.of(t.spec())
                : stage instanceof DistillStep d ? java.util.Optional.of(d.spec())
                : stage instanceof PruneStep p ? p.schedule().finetune() : java.util.Optional.empty();
        if (spec.isEmpty() || !spec.get().augment().active()) {
            return;
        }
        long[] shape = graph.inputs().get(0).shape();
        if (shape.length != 4) {
            throw new RecipeException(stage.location(), "augment shift moves images, but the model's input "
                    + Quote.single(graph.inputs().get(0).name()) + " has shape " + java.util.Arrays.toString(shape)
                    + ", not [N, C, H, W]");
        }
    }

    /**
     * A teacher must take the student's input and give as many logits: it is loaded here (its ONNX read and checked)
     * and compared shape by shape, ignoring the batch dimension.
     */
    private static void checkTeacher(PlannedStage stage, ModelGraph student) {
        if (!(stage instanceof DistillStep d)) {
            return;
        }
        ModelGraph teacher;
        try {
            teacher = ModelLoader.load(d.teacher(), 0);
        } catch (RuntimeException e) {
            throw new RecipeException(d.teacherLocation(), "cannot read the teacher: " + e.getMessage());
        }
        if (teacher.inputs().size() != 1 || teacher.outputs().size() != 1) {
            throw new RecipeException(d.teacherLocation(), "a teacher must have one input and one output; it has "
                    + teacher.inputs().size() + " and " + teacher.outputs().size());
        }
        long[] si = student.inputs().get(0).shape();
        long[] ti = teacher.inputs().get(0).shape();
        long[] so = student.outputs().get(0).shape();
        long[] to = teacher.outputs().get(0).shape();
        if (!sameAfterBatch(si, ti)) {
            throw new RecipeException(d.teacherLocation(), "the teacher's input has shape " + java.util.Arrays.toString(ti)
                    + " but the model's has " + java.util.Arrays.toString(si) + " (the batch dimension may differ)");
        }
        if (to.length != 2 || so.length != 2 || to[1] != so[1]) {
            throw new RecipeException(d.teacherLocation(), "the teacher's output has shape " + java.util.Arrays.toString(to)
                    + " but the model's has " + java.util.Arrays.toString(so) + "; both must be logits [N, classes]");
        }
    }

    private static boolean sameAfterBatch(long[] a, long[] b) {
        return a.length == b.length && java.util.Arrays.equals(a, 1, a.length, b, 1, b.length);
    }

    /** @throws RecipeException located at the offending selector or stage, listing the model's prunable layers */
    public static void check(Plan plan, ModelGraph graph) {
        List<String> layers = PrunableLayers.of(graph);
        for (PlannedStage stage : plan.stages()) {
            checkAugment(stage, graph);
            checkTeacher(stage, graph);
            if (!(stage instanceof PruneStep p)) {
                continue;
            }
            List<RecipeException> unmatched = p.unmatched(layers, PrunableLayers.byNode(graph));
            if (!unmatched.isEmpty()) {
                throw unmatched.get(0);
            }
            var targets = PruneExecutor.targets(p, graph);
            String g = p.granularity().name().toLowerCase(java.util.Locale.ROOT);
            if (targets.isEmpty() && p.granularity() != Granularity.ELEMENT
                    && layers.stream().anyMatch(l -> p.targetSparsity(l).orElse(0) > 0)) {
                throw new RecipeException(p.location(), "granularity " + Quote.single(g) + " fits no selected layer (filter: Conv"
                        + " with group 1; neuron: Gemm with transB=1; channel: either); layers: " + describe(graph, layers));
            }
            if (targets.isEmpty()) {
                throw new RecipeException(p.location(), "this prune stage selects no layer with a sparsity above 0; "
                        + "layers: " + layers);
            }
            if (p.removes() && UnitGroups.of(graph, p.granularity(), targets.keySet()).isEmpty()) {
                throw new RecipeException(p.location(), "nothing to remove at granularity " + Quote.single(g) + ": the "
                        + g + "s of " + targets.keySet() + " feed graph outputs or untracked ops (Reshape, Transpose, "
                        + "Softmax, ...), or are coupled to a layer the stage leaves alone; use structured: mask");
            }
        }
    }
}
