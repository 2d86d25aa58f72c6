package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.stats.ModelStats;
import dev.condense.kernel.plan.PruneStep;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.kernel.prune.MaskSelection;
import dev.condense.kernel.prune.PrunableLayers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a prune stage: per schedule step, scores every targeted layer with the plan's scorer, masks the lowest
 * scores down to the step's sparsity, and fine-tunes with the masks held. Masking zeroes weights; it removes
 * nothing (the report says so).
 */
final class PruneExecutor {
    private PruneExecutor() {
    }

    static ModelGraph run(PruneStep step, ModelGraph graph, RunContext ctx) {
        Map<String, Double> targets = targets(step, graph);
        int steps = step.schedule().steps();
        List<Map<String, Object>> history = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            ModelGraph.Builder b = graph.toBuilder();
            for (var t : targets.entrySet()) {
                String layer = t.getKey();
                INDArray w = graph.initializers().get(layer);
                double s = step.schedule().target(t.getValue(), k);
                INDArray scores = score(step, new ScoringRequest(layer, w, step.granularity(), graph, ctx));
                INDArray mask = MaskSelection.mask(w, scores, step.granularity(), s, graph.masks().get(layer));
                b.initializer(layer, w.mul(mask)).mask(layer, mask);
            }
            graph = b.build();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("step", k);
            record.put("sparsity", layerSparsity(graph, targets.keySet()));
            ctx.log(String.format(Locale.ROOT, "prune step %d/%d: %s", k, steps, record.get("sparsity")));
            if (step.schedule().finetune().isPresent()) {
                TrainSpec ft = step.schedule().finetune().get();
                var result = ctx.train(graph, ft);
                graph = result.graph();
                record.put("finetune_loss", result.finalLoss());
            }
            history.add(record);
        }
        ctx.report("scorer", step.scorer().id());
        ctx.report("granularity", step.granularity().name().toLowerCase(Locale.ROOT));
        ctx.report("schedule", steps == 1 && step.schedule().finetune().isEmpty() ? "one-shot" : "iterative x" + steps);
        ctx.report("targets", targets);
        ctx.report("steps", history);
        return graph;
    }

    /**
     * Target sparsity per prunable layer; layers the stage's {@code layers} filter excludes, or that no selector (and
     * no default) covers, are left alone.
     */
    static Map<String, Double> targets(PruneStep step, ModelGraph graph) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String layer : PrunableLayers.of(graph)) {
            OptionalDouble s = step.targetSparsity(layer);
            if (s.isPresent() && s.getAsDouble() > 0) {
                out.put(layer, s.getAsDouble());
            }
        }
        return out;
    }

    private static INDArray score(PruneStep step, ScoringRequest request) {
        try {
            return PluginCalls.in(step.scorer(), () -> step.score(request));
        } catch (RuntimeException e) {
            throw new PluginFailureException("scorer '" + step.scorer().id() + "' failed on layer " + request.layer()
                    + ": " + e, e);
        }
    }

    private static Map<String, String> layerSparsity(ModelGraph g, Iterable<String> layers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : layers) {
            INDArray w = g.initializers().get(l);
            double sparsity = 1.0 - (double) ModelStats.nonzeros(w) / w.length();
            out.put(l, String.format(Locale.ROOT, "%.4f", sparsity));
        }
        return out;
    }
}
