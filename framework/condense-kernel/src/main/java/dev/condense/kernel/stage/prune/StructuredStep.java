package dev.condense.kernel.stage.prune;

import dev.condense.kernel.run.RunContext;
import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.engine.rewrite.StructuredRemoval;
import dev.condense.kernel.stage.prune.PruneStep;
import dev.condense.kernel.stage.prune.Allocation;
import dev.condense.kernel.stage.prune.UnitGroup;
import dev.condense.kernel.stage.prune.UnitGroups;
import dev.condense.kernel.stage.prune.UnitPool;
import dev.condense.kernel.recipe.SparsityRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One schedule step of structured removal: score the targeted layers, rank each coupled channel group
 * ({@link UnitGroup}: mean of its layers' unit scores), decide per group how many channels go ({@link Allocation},
 * per layer or global) and cut them out of the graph ({@link StructuredRemoval}). Targets count against a group's
 * size when the stage started ({@code originals}), so a schedule's later steps remove only the difference. At channel
 * granularity a scorer that refits (ThiNet) gets to replace the trimmed layers' weights ({@link ChannelRefit}).
 */
final class StructuredStep {
    private StructuredStep() {
    }

    /**
     * @param targets   final target sparsity per targeted layer
     * @param k         the 1-based schedule step
     * @param originals group key -&gt; channels when the stage started; filled on first sight
     */
    static ModelGraph apply(PruneStep step, ModelGraph graph, RunContext ctx, Map<String, Double> targets, int k,
                            Map<String, Long> originals) {
        List<UnitGroup> groups = UnitGroups.of(graph, step.granularity(), targets.keySet());
        Map<String, INDArray> layerScores = new LinkedHashMap<>();
        for (UnitGroup u : groups) {
            for (String layer : u.layers()) {
                layerScores.computeIfAbsent(layer, l -> PruneExecutor.score(step,
                        new ScoringRequest(l, graph.initializers().get(l), step.granularity(), graph, ctx)));
            }
        }
        List<UnitPool> pools = new ArrayList<>();
        for (UnitGroup u : groups) {
            long original = originals.computeIfAbsent(u.key(), key -> u.group().size());
            pools.add(new UnitPool(u.key(), u.scores(layerScores), original, original - u.group().size()));
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        if (step.sparsity().global().isPresent()) {
            SparsityRule.Global gl = step.sparsity().global().get();
            counts.putAll(Allocation.global(pools, step.schedule().target(gl.sparsity(), k), gl.floor()));
        } else {
            for (int i = 0; i < groups.size(); i++) {
                double s = groups.get(i).layers().stream().mapToDouble(targets::get).min().orElseThrow();
                counts.put(pools.get(i).key(), Allocation.perLayer(pools.get(i), step.schedule().target(s, k)));
            }
        }
        Map<ChannelGroup, long[]> removed = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            long n = counts.get(pools.get(i).key());
            if (n > 0) {
                removed.put(groups.get(i).group(), lowest(pools.get(i).scores(), n));
            }
        }
        Map<String, long[]> keeps = new LinkedHashMap<>();
        Map<String, INDArray> refits = ChannelRefit.compute(step, graph, ctx, groups, removed, keeps);
        return StructuredRemoval.remove(ChannelRefit.widen(step, graph, keeps, refits), removed);
    }

    /** Indices of the {@code n} lowest scores (ties broken by ND4J's sort order, deterministic for equal input). */
    static long[] lowest(INDArray scores, long n) {
        INDArray order = Nd4j.sortWithIndices(scores.castTo(DataType.FLOAT).reshape(scores.length()).dup(), 0, true)[0];
        return order.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).castTo(DataType.INT64).toLongVector();
    }
}
