package dev.condense.kernel.stage.evaluate;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.OptimizedGraph;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.ModelStats;
import dev.condense.kernel.run.RunContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluates the current graph the way a user would run it: exported to ONNX and executed by ONNX Runtime on the
 * data set's test split. Size metrics separate dense parameters, nonzeros and the bytes of the exported file.
 *
 * <p>Latency, at batch 1 and batch 128 unless the step names other batch sizes ({@code latency-batches}; batch 1 with
 * the batch-1 plan, every other size with the batch-128 plan), is timed interleaved with a reference ({@link InterleavedLatency}): the
 * run's input model, exported by the same exporter before the first stage, so both files are the bytes a user would
 * get. One intra-op thread for both sessions. The report gives this model's wall-clock median and p90, the
 * reference's wall-clock median, both CPU-time medians, and the speed-up (reference / this) from CPU time as the
 * median of per-round ratios with its quartiles, range and verdict ({@link LatencyComparison}), plus the wall-clock
 * speed-up for comparison. With one thread ONNX Runtime computes on the calling thread, so CPU time is the call's
 * work without the waits for a core that other processes cause; on a quiet machine the two clocks agree.
 */
public final class Evaluator {
    /** ONNX Runtime intra-op threads of the latency sessions (both models). */
    static final int LATENCY_THREADS = 1;
    /** Batch 1: 20 warm-up calls of each model, 25 rounds of at least 8 calls and about 20 ms of each model. */
    static final InterleavedLatency.Plan PLAN_B1 = new InterleavedLatency.Plan(20, 25, 8, 20);
    /** Batch 128: 3 warm-up calls of each model, 21 rounds of at least 4 calls and about 20 ms of each model. */
    static final InterleavedLatency.Plan PLAN_B128 = new InterleavedLatency.Plan(3, 21, 4, 20);

    private Evaluator() {
    }

    /**
     * @param reference the run's input model exported, the latency reference; needed when the step measures latency
     */
    static Map<String, Object> evaluate(EvaluateStep step, ModelGraph graph, RunContext ctx, String after,
                                        Path reference) {
        Path onnx = ctx.workDir().resolve("evaluate-" + System.nanoTime() + ".onnx");
        try {
            new OnnxExporter().write(graph, onnx);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("after", after);
            if (step.metrics().contains("accuracy")) {
                var data = ctx.dataset().orElseThrow(() -> new IllegalStateException(
                        "evaluate: accuracy needs a data set"));
                boolean validation = step.split().equals("validation");
                var rows = validation ? data.validationSplit().orElseThrow(() -> new IllegalStateException(
                        "evaluate: the data set has no validation rows")) : data.test();
                m.put("accuracy", OrtRunner.accuracy(onnx, rows, step.batch()));
                m.put(validation ? "validation_rows" : "test_rows", rows.size());
            }
            if (step.metrics().contains("size")) {
                ModelStats stats = ModelStats.of(graph);
                m.put("dense_params", stats.denseParams());
                m.put("nonzeros", stats.nonzeros());
                m.put("sparsity", 1.0 - stats.density());
                m.put("onnx_bytes", Files.size(onnx));
            }
            if (step.metrics().contains("latency")) {
                if (reference == null) {
                    throw new IllegalStateException("evaluate: latency needs the exported input model as reference");
                }
                long[] shape = graph.inputs().get(0).shape();
                m.put("latency_reference", "input model");
                m.put("latency_intra_op_threads", LATENCY_THREADS);
                m.put("latency_ratio_clock", "cpu time of the calling thread");
                for (int b : step.latencyBatches()) {
                    put(m, "latency_b" + b, InterleavedLatency.measure(reference, onnx, withBatch(shape, b),
                            b == 1 ? PLAN_B1 : PLAN_B128, LATENCY_THREADS));
                }
                OptimizedGraph ort = OptimizedGraph.of(onnx, LATENCY_THREADS);   // what ORT really runs
                m.put("ort_integer_kernels", ort.integerNodes());
                m.put("ort_float_kernels", ort.floatComputeNodes());
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("evaluate: cannot write " + onnx, e);
        } finally {
            try {
                Files.deleteIfExists(onnx);
            } catch (IOException ignored) {
                // scratch file inside the run's temporary directory, removed with it
            }
        }
    }

    /**
     * Report keys of one batch size: {@code KEY_ms_median}, {@code KEY_ms_p90} (this model, wall clock, ms),
     * {@code KEY_reference_ms_median} (the input model, wall clock), {@code KEY_cpu_ms_median} and
     * {@code KEY_reference_cpu_ms_median} (CPU time), {@code KEY_speedup} (median round ratio of the ratio's clock)
     * with {@code _q1}, {@code _q3}, {@code _min}, {@code _max}, {@code KEY_rounds} and {@code KEY_verdict}, and
     * {@code KEY_speedup_wall} with {@code _q1} and {@code _q3} (the wall-clock ratio).
     */
    public static void put(Map<String, Object> m, String key, InterleavedLatency.Result r) {
        LatencyComparison wall = r.wallClock();
        LatencyComparison c = r.ratio();
        m.put(key + "_ms_median", round3(wall.model().medianMillis()));
        m.put(key + "_ms_p90", round3(wall.model().p90Millis()));
        m.put(key + "_reference_ms_median", round3(wall.reference().medianMillis()));
        m.put(key + "_cpu_ms_median", round3(r.cpuTime().model().medianMillis()));
        m.put(key + "_reference_cpu_ms_median", round3(r.cpuTime().reference().medianMillis()));
        m.put(key + "_speedup", round3(c.speedupMedian()));
        m.put(key + "_speedup_q1", round3(c.speedupQ1()));
        m.put(key + "_speedup_q3", round3(c.speedupQ3()));
        m.put(key + "_speedup_min", round3(c.speedupMin()));
        m.put(key + "_speedup_max", round3(c.speedupMax()));
        m.put(key + "_rounds", c.rounds());
        m.put(key + "_verdict", c.verdict().text());
        m.put(key + "_speedup_wall", round3(wall.speedupMedian()));
        m.put(key + "_speedup_wall_q1", round3(wall.speedupQ1()));
        m.put(key + "_speedup_wall_q3", round3(wall.speedupQ3()));
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static long[] withBatch(long[] shape, long batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }
}
