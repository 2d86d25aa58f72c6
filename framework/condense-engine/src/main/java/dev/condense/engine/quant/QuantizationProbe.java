package dev.condense.engine.quant;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import dev.condense.engine.runtime.OrtRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Measures (partly) quantized variants of one float model on fixed labelled rows in ONNX Runtime: each variant is
 * exported to a temporary ONNX file (deleted afterwards) and run in batches; top-1 accuracy against the labels and
 * the SQNR of its logits (first output, {@code [N, classes]}) against the float model's logits, which are computed
 * once. {@link #tensorSqnr} compares one intermediate tensor (made a graph output in both models).
 *
 * <p>Memory: the float logits ({@code N x classes}) plus one batch; rows are read in order, so results do not depend
 * on anything but the graphs and the rows.
 */
public final class QuantizationProbe {
    /** Rows per ONNX Runtime call. */
    public static final int BATCH = 256;

    private final ModelGraph reference;
    private final DataSplit rows;
    private final INDArray referenceLogits;
    private final double referenceAccuracy;
    private int runs;

    /**
     * @param reference the float model (one float input {@code [N, ...]}, logits as first output)
     * @param rows      labelled rows, at least one
     */
    public QuantizationProbe(ModelGraph reference, DataSplit rows) {
        if (rows.size() == 0) {
            throw new IllegalArgumentException("the probe needs at least one row");
        }
        this.reference = reference;
        this.rows = rows;
        this.referenceLogits = logits(reference);
        this.referenceAccuracy = accuracy(referenceLogits);
    }

    /** Accuracy in [0, 1] and logit SQNR in dB of one model. */
    public record Score(double accuracy, double sqnr) {
    }

    /** The rows measured on. */
    public long rows() {
        return rows.size();
    }

    /** Accuracy in [0, 1] of the float model. */
    public double referenceAccuracy() {
        return referenceAccuracy;
    }

    /** How many models have been run in ONNX Runtime so far (the float reference included). */
    public int runs() {
        return runs;
    }

    /** {@code model}'s accuracy and the SQNR of its logits against the float model's. */
    public Score score(ModelGraph model) {
        INDArray y = logits(model);
        return new Score(accuracy(y), Sqnr.of(referenceLogits, y));
    }

    /**
     * The SQNR in dB of {@code tensor} (a node output present in both graphs) in {@code model} against the float
     * model, over all rows. In a QDQ export the tapped value is the producer's float output, before the tensor's own
     * QuantizeLinear: the error of the layer's quantized weights and inputs.
     */
    public double tensorSqnr(ModelGraph model, String tensor) {
        String input = reference.inputs().get(0).name();
        Path f = export(ActivationCalibration.withTaps(reference, Set.of(tensor), input));
        Path q = export(ActivationCalibration.withTaps(model, Set.of(tensor), input));
        Sqnr s = new Sqnr();
        try (OrtRunner a = new OrtRunner(f); OrtRunner b = new OrtRunner(q)) {
            for (long start = 0; start < rows.size(); start += BATCH) {
                INDArray x = slice(rows.features(), start, Math.min(rows.size(), start + BATCH));
                s.add(a.runAll(Map.of(input, x)).get(tensor), b.runAll(Map.of(input, x)).get(tensor));
            }
        } finally {
            delete(f);
            delete(q);
        }
        runs += 2;
        return s.decibels();
    }

    private INDArray logits(ModelGraph model) {
        Path file = export(model);
        try (OrtRunner r = new OrtRunner(file)) {
            INDArray out = null;
            for (long start = 0; start < rows.size(); start += BATCH) {
                INDArray y = r.run(slice(rows.features(), start, Math.min(rows.size(), start + BATCH)));
                out = out == null ? y : Nd4j.concat(0, out, y);
            }
            runs++;
            return out;
        } finally {
            delete(file);
        }
    }

    private double accuracy(INDArray logits) {
        INDArray predicted = logits.argMax(1).castTo(DataType.FLOAT);
        INDArray labels = rows.labels().reshape(rows.size()).castTo(DataType.FLOAT);
        return predicted.eq(labels).castTo(DataType.INT64).sumNumber().doubleValue() / rows.size();
    }

    private static INDArray slice(INDArray a, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return a.get(idx);
    }

    private static Path export(ModelGraph g) {
        try {
            Path file = Files.createTempFile("condense-probe-", ".onnx");
            Files.write(file, new OnnxExporter().toBytes(g));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a probe model to a temporary file", e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            file.toFile().deleteOnExit();
        }
    }
}
