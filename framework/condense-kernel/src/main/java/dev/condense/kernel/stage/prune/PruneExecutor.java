package dev.condense.kernel.stage.prune;

import dev.condense.kernel.run.PluginFailureException;
import dev.condense.kernel.run.RunContext;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.ScoringRequest;
import dev.condense.api.train.TrainSpec;
import dev.condense.engine.stats.ModelStats;
import dev.condense.kernel.stage.prune.PruneStep;
import dev.condense.kernel.plugin.PluginCalls;
import dev.condense.kernel.stage.prune.PrunableLayers;
import dev.condense.kernel.stage.prune.UnitGroups;
import dev.condense.kernel.stage.prune.Schedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a prune stage: per schedule step, either removes whole units with everything coupled to them
 * ({@link StructuredStep}: neuron/filter/channel granularity with {@code structured: remove}, the default) or masks
 * ({@link MaskStep}: element granularity or {@code structured: mask}), then fine-tunes when the schedule says so.
 * Reports the schedule, each step, and the per-layer shapes, parameters, nonzeros and MACs before and after
 * ({@link PruneReport}).
 *
 * <p>At channel granularity a scorer's optional refit (ThiNet's least squares) replaces the cut layers' weights
 * ({@link ChannelRefit}).
 */
final class PruneExecutor {
    private PruneExecutor() {
    }

    static ModelGraph run(PruneStep step, ModelGraph graph, RunContext ctx) {
        ModelGraph before = graph;
        Map<String, Double> targets = targets(step, graph);
        int steps = step.schedule().steps();
        Map<String, Long> originals = new HashMap<>();
        List<Map<String, Object>> history = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            graph = step.removes() ? StructuredStep.apply(step, graph, ctx, targets, k, originals)
                    : MaskStep.apply(step, graph, ctx, targets, k);
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("step", k);
            record.put(step.removes() ? "shapes" : "sparsity", step.removes() ? shapes(graph, targets.keySet())
                    : layerSparsity(graph, targets.keySet()));
            ctx.log(String.format(Locale.ROOT, "prune step %d/%d: %s", k, steps, record.get(step.removes() ? "shapes"
                    : "sparsity")));
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
        ctx.report("structured", step.removes() ? "remove" : "mask");
        ctx.report("schedule", scheduleName(step.schedule()));
        step.sparsity().global().ifPresent(gl -> ctx.report("global", Map.of("sparsity", gl.sparsity(),
                "floor", gl.floor())));
        ctx.report("targets", targets);
        ctx.report("steps", history);
        ctx.report("layers", PruneReport.layers(before, graph));
        ctx.report("totals", PruneReport.totals(before, graph));
        return graph;
    }

    private static String scheduleName(Schedule s) {
        if (s instanceof Schedule.Agp a) {
            return "agp x" + a.steps();
        }
        return s.steps() == 1 && s.finetune().isEmpty() ? "one-shot" : "iterative x" + s.steps();
    }

    /**
     * Target sparsity per prunable layer that can take the stage's granularity; layers the stage's {@code layers}
     * filter excludes, or that no selector (and no default) covers, are left alone.
     */
    static Map<String, Double> targets(PruneStep step, ModelGraph graph) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String layer : PrunableLayers.of(graph)) {
            OptionalDouble s = step.targetSparsity(layer);
            if (s.isPresent() && s.getAsDouble() > 0 && UnitGroups.takes(graph, layer, step.granularity())) {
                out.put(layer, s.getAsDouble());
            }
        }
        return out;
    }

    static INDArray score(PruneStep step, ScoringRequest request) {
        try {
            return PluginCalls.in(step.scorer(), () -> step.score(request));
        } catch (RuntimeException e) {
            throw new PluginFailureException("scorer '" + step.scorer().id() + "' failed on layer " + request.layer()
                    + ": " + e, e);
        }
    }

    private static Map<String, String> shapes(ModelGraph g, Iterable<String> layers) {
        Map<String, String> out = new LinkedHashMap<>();
        layers.forEach(l -> out.put(l, Arrays.toString(g.initializers().get(l).shape())));
        return out;
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
