package dev.condense.plugin.prune.thinet;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ThiNet step 2 (Luo et al. ICCV 2017, eq. 6): after channels are removed, refit the kept ones by least squares so
 * the layer's outputs are reconstructed as well as possible: {@code w_hat = argmin ||y - X_kept w||^2}.
 *
 * <p>Solved by the normal equations {@code (X^T X) W^T = X^T Y} (one gemm, one LU solve) in float64 with a
 * ridge of {@code 1e-10 * mean diag(X^T X)}, so a kept column that is identically zero gets weight 0 instead of
 * a singular system; on noiseless, well-conditioned data the planted weights come back to float32 precision. Results are float32; inputs are never mutated.
 */
public final class ThinetRescale {
    private ThinetRescale() {
    }

    /**
     * General least squares: {@code W = argmin ||Y - X W^T||_F^2}.
     *
     * @param x inputs of the kept channels {@code [M, k]}, {@code M >= k}
     * @param y targets {@code [M, p]} (a vector {@code [M]} counts as {@code p = 1})
     * @return {@code W [p, k]}
     */
    public static INDArray leastSquares(INDArray x, INDArray y) {
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray yd = y.castTo(DataType.DOUBLE).reshape('c', y.size(0), y.length() / y.size(0));
        if (xd.rank() != 2 || xd.size(0) != yd.size(0)) {
            throw new IllegalArgumentException("x must be [M, k] and y [M, p] with the same M, got "
                    + java.util.Arrays.toString(x.shape()) + " and " + java.util.Arrays.toString(y.shape()));
        }
        INDArray gram = xd.transpose().mmul(xd);
        long k = gram.size(0);
        double ridge = 1e-10 * Math.max(gram.mul(Nd4j.eye(k).castTo(DataType.DOUBLE))
                .sumNumber().doubleValue() / k, 1e-300);
        gram.addi(Nd4j.eye(k).castTo(DataType.DOUBLE).muli(ridge));
        INDArray wt = Nd4j.linalg().solve(gram, xd.transpose().mmul(yd));
        return wt.transpose().castTo(DataType.FLOAT);
    }

    /**
     * Refit of a Gemm whose input features outside {@code keep} are removed: the new weight reproduces the old
     * pre-bias outputs {@code x w^T} from the kept features alone (the bias is unchanged).
     *
     * @param x    layer input on sampled rows {@code [N, in]}
     * @param w    weight before removal {@code [out, in]}
     * @param keep kept input features, ascending, length {@code k <= N}
     * @return the weight to install, {@code [out, k]}
     */
    public static INDArray gemm(INDArray x, INDArray w, int[] keep) {
        INDArray xd = x.castTo(DataType.DOUBLE).reshape('c', x.size(0), w.size(1));
        INDArray y = xd.mmul(w.castTo(DataType.DOUBLE).transpose());
        return leastSquares(xd.getColumns(keep), y);
    }

    /**
     * The paper's per-channel scaling (eq. 6): factors {@code s [k]} with {@code sum_j s_j C[:, keep_j]} closest to
     * the full outputs {@code sum_c C[:, c]}; the kernel multiplies {@code w[:, keep_j, ...]} by {@code s_j}.
     *
     * @param contributions {@code [M, n]} from {@link ThinetContributions}
     * @param keep          kept channels
     */
    public static INDArray channelScales(INDArray contributions, int[] keep) {
        INDArray c = contributions.castTo(DataType.DOUBLE);
        return leastSquares(c.getColumns(keep), c.sum(1)).reshape(keep.length);
    }
}
