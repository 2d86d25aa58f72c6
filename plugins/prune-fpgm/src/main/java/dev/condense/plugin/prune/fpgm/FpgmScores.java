package dev.condense.plugin.prune.fpgm;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Filter Pruning via Geometric Median, the plain function behind {@link FpgmScorer} (He, Liu, Wang, Hu, Yang.
 * CVPR 2019).
 *
 * <p>Each output unit {@code u} (a filter {@code w[u, :, :, :]} of a Conv or a row {@code w[u, :]} of a Gemm) is
 * flattened to a vector {@code a_u} of length {@code d}. Its score is its total distance to all other units,
 * {@code s_u = sum_v ||a_u - a_v||}. The unit minimising {@code s_u} is the one nearest the units' geometric median:
 * the rest of the layer can best stand in for it, so low score = prune first (FPGM's criterion), high = keep.
 *
 * <p>All pairwise squared distances come from one Gram matrix {@code G = A A^T} (one gemm):
 * {@code ||a_u - a_v||^2 = G_uu + G_vv - 2 G_uv}, clamped at 0 against rounding before the square root. The cosine
 * variant uses {@code 1 - G_uv / (||a_u|| ||a_v||)} (a zero unit counts as orthogonal to all). Computed in float64,
 * returned as float32 of shape {@code [size(0)]}; never mutates the weight.
 */
public final class FpgmScores {
    private FpgmScores() {
    }

    /**
     * @param w      weight with the unit on axis 0: Conv {@code [outC, inC, kH, kW]} or Gemm {@code [out, in]}
     * @param cosine cosine instead of Euclidean distance
     * @return total distance of each unit to all others, {@code [size(0)]}
     */
    public static INDArray score(INDArray w, boolean cosine) {
        if (w.rank() < 2) {
            throw new IllegalArgumentException("FPGM needs a weight of rank >= 2 (units on axis 0), got shape "
                    + Arrays.toString(w.shape()));
        }
        long n = w.size(0);
        INDArray a = w.castTo(DataType.DOUBLE).reshape('c', n, w.length() / n);
        INDArray gram = a.mmul(a.transpose());
        INDArray sq = gram.mul(Nd4j.eye(n).castTo(DataType.DOUBLE)).sum(1);
        INDArray dist;
        if (cosine) {
            INDArray norms = Transforms.sqrt(sq, true);
            INDArray denom = norms.reshape(n, 1).mmul(norms.reshape(1, n));
            INDArray safe = Transforms.max(denom, 1e-300, true);
            INDArray cos = gram.div(safe).mul(denom.gt(0).castTo(DataType.DOUBLE));
            dist = cos.rsub(1.0);
        } else {
            INDArray d2 = gram.mul(-2.0).addiColumnVector(sq.reshape(n, 1)).addiRowVector(sq.reshape(1, n));
            dist = Transforms.sqrt(Transforms.max(d2, 0.0, false), false);
        }
        dist.subi(dist.mul(Nd4j.eye(n).castTo(DataType.DOUBLE)));
        return dist.sum(1).castTo(DataType.FLOAT);
    }
}
