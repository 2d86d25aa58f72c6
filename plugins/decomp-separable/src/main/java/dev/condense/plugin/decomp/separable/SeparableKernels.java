package dev.condense.plugin.decomp.separable;

import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Vertical-then-horizontal separable filters (Jaderberg, Vedaldi and Zisserman, "Speeding up Convolutional Neural
 * Networks with Low Rank Expansions", BMVC 2014, scheme 2): {@code W[o, i, y, x] ~ sum_k H[o, k, x] V[k, i, y]}, a
 * kH x 1 conv from in to K channels followed by a 1 x kW conv to out channels. Jaderberg et al. fit V and H by
 * optimization; the optimal pair in Frobenius norm has a closed form (Tai, Xiao, Zhang, Wang and E, "Convolutional
 * Neural Networks with Low-Rank Regularization", ICLR 2016, theorem 1): the rank-K truncated SVD of the kernel
 * reshaped to {@code M [in kH, out kW]} with {@code M[(i, y), (o, x)] = W[o, i, y, x]}.
 *
 * <p>One permute/reshape, LAPACK's {@code sgesdd} ({@code LAPACKE_sgesdd}, row-major) and ND4J reshapes.
 */
final class SeparableKernels {
    private SeparableKernels() {
    }

    /** {@code M [in kH, out kW]} with {@code M[(i, y), (o, x)] = W[o, i, y, x]}. */
    static INDArray reshaped(INDArray w) {
        long o = w.size(0);
        long i = w.size(1);
        long kh = w.size(2);
        long kw = w.size(3);
        return w.permute(1, 2, 0, 3).dup('c').reshape('c', i * kh, o * kw);
    }

    /**
     * The thin SVD of M.
     *
     * @return {@code [U [m, k], s [k], Vt [k, n]]}, float32
     */
    static INDArray[] svd(INDArray m) {
        int rows = (int) m.size(0);
        int cols = (int) m.size(1);
        int k = Math.min(rows, cols);
        float[] a = m.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] s = new float[k];
        float[] u = new float[rows * k];
        float[] vt = new float[k * cols];
        int info = openblas.LAPACKE_sgesdd(openblas.LAPACK_ROW_MAJOR, (byte) 'S', rows, cols, a, cols, s, u, k, vt,
                cols);
        if (info != 0) {
            throw new IllegalStateException("LAPACKE_sgesdd of a [" + rows + ", " + cols + "] matrix failed with info "
                    + info);
        }
        return new INDArray[] {Nd4j.create(u, new long[] {rows, k}, 'c'), Nd4j.createFromArray(s),
                Nd4j.create(vt, new long[] {k, cols}, 'c')};
    }

    /**
     * The separable factors of rank K from the SVD of {@link #reshaped}, the singular values split evenly.
     *
     * @return {@code [V [K, in, kH, 1], H [out, K, 1, kW]]}, float32
     */
    static INDArray[] factors(INDArray[] svd, long[] kernel, int k) {
        long o = kernel[0];
        long i = kernel[1];
        long kh = kernel[2];
        long kw = kernel[3];
        INDArray root = Transforms.sqrt(svd[1].get(NDArrayIndex.interval(0, k)), true).reshape(1, k);
        INDArray u = svd[0].get(NDArrayIndex.all(), NDArrayIndex.interval(0, k)).mulRowVector(root); // [i kh, K]
        INDArray vt = svd[2].get(NDArrayIndex.interval(0, k), NDArrayIndex.all())
                .mulColumnVector(root.reshape(k, 1)); // [K, o kw]
        INDArray v = u.transpose().dup('c').reshape('c', k, i, kh, 1);
        INDArray h = vt.dup('c').reshape('c', k, o, kw).permute(1, 0, 2).dup('c').reshape('c', o, k, 1, kw);
        return new INDArray[] {v, h};
    }

    /** {@code W[o, i, y, x] = sum_k H[o, k, 0, x] V[k, i, y, 0]}. */
    static INDArray reconstruct(INDArray v, INDArray h) {
        long k = v.size(0);
        long i = v.size(1);
        long kh = v.size(2);
        long o = h.size(0);
        long kw = h.size(3);
        INDArray u = v.reshape('c', k, i * kh).transpose(); // [i kh, K]
        INDArray vt = h.reshape('c', o, k, kw).permute(1, 0, 2).dup('c').reshape('c', k, o * kw);
        return u.mmul(vt).reshape('c', i, kh, o, kw).permute(2, 0, 1, 3).dup('c');
    }
}
