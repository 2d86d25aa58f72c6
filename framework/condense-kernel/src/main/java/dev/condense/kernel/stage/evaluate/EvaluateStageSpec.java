package dev.condense.kernel.stage.evaluate;

import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed {@code evaluate: {metrics, batch, runtime, split}}.
 *
 * @param metrics metric ids among {@link #METRICS}, no duplicates, at least one
 * @param batch   inference batch size, &gt;= 1
 * @param runtime the runtime executing the exported model; only {@code onnxruntime} for now
 * @param split   the rows the accuracy is measured on: {@code test}, or {@code validation} (the seeded held-out
 *                part of the training data; the recipe's {@code data.validation} must be &gt; 0)
 * @param latencyBatches distinct batch sizes in [1, 65536] latency is timed at, at least one
 */
public record EvaluateStageSpec(List<String> metrics, int batch, String runtime, String split, Location location,
                                List<Integer> latencyBatches) implements StageSpec {
    /** Latency batch sizes when a recipe names none: 1 and 128. */
    public static final List<Integer> DEFAULT_LATENCY_BATCHES = List.of(1, 128);
    /** The metrics the kernel reports. */
    public static final List<String> METRICS = List.of("accuracy", "size", "latency");
    /** The runtimes an evaluation can use. */
    public static final List<String> RUNTIMES = List.of("onnxruntime");
    /** The splits an evaluation can measure accuracy on. */
    public static final List<String> SPLITS = List.of("test", "validation");

    public EvaluateStageSpec {
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty() || Set.copyOf(metrics).size() != metrics.size() || !METRICS.containsAll(metrics)) {
            throw new IllegalArgumentException("metrics must be distinct values among " + METRICS + ", was " + metrics);
        }
        if (batch < 1 || batch > 1 << 16) {
            throw new IllegalArgumentException("batch must be in [1, 65536], was " + batch);
        }
        if (!RUNTIMES.contains(runtime)) {
            throw new IllegalArgumentException("runtime must be one of " + RUNTIMES + ", was " + runtime);
        }
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("split must be one of " + SPLITS + ", was " + split);
        }
        Objects.requireNonNull(location, "location");
        latencyBatches = List.copyOf(latencyBatches);
        if (latencyBatches.isEmpty() || Set.copyOf(latencyBatches).size() != latencyBatches.size()
                || latencyBatches.stream().anyMatch(b -> b < 1 || b > 1 << 16)) {
            throw new IllegalArgumentException("latency-batches must be distinct batch sizes in [1, 65536], was "
                    + latencyBatches);
        }
    }

    /** Latency at batch 1 and 128. */
    public EvaluateStageSpec(List<String> metrics, int batch, String runtime, String split, Location location) {
        this(metrics, batch, runtime, split, location, DEFAULT_LATENCY_BATCHES);
    }

    @Override
    public String kind() {
        return "evaluate";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        if (metrics.contains("accuracy")) {
            context.requireData(location, "the accuracy metric needs a data section in the recipe");
        }
        if (split.equals("validation") && metrics.contains("accuracy")
                && context.recipe().data().map(d -> d.validation() <= 0).orElse(true)) {
            throw new RecipeException(location, "evaluate on split 'validation' needs held-out rows: set "
                    + "data.validation to a fraction in (0, 0.5), e.g. data: {dataset: mnist, validation: 0.1}");
        }
        return new EvaluateStep(metrics, batch, runtime, split, location, latencyBatches);
    }
}
