package dev.condense.engine.quant;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Calibrates activation ranges: runs the FLOAT model over calibration rows batch by batch in ONNX Runtime (the
 * exported float model with the tapped tensors made graph outputs, so the values are those of the runtime that will
 * run the quantized model) and feeds each tapped tensor's {@link Accumulator}, once per pass.
 *
 * <p>Memory is bounded by the batch size (one batch of inputs and of tapped tensors at a time) plus what the
 * accumulators retain (their bins), never by the number of rows. Rows are visited in order in every pass; the
 * accumulators' own invariant (same range whatever the batch split) makes the result independent of the batch size.
 */
public final class ActivationCalibration {
    private ActivationCalibration() {
    }

    /**
     * One accumulator per tensor from {@code factory}, fed over {@code rows}, then asked for its range.
     *
     * @param graph     a float model with one input
     * @param rows      calibration rows {@code [N, ...]} as the graph input expects (e.g. {@code DataSplit.features()})
     * @param tensors   names of the tensors to calibrate: node outputs or the graph input
     * @param factory   a fresh accumulator per call (e.g. {@code PluginAccumulators.factory(calibrator, params)})
     * @param batchSize rows per ONNX Runtime call, >= 1
     * @param bits      quantization bits passed to {@link Accumulator#range}
     * @param symmetric whether the ranges must be symmetric about 0
     * @return the range of every tensor, in the order of {@code tensors}
     */
    public static Map<String, ClipRange> calibrate(ModelGraph graph, INDArray rows, List<String> tensors,
            Supplier<Accumulator> factory, int batchSize, int bits, boolean symmetric) {
        Map<String, Accumulator> acc = new LinkedHashMap<>();
        tensors.forEach(t -> acc.put(t, factory.get()));
        observe(graph, rows, acc, batchSize);
        Map<String, ClipRange> out = new LinkedHashMap<>();
        acc.forEach((t, a) -> out.put(t, a.range(bits, symmetric)));
        return out;
    }

    /**
     * Feeds every accumulator all its passes over {@code rows}: pass {@code p} runs the model over all rows in batches
     * of {@code batchSize} and hands each accumulator with {@code passes() > p} its tensor's values of each batch.
     * The model runs {@code max passes()} times over the rows.
     *
     * @param accumulators by tensor name (node outputs or the graph input); afterwards every one may be asked for a range
     * @throws IllegalArgumentException when the graph has not exactly one input, a name is not a tensor the graph
     *                                  computes (an initializer or unknown), {@code rows} is empty or
     *                                  {@code batchSize < 1}
     */
    public static void observe(ModelGraph graph, INDArray rows, Map<String, Accumulator> accumulators, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("calibration batch size must be at least 1, was " + batchSize);
        }
        if (graph.inputs().size() != 1) {
            throw new IllegalArgumentException("calibration needs a model with one input, '" + graph.name() + "' has "
                    + graph.inputs().size());
        }
        if (rows.rank() < 1 || rows.size(0) == 0) {
            throw new IllegalArgumentException("calibration needs at least one row");
        }
        String input = graph.inputs().get(0).name();
        ModelGraph tapped = withTaps(graph, accumulators.keySet(), input);
        int passes = accumulators.values().stream().mapToInt(Accumulator::passes).max().orElse(0);
        if (passes == 0) {
            return;
        }
        Path file = exportTemporary(tapped);
        try (OrtRunner ort = new OrtRunner(file)) {
            long n = rows.size(0);
            for (int p = 0; p < passes; p++) {
                for (long start = 0; start < n; start += batchSize) {
                    INDArray batch = rows(rows, start, Math.min(n, start + batchSize));
                    Map<String, INDArray> values = ort.runAll(Map.of(input, batch));
                    for (var e : accumulators.entrySet()) {
                        if (p < e.getValue().passes()) {
                            e.getValue().observe(p, e.getKey().equals(input) ? batch : values.get(e.getKey()));
                        }
                    }
                }
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /**
     * {@code graph} with the tapped node outputs added to its outputs (the graph input is fed directly, not tapped).
     */
    static ModelGraph withTaps(ModelGraph graph, java.util.Set<String> tensors, String input) {
        Map<String, long[]> shapes = ShapeInference.infer(graph);
        List<ValueInfo> outs = new ArrayList<>();
        for (String t : tensors) {
            if (t.equals(input)) {
                continue;
            }
            if (graph.initializers().containsKey(t) || graph.producer(t).isEmpty()) {
                throw new IllegalArgumentException("cannot calibrate '" + t + "': not a tensor that a node of '"
                        + graph.name() + "' computes" + (graph.initializers().containsKey(t) ? " (it is a weight)" : ""));
            }
            long[] shape = shapes.get(t);
            if (shape == null) {
                throw new IllegalArgumentException("cannot calibrate '" + t + "': its shape is unknown");
            }
            outs.add(new ValueInfo(t, ValueInfo.ElementType.FLOAT, shape));
        }
        ModelGraph.Builder b = graph.toBuilder();
        java.util.Set<String> existing = new java.util.HashSet<>();
        graph.outputs().forEach(o -> existing.add(o.name()));
        outs.stream().filter(o -> !existing.contains(o.name())).forEach(b::output);
        return b.build();
    }

    private static INDArray rows(INDArray rows, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rows.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return rows.get(idx);
    }

    private static Path exportTemporary(ModelGraph g) {
        try {
            Path file = Files.createTempFile("condense-calibration-", ".onnx");
            Files.write(file, new OnnxExporter().toBytes(g));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the calibration model to a temporary file", e);
        }
    }
}
