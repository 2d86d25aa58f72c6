package dev.condense.kernel.plan;

import dev.condense.kernel.recipe.Location;
import java.util.List;
import java.util.Objects;

/**
 * Evaluate the current graph (exported and run in {@code runtime}).
 *
 * @param metrics  metric ids: {@code accuracy}, {@code size}, {@code latency}
 * @param batch    inference batch size
 * @param runtime  the runtime, {@code onnxruntime}
 * @param split    {@code test} or {@code validation}: the rows accuracy is measured on
 * @param location where the stage is written
 */
public record EvaluateStep(List<String> metrics, int batch, String runtime, String split, Location location)
        implements PlannedStage {

    public EvaluateStep {
        metrics = List.copyOf(metrics);
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "evaluate";
    }
}
