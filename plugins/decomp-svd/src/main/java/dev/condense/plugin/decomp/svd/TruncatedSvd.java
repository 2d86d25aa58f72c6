package dev.condense.plugin.decomp.svd;

import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Truncated singular value decomposition of a matrix, the low-rank approximation of a fully connected layer of
 * Denton, Zaremba, Bruna, LeCun and Fergus, "Exploiting Linear Structure Within Convolutional Networks for Efficient
 * Evaluation", NIPS 2014 (section 3.2, matrix decomposition): {@code W ~ U_r S_r V_r^T}, optimal in Frobenius and
 * spectral norm among rank-r matrices (Eckart-Young).
 *
 * <p>The thin SVD is LAPACK's divide-and-conquer {@code sgesdd} ({@code LAPACKE_sgesdd}, row-major, {@code jobz = 'S'})
 * of the OpenBLAS build ND4J loads; truncation, the energy rule and the factor products are ND4J array operations.
 */
public final class TruncatedSvd {
    private TruncatedSvd() {
    }

    /**
     * A thin SVD {@code W = U diag(s) Vt}, with {@code k = min(m, n)}.
     *
     * @param u  float32 {@code [m, k]}, orthonormal columns
     * @param s  float32 {@code [k]}, descending, >= 0
     * @param vt float32 {@code [k, n]}, orthonormal rows
     */
    public record Svd(INDArray u, INDArray s, INDArray vt) {
    }

    /**
     * The thin SVD of a matrix; never mutates it.
     *
     * @param w a 2-d {@code [m, n]} array, any float type
     * @throws IllegalArgumentException when w is not a non-empty matrix
     * @throws IllegalStateException    when LAPACK reports an error or does not converge
     */
    public static Svd thin(INDArray w) {
        if (w.rank() != 2 || w.length() == 0) {
            throw new IllegalArgumentException("SVD needs a non-empty matrix [m, n], got shape "
                    + java.util.Arrays.toString(w.shape()));
        }
        int m = (int) w.size(0);
        int n = (int) w.size(1);
        int k = Math.min(m, n);
        float[] a = w.castTo(DataType.FLOAT).dup('c').data().asFloat(); // sgesdd overwrites its input: a copy
        float[] s = new float[k];
        float[] u = new float[m * k];
        float[] vt = new float[k * n];
        int info = openblas.LAPACKE_sgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', m, n, a, n, s, u, k, vt, n);
        if (info != 0) {
            throw new IllegalStateException("LAPACKE_sgesdd of a [" + m + ", " + n + "] matrix failed with info "
                    + info + (info > 0 ? " (did not converge)" : " (bad argument " + -info + ")"));
        }
        return new Svd(Nd4j.create(u, new long[] {m, k}, 'c'), Nd4j.createFromArray(s),
                Nd4j.create(vt, new long[] {k, n}, 'c'));
    }

    /**
     * The smallest rank whose leading singular values hold at least {@code energy} of {@code sum(s^2)}, summed in
     * double precision; 1 for an all-zero s.
     *
     * @param s      singular values {@code [k]}, descending
     * @param energy in (0, 1]
     * @return r in {@code [1, k]}
     */
    public static int rankForEnergy(INDArray s, double energy) {
        INDArray cumulative = s.castTo(DataType.DOUBLE).mul(s.castTo(DataType.DOUBLE)).cumsum(0);
        double total = cumulative.getDouble(cumulative.length() - 1);
        if (total == 0.0) {
            return 1;
        }
        long below = cumulative.lt(energy * total).castTo(DataType.INT64).sumNumber().longValue();
        return (int) Math.min(below + 1, s.length());
    }

    /**
     * The rank-r factors of {@code W ~ U V}, the singular values split evenly between them:
     * {@code V = diag(sqrt(s_r)) Vt_r} and {@code U = U_r diag(sqrt(s_r))}.
     *
     * @param r in {@code [1, k]}
     * @return {@code [V [r, n], U [m, r]]}, float32, in that (data-flow) order
     */
    public static INDArray[] factors(Svd svd, int r) {
        long k = svd.s().length();
        if (r < 1 || r > k) {
            throw new IllegalArgumentException("rank must be in [1, " + k + "], was " + r);
        }
        INDArray root = Transforms.sqrt(svd.s().get(NDArrayIndex.interval(0, r)), true);
        INDArray v = svd.vt().get(NDArrayIndex.interval(0, r), NDArrayIndex.all()).mulColumnVector(root.reshape(r, 1));
        INDArray u = svd.u().get(NDArrayIndex.all(), NDArrayIndex.interval(0, r)).mulRowVector(root.reshape(1, r));
        return new INDArray[] {v.dup('c'), u.dup('c')};
    }
}
