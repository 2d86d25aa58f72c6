package dev.condense.kernel.stage.prune;

import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.Granularity;
import dev.condense.engine.rewrite.StructuredRemoval;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.Trainings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A prune stage's checks and predicted graph, before anything runs: every selector and include/exclude pattern
 * matches a prunable layer of the graph the previous stages produce (one that matches nothing is almost always a
 * typo; the error lists the layers), fine-tuning that augments has an image input, the stage targets at least one
 * layer that takes its granularity, and a removing stage has at least one removable channel group.
 *
 * <p>For {@code structured: remove} with per-layer targets the predicted graph has the post-removal shapes: which
 * units go depends on the scores (data), how many does not, so the prediction removes the first units of each group
 * with the same count the run removes ({@link Allocation#perLayer}) and the same removal code. Only names and shapes
 * are predicted, not values. Under global ranking the split between layers is decided by the scores, so the graph
 * passes through with its shapes unchanged (names never change); masking never changes shapes.
 */
final class PrunePreview {
    private PrunePreview() {
    }

    static Preview of(PruneStep p, ModelGraph graph) {
        p.schedule().finetune().ifPresent(ft -> Trainings.checkAugment(ft, p.location(), graph));
        List<String> layers = PrunableLayers.of(graph);
        List<RecipeException> unmatched = p.unmatched(layers, PrunableLayers.byNode(graph));
        if (!unmatched.isEmpty()) {
            throw unmatched.get(0);
        }
        Map<String, Double> targets = PruneExecutor.targets(p, graph);
        String g = p.granularity().name().toLowerCase(Locale.ROOT);
        if (targets.isEmpty() && p.granularity() != Granularity.ELEMENT
                && layers.stream().anyMatch(l -> p.targetSparsity(l).orElse(0) > 0)) {
            throw new RecipeException(p.location(), "granularity " + Quote.single(g) + " fits no selected layer (filter: Conv"
                    + " with group 1; neuron: Gemm with transB=1; channel: either); layers: " + describe(graph, layers));
        }
        if (targets.isEmpty()) {
            throw new RecipeException(p.location(), "this prune stage selects no layer with a sparsity above 0; "
                    + "layers: " + layers);
        }
        List<UnitGroup> groups = p.removes() ? UnitGroups.of(graph, p.granularity(), targets.keySet()) : List.of();
        if (p.removes() && groups.isEmpty()) {
            throw new RecipeException(p.location(), "nothing to remove at granularity " + Quote.single(g) + ": the "
                    + g + "s of " + targets.keySet() + " feed graph outputs or untracked ops (Reshape, Transpose, "
                    + "Softmax, ...), or are coupled to a layer the stage leaves alone; use structured: mask");
        }
        boolean global = p.sparsity().global().isPresent();
        ModelGraph next = p.removes() && !global ? removeFirst(graph, groups, targets) : graph;
        return new Preview(next, PruneLines.of(p, graph, next, targets));
    }

    /** The graph with, per group, as many units removed as the run will remove, taken from the front. */
    private static ModelGraph removeFirst(ModelGraph graph, List<UnitGroup> groups, Map<String, Double> targets) {
        Map<ChannelGroup, long[]> removed = new LinkedHashMap<>();
        for (UnitGroup u : groups) {
            double s = u.layers().stream().mapToDouble(targets::get).min().orElseThrow();
            long size = u.group().size();
            long n = Allocation.perLayer(new UnitPool(u.key(), Nd4j.zeros(size), size, 0), s);
            if (n > 0) {
                removed.put(u.group(), LongStream.range(0, n).toArray());
            }
        }
        return removed.isEmpty() ? graph : StructuredRemoval.remove(graph, removed);
    }

    private static String describe(ModelGraph graph, List<String> layers) {
        List<String> out = new ArrayList<>();
        for (String l : layers) {
            out.add(l + " (" + graph.consumers(l).stream().findFirst().map(n -> n.opType()).orElse("?") + ")");
        }
        return out.toString();
    }
}
