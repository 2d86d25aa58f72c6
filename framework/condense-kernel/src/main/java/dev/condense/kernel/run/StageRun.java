package dev.condense.kernel.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What one stage of a run gets besides the graph: its context (seed, data, training, log, report), the run's
 * partial output directory, the stage's label ({@code index:kind}), the run's list of evaluations (each evaluate
 * stage appends one) and the latency reference (the run's input model exported, made on first request).
 *
 * @param context          the stage's context
 * @param outputDir        the run's partial output directory, where an export writes model.onnx
 * @param label            {@code index:kind}, e.g. {@code 3:evaluate}
 * @param evaluations      the run's evaluations so far, in stage order; a stage may append
 * @param latencyReference the input model as ONNX, exported into the work directory on first call
 */
public record StageRun(RunContext context, Path outputDir, String label, List<Map<String, Object>> evaluations,
                       Supplier<Path> latencyReference) {

    public StageRun {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(evaluations, "evaluations");
        Objects.requireNonNull(latencyReference, "latencyReference");
    }
}
