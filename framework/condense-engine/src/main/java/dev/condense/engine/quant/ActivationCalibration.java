package dev.condense.engine.quant;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The calibration runner of static quantization: runs the float model in ONNX Runtime over calibration rows, batch
 * by batch, and streams each requested activation tensor's values into its own {@link Calibrator.Accumulator}
 * (every pass the accumulators ask for, over the same rows in the same order), then asks each for its clip range.
 * The model is exported without activation quantization (the float model) with the requested tensors added as graph
 * outputs, into a scratch file in {@code workDir} that is deleted afterwards. Memory: one batch of every requested
 * tensor at a time, never all rows.
 */
public final class ActivationCalibration {
    /** Rows per ONNX Runtime call. */
    static final int BATCH = 128;

    private ActivationCalibration() {
    }

    /**
     * @param graph       the float graph (activation quantization, if any, is ignored)
     * @param rows        the calibration rows: the first {@code count} rows of this split ({@code [N, ...]} features)
     * @param count       how many rows, 1 to {@code rows.size()}
     * @param tensors     graph inputs or node outputs (float)
     * @param accumulator a fresh accumulator per tensor
     * @param bits        the bits the ranges are for (2 to 8)
     * @param symmetric   whether the ranges are for symmetric quantization
     * @param workDir     where the scratch model goes
     * @return the clip range of each tensor, in {@code tensors}' order
     */
    public static Map<String, ClipRange> ranges(ModelGraph graph, DataSplit rows, int count, List<String> tensors,
                                                Supplier<Calibrator.Accumulator> accumulator, int bits,
                                                boolean symmetric, Path workDir) {
        if (count < 1 || count > rows.size()) {
            throw new IllegalArgumentException("calibration rows must be in [1, " + rows.size() + "], was " + count);
        }
        Map<String, Calibrator.Accumulator> acc = new LinkedHashMap<>();
        int passes = 1;
        for (String t : tensors) {
            Calibrator.Accumulator a = accumulator.get();
            if (a.passes() < 1 || a.passes() > 2) {
                throw new IllegalStateException("a calibrator accumulator needs 1 or 2 passes, not " + a.passes());
            }
            passes = Math.max(passes, a.passes());
            acc.put(t, a);
        }
        Path model = workDir.resolve("calibration-" + System.nanoTime() + ".onnx");
        try {
            Files.createDirectories(workDir);
            Files.write(model, withOutputs(graph, tensors).toByteArray());
            String input = graph.inputs().get(0).name();
            try (OrtRunner ort = new OrtRunner(model)) {
                for (int pass = 0; pass < passes; pass++) {
                    for (int start = 0; start < count; start += BATCH) {
                        int end = Math.min(count, start + BATCH);
                        INDArray x = rows.features().get(NDArrayIndex.interval(start, end));
                        Map<String, INDArray> out = ort.runAll(Map.of(input, x));
                        for (var e : acc.entrySet()) {
                            if (pass < e.getValue().passes()) {
                                INDArray v = e.getKey().equals(input) ? x : out.get(e.getKey());
                                e.getValue().observe(pass, v);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("calibration: cannot write " + model, e);
        } finally {
            try {
                Files.deleteIfExists(model);
            } catch (IOException ignored) {
                // scratch file in the run's work directory, removed with it
            }
        }
        Map<String, ClipRange> out = new LinkedHashMap<>();
        acc.forEach((t, a) -> out.put(t, a.range(bits, symmetric)));
        return out;
    }

    /** The float model with every tensor of {@code tensors} that is not a graph input or output added as an output. */
    static ModelProto withOutputs(ModelGraph graph, List<String> tensors) {
        ModelGraph.Builder b = graph.toBuilder();
        graph.activationQuantization().keySet().forEach(b::removeActivationQuantization);
        ModelProto m = new OnnxExporter().toProto(b.build());
        GraphProto.Builder g = m.getGraph().toBuilder();
        Set<String> present = new HashSet<>();
        g.getInputList().forEach(v -> present.add(v.getName()));
        g.getOutputList().forEach(v -> present.add(v.getName()));
        for (String t : tensors) {
            if (present.add(t)) {
                g.addOutput(ValueInfoProto.newBuilder().setName(t).setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
            }
        }
        return m.toBuilder().setGraph(g).build();
    }
}
