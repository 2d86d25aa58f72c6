package dev.condense.kernel.stage.evaluate;

import dev.condense.api.model.ModelGraph;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.run.StageRun;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.Preview;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluate the current graph (exported and run in {@code runtime}); the graph passes through unchanged. Each run
 * appends its measurements to the run's evaluations ({@link Evaluator}).
 *
 * @param metrics  metric ids: {@code accuracy}, {@code size}, {@code latency}
 * @param batch    inference batch size
 * @param runtime  the runtime, {@code onnxruntime}
 * @param split    {@code test} or {@code validation}: the rows accuracy is measured on
 * @param location where the stage is written
 * @param latencyBatches the batch sizes latency is timed at ({@link EvaluateStageSpec#DEFAULT_LATENCY_BATCHES} by default)
 */
public record EvaluateStep(List<String> metrics, int batch, String runtime, String split, Location location,
                           List<Integer> latencyBatches) implements PlannedStage {

    public EvaluateStep {
        metrics = List.copyOf(metrics);
        latencyBatches = List.copyOf(latencyBatches);
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "evaluate";
    }

    @Override
    public Preview preview(ModelGraph graph) {
        return Preview.unchanged(graph, "evaluate: " + String.join(", ", metrics) + " in " + runtime
                + (metrics.contains("accuracy") ? " on the " + split + " rows" : "") + ", batch " + batch
                + (metrics.contains("latency") ? ", latency at batch " + latencyBatches : ""));
    }

    @Override
    public ModelGraph run(ModelGraph graph, StageRun run) {
        Map<String, Object> m = Evaluator.evaluate(this, graph, run.context(), run.label(),
                metrics.contains("latency") ? run.latencyReference().get() : null);
        run.context().log("evaluation: " + m);
        run.evaluations().add(m);
        return graph;
    }

    @Override
    public Object resolvedBody() {
        if (latencyBatches.equals(EvaluateStageSpec.DEFAULT_LATENCY_BATCHES)) {
            return ResolvedBodies.ordered("metrics", metrics, "batch", batch, "runtime", runtime, "split", split);
        }
        return ResolvedBodies.ordered("metrics", metrics, "batch", batch, "runtime", runtime, "split", split,
                "latency-batches", latencyBatches);
    }
}
