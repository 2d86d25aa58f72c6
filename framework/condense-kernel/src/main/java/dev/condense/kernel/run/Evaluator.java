package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.LatencyStats;
import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.stats.ModelStats;
import dev.condense.kernel.plan.EvaluateStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluates the current graph the way a user would run it: exported to ONNX and executed by ONNX Runtime on the
 * data set's test split. Size metrics separate dense parameters, nonzeros and the bytes of the exported file.
 * Latency is the median (and p90) wall-clock time of one ONNX Runtime call at batch 1 and batch 128.
 */
final class Evaluator {
    private static final int LATENCY_WARMUP = 10;
    private static final int LATENCY_RUNS_B1 = 200;
    private static final int LATENCY_RUNS_B128 = 30;

    private Evaluator() {
    }

    static Map<String, Object> evaluate(EvaluateStep step, ModelGraph graph, RunContext ctx, String after) {
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
                long[] shape = graph.inputs().get(0).shape();
                put(m, "latency_b1", OrtRunner.latency(onnx, withBatch(shape, 1), LATENCY_WARMUP, LATENCY_RUNS_B1));
                put(m, "latency_b128", OrtRunner.latency(onnx, withBatch(shape, 128), LATENCY_WARMUP, LATENCY_RUNS_B128));
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

    private static void put(Map<String, Object> m, String key, LatencyStats s) {
        m.put(key + "_ms_median", Math.round(s.medianMillis() * 1000) / 1000.0);
        m.put(key + "_ms_p90", Math.round(s.p90Millis() * 1000) / 1000.0);
    }

    private static long[] withBatch(long[] shape, long batch) {
        long[] s = shape.clone();
        s[0] = batch;
        return s;
    }
}
