package dev.condense.engine.nlp;

import dev.condense.engine.runtime.OrtRunner;
import dev.condense.engine.tokenize.PairTokenizer.EncodedPairs;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The output of an exported (pooled) encoder for many encoded pairs, computed in ONNX Runtime batch by batch. */
public final class EncoderFeatures {

    private EncoderFeatures() {
    }

    /**
     * Output {@code output} of {@code model} for every row of {@code x}, concatenated along axis 0.
     *
     * @param threads ONNX Runtime intra-op threads
     */
    public static INDArray compute(Path model, String output, EncodedPairs x, int batch, int threads) {
        long n = x.inputIds().size(0);
        INDArray[] parts = new INDArray[(int) ((n + batch - 1) / batch)];
        try (OrtRunner ort = new OrtRunner(model, threads)) {
            for (int k = 0; k < parts.length; k++) {
                long from = (long) k * batch;
                parts[k] = ort.runAll(x.rows(from, Math.min(n, from + batch)).byName()).get(output);
            }
        }
        return parts.length == 1 ? parts[0] : Nd4j.concat(0, parts);
    }
}
