package dev.condense.plugin.prune.snip;

import dev.condense.api.prune.Granularity;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SNIP connection sensitivity, the plain function behind {@link SnipScorer} (Lee, Ajanthan, Torr. SNIP: Single-shot
 * Network Pruning based on Connection Sensitivity. ICLR 2019).
 *
 * <p>For a weight {@code w} with loss gradient {@code g} (same shape), the sensitivity of connection {@code j} is
 * {@code s_j = |g_j * w_j| / sum_k |g_k * w_k|}: the first-order change of the loss when the connection is removed.
 * The paper sums {@code k} over the whole network; a scorer sees one layer at a time, so {@link #score} returns
 * {@code |g_j * w_j|} unnormalised, which ranks across layers exactly as the paper's network-wide division;
 * with {@code perLayer} it divides by the layer's own sum instead (every layer sums to 1; zero if all products are
 * zero), a layer-balanced variant that is not the paper's. NEURON/FILTER sum the elementwise sensitivities over
 * all axes but 0, CHANNEL over all axes but 1. Float32; never mutates its inputs.
 */
public final class SnipScores {
    private SnipScores() {
    }

    /**
     * @param w weight in ONNX layout
     * @param g gradient of the loss with respect to {@code w}, same shape
     * @param granularity unit being scored
     * @param perLayer divide by the layer's sum of {@code |g * w|} (the {@code layer} variant) instead of returning
     *                 the raw products (the paper's network-wide normalisation, up to a positive constant)
     * @return sensitivities: the weight's shape for ELEMENT, {@code [size(0)]} or {@code [size(1)]} for units
     */
    public static INDArray score(INDArray w, INDArray g, Granularity granularity, boolean perLayer) {
        if (!Arrays.equals(w.shape(), g.shape())) {
            throw new IllegalArgumentException("gradient shape " + Arrays.toString(g.shape())
                    + " differs from weight shape " + Arrays.toString(w.shape()));
        }
        INDArray s = Transforms.abs(w.castTo(DataType.DOUBLE).mul(g.castTo(DataType.DOUBLE)), false);
        double total = perLayer ? s.sumNumber().doubleValue() : 0;
        if (total > 0) {
            s.divi(total);
        }
        INDArray out = switch (granularity) {
            case ELEMENT -> s;
            case NEURON, FILTER -> sumAllBut(s, 0);
            case CHANNEL -> sumAllBut(s, 1);
        };
        return out.castTo(DataType.FLOAT);
    }

    private static INDArray sumAllBut(INDArray s, int keep) {
        if (s.rank() < 2) {
            throw new IllegalArgumentException("unit granularities need a weight of rank >= 2, got shape "
                    + Arrays.toString(s.shape()));
        }
        return s.sum(IntStream.range(0, s.rank()).filter(a -> a != keep).toArray());
    }
}
