package dev.condense.examples.lamp;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LAMP scores (Lee, Park, Mo, Ahn, Shin. "Layer-adaptive Sparsity for the Magnitude-based Pruning". ICLR 2021).
 *
 * <p>For the weights of one layer sorted by magnitude, {@code |w_1| <= ... <= |w_n|}, the score of {@code w_u} is
 * {@code w_u^2 / sum_{v >= u} w_v^2}. Within a layer it ranks like magnitude; across layers the scores are comparable
 * (the largest weight of every layer scores 1), which makes a single global threshold choose per-layer sparsities.
 * Ties are ordered by position. The result has the weight's shape; the weight is not modified.
 */
public final class LampScores {
    private LampScores() {
    }

    public static INDArray score(INDArray weight) {
        long n = weight.length();
        INDArray sq = weight.castTo(DataType.DOUBLE).reshape(n).mul(weight.castTo(DataType.DOUBLE).reshape(n));
        INDArray[] sorted = Nd4j.sortWithIndices(sq.dup(), 0, true);   // [indices, values], ascending
        INDArray order = sorted[0];
        INDArray values = sorted[1];
        INDArray prefix = values.cumsum(0);
        double total = values.sumNumber().doubleValue();
        INDArray suffix = prefix.rsub(total).addi(values);             // sum over v >= u
        INDArray sortedScores = values.div(suffix.add(Double.MIN_NORMAL));
        INDArray inverse = Nd4j.sortWithIndices(order.castTo(DataType.DOUBLE).dup(), 0, true)[0];
        INDArray scores = Nd4j.pullRows(sortedScores.reshape(n, 1), 1, toInts(inverse)).reshape(n);
        return scores.castTo(DataType.FLOAT).reshape(weight.shape());
    }

    private static int[] toInts(INDArray indices) {
        return indices.castTo(DataType.INT32).toIntVector();
    }
}
