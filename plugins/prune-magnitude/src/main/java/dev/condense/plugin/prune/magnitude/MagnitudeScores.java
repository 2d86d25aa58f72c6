package dev.condense.plugin.prune.magnitude;

import dev.condense.api.prune.Granularity;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Magnitude importance, the plain function behind {@link MagnitudeScorer}.
 *
 * <ul>
 *   <li>ELEMENT: {@code |w|} (L1) or {@code w^2} (L2) per weight, the weight's shape (Han et al. 2015).</li>
 *   <li>NEURON / FILTER: the L1 or L2 norm of each output unit's weights (all axes but 0), shape {@code [size(0)]}
 *       (Li et al. 2017 use L1 per filter).</li>
 *   <li>CHANNEL: the norm of each input channel's weights (all axes but 1), shape {@code [size(1)]}.</li>
 * </ul>
 * Never mutates {@code w}; results are float32.
 */
public final class MagnitudeScores {
    private MagnitudeScores() {
    }

    /**
     * @param w    weight in ONNX layout, rank &gt;= 2 for unit granularities
     * @param g    granularity
     * @param norm {@code l1} or {@code l2}
     */
    public static INDArray score(INDArray w, Granularity g, String norm) {
        boolean l1 = "l1".equals(norm);
        INDArray x = w.castTo(DataType.FLOAT);
        return switch (g) {
            case ELEMENT -> l1 ? Transforms.abs(x, true) : x.mul(x);
            case NEURON, FILTER -> reduceAllBut(x, 0, l1);
            case CHANNEL -> reduceAllBut(x, 1, l1);
        };
    }

    private static INDArray reduceAllBut(INDArray x, int keep, boolean l1) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("unit granularities need a weight of rank >= 2, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        int[] axes = IntStream.range(0, x.rank()).filter(a -> a != keep).toArray();
        return l1 ? x.norm1(axes) : x.norm2(axes);
    }
}
