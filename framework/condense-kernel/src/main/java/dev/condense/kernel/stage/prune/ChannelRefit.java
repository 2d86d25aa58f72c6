package dev.condense.kernel.stage.prune;

import dev.condense.kernel.run.PluginFailureException;
import dev.condense.kernel.run.RunContext;
import dev.condense.api.model.ChannelGroup;
import dev.condense.api.model.ChannelSlice;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.Granularity;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.kernel.stage.prune.PruneStep;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.kernel.stage.prune.UnitGroup;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * After channel removal, asks the scorer for a refit of each layer whose input channels were cut
 * ({@code ImportanceScorer#refit}, e.g. ThiNet's least squares), computed on the graph before removal, and installs
 * it, widened back to full input width, before the removal cuts the graph. Layers reading a flattened block
 * ({@code H*W} indices per channel) are not refit. A refit of the wrong shape is a plugin failure; an existing mask
 * is re-applied to the refit weight.
 */
final class ChannelRefit {
    private ChannelRefit() {
    }

    /** Layer -&gt; refit weight, empty unless the granularity is CHANNEL and the scorer refits. */
    static Map<String, INDArray> compute(PruneStep step, ModelGraph before, RunContext ctx, List<UnitGroup> groups,
                                         Map<ChannelGroup, long[]> removed, Map<String, long[]> keeps) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (step.granularity() != Granularity.CHANNEL) {
            return out;
        }
        Map<String, boolean[]> drop = new LinkedHashMap<>();
        Set<String> blocked = new HashSet<>();
        for (UnitGroup u : groups) {
            long[] channels = removed.get(u.group());
            for (ChannelSlice s : channels == null ? List.<ChannelSlice>of() : u.scored()) {
                if (s.block() != 1) {
                    blocked.add(s.tensor());
                    continue;
                }
                boolean[] d = drop.computeIfAbsent(s.tensor(), t -> new boolean[(int) before.initializers().get(t).size(1)]);
                Arrays.stream(channels).forEach(c -> d[(int) (s.offset() + c)] = true);
            }
        }
        for (var e : drop.entrySet()) {
            String layer = e.getKey();
            if (blocked.contains(layer)) {
                continue;
            }
            boolean[] d = e.getValue();
            long[] keep = IntStream.range(0, d.length).filter(i -> !d[i]).asLongStream().toArray();
            INDArray w = before.initializers().get(layer);
            ScoringRequest request = new ScoringRequest(layer, w, Granularity.CHANNEL, before, ctx);
            Optional<INDArray> refit;
            try {
                refit = PluginCalls.in(step.scorer(), () -> step.refit(request, keep));
            } catch (RuntimeException ex) {
                throw new PluginFailureException("scorer '" + step.scorer().id() + "' failed to refit " + layer + ": "
                        + ex, ex);
            }
            refit.ifPresent(r -> {
                out.put(layer, r);
                keeps.put(layer, keep);
            });
        }
        return out;
    }

    /**
     * {@code before} with each refit weight widened back to the layer's full input width (removed columns zero), so
     * that the removal that follows cuts it exactly like the original (rows included, when the layer also loses
     * output units to another group). Widening is a product with a 0/1 selection matrix {@code [k, in]}.
     */
    static ModelGraph widen(PruneStep step, ModelGraph before, Map<String, long[]> keeps, Map<String, INDArray> refits) {
        if (refits.isEmpty()) {
            return before;
        }
        ModelGraph.Builder b = before.toBuilder();
        for (var e : refits.entrySet()) {
            INDArray w = before.initializers().get(e.getKey());
            long[] keep = keeps.get(e.getKey());
            long[] expected = w.shape().clone();
            expected[1] = keep.length;
            INDArray r = e.getValue();
            if (!Arrays.equals(expected, r.shape())) {
                throw new PluginFailureException("scorer '" + step.scorer().id() + "' refit " + e.getKey() + " to shape "
                        + Arrays.toString(r.shape()) + ", expected " + Arrays.toString(expected), null);
            }
            INDArray select = Nd4j.zeros(w.dataType(), keep.length, w.size(1));
            for (int j = 0; j < keep.length; j++) {
                select.putScalar(j, keep[j], 1.0);
            }
            INDArray wide;
            if (w.rank() == 2) {
                wide = r.castTo(w.dataType()).mmul(select);
            } else {
                INDArray last = r.castTo(w.dataType()).permute(0, 2, 3, 1).dup().reshape(-1, keep.length);
                wide = last.mmul(select).reshape(w.size(0), w.size(2), w.size(3), w.size(1)).permute(0, 3, 1, 2).dup();
            }
            INDArray mask = before.masks().get(e.getKey());
            b.initializer(e.getKey(), mask == null ? wide : wide.muli(mask));
        }
        return b.build();
    }
}
