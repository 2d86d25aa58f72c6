package dev.condense.kernel.stage.export;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import dev.condense.kernel.run.StageRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import onnx.Onnx.ModelProto;

/**
 * The batch-128 latency of an integer-only or channel-padded model.onnx against the plain QDQ form of the same graph,
 * timed interleaved in ONNX Runtime with one intra-op thread (CPU time of the calling thread;
 * {@link InterleavedLatency}), reported as {@code latency_b128_ms_median} (the written file),
 * {@code latency_b128_<reference>_ms_median} and {@code speedup_vs_<reference>} with its quartiles and verdict,
 * {@code reference} being {@code qdq} (integer-only) or {@code unpadded} (a channel-padded QDQ file). The QDQ form
 * goes to a scratch file that is deleted.
 */
final class IntegerLatency {
    static final int BATCH = 128;
    private static final InterleavedLatency.Plan PLAN = new InterleavedLatency.Plan(3, 11, 4, 20);

    private IntegerLatency() {
    }

    static void report(ModelProto qdq, Path written, ModelGraph graph, StageRun run, String reference) {
        long[] shape = graph.inputs().get(0).shape().clone();
        shape[0] = BATCH;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 1) {
                return; // no concrete input shape to time with
            }
        }
        Path scratch = null;
        try {
            scratch = Files.createTempFile("condense-qdq-", ".onnx");
            Files.write(scratch, qdq.toByteArray());
            LatencyComparison c = InterleavedLatency.measure(scratch, written, shape, PLAN, 1).ratio();
            run.context().report("latency_b128_ms_median", round(c.model().medianMillis()));
            run.context().report("latency_b128_" + reference + "_ms_median", round(c.reference().medianMillis()));
            run.context().report("speedup_vs_" + reference, round(c.speedupMedian()));
            run.context().report("speedup_vs_" + reference + "_iqr", String.format(Locale.ROOT, "%.2f-%.2f",
                    c.speedupQ1(),
                    c.speedupQ3()));
            run.context().report("speedup_vs_" + reference + "_verdict", c.verdict().text());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the QDQ form for timing: " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                try {
                    Files.deleteIfExists(scratch);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
