package dev.condense.plugin.prune.thinet;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ThiNet's greedy channel selection (Luo et al. ICCV 2017, Algorithm 1), run to the end so it ranks every channel.
 *
 * <p>Given contributions {@code C [M, n]} ({@link ThinetContributions}), the squared reconstruction error of the
 * sampled outputs after removing a set {@code T} is {@code E(T) = sum_s (sum_{c in T} C[s, c])^2}. Starting from
 * the empty set, each step removes the channel {@code j} minimising {@code E(T + j)}. With the Gram matrix
 * {@code G = C^T C} (one gemm) and {@code r_j = sum_{a in T} G[a, j]}: {@code E(T + j) = E(T) + 2 r_j + G[j, j]},
 * so each step is O(n). Channels whose contributions cancel are removed together, unlike a norm criterion.
 */
public final class ThinetSelection {
    private ThinetSelection() {
    }

    /**
     * @param contributions {@code [M, n]}
     * @return the channels in removal order (first = least needed); ties go to the lowest index
     */
    public static int[] removalOrder(INDArray contributions) {
        INDArray c = contributions.castTo(DataType.DOUBLE);
        int n = (int) c.size(1);
        INDArray gram = c.transpose().mmul(c);
        INDArray diag = gram.mul(Nd4j.eye(n).castTo(DataType.DOUBLE)).sum(0);
        INDArray r = Nd4j.zeros(DataType.DOUBLE, n);
        INDArray removed = Nd4j.zeros(DataType.DOUBLE, n);
        int[] order = new int[n];
        for (int step = 0; step < n; step++) {
            INDArray added = r.mul(2.0).addi(diag);
            // a removed channel can never be chosen again: push its cost above every remaining one
            double ceiling = Math.abs(added.maxNumber().doubleValue()) + 1.0;
            INDArray cost = added.addi(removed.mul(ceiling * 2 + 1.0));
            int j = cost.neg().argMax().getInt(0);
            order[step] = j;
            removed.putScalar(j, 1.0);
            r.addi(gram.getColumn(j));
        }
        return order;
    }

    /** Scores from a removal order: the channel removed at step {@code k} scores {@code k} (float32 {@code [n]}). */
    public static INDArray ranks(int[] order) {
        float[] s = new float[order.length];
        for (int k = 0; k < order.length; k++) {
            s[order[k]] = k;
        }
        return Nd4j.create(s, new long[] {order.length});
    }
}
