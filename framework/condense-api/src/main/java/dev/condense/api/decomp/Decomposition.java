package dev.condense.api.decomp;

import dev.condense.api.extension.Extension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Factorizes a weight tensor into smaller factors (truncated SVD, Tucker-2, CP, separable kernels).
 *
 * <p>Invariants: {@code reconstruct(decompose(w))} has w's shape; for a tensor whose exact rank is at most the
 * requested rank the reconstruction error is at float32 rounding level; never mutates w.
 *
 * @param <P> params record (rank or energy to keep, ...)
 */
public interface Decomposition<P extends Record> extends Extension<P> {

    /**
     * Factorizes one weight.
     *
     * @param weight a weight in ONNX layout (Gemm {@code [out, in]}, Conv {@code [outC, inC/g, kH, kW]}); read-only
     * @param params the bound params record (rank to keep, or the share of energy, i.e. of the sum of squared
     *               singular values)
     * @return the factors in the order {@link Factorization#layout()} documents, e.g. for {@code gemm-uv}
     *         {@code [r, in]} then {@code [out, r]} with {@code r <= min(out, in)}
     */
    Factorization decompose(INDArray weight, P params);

    /**
     * Multiplies the factors back into one tensor.
     *
     * @param factorization a result of {@link #decompose} by this decomposition
     * @return a new array with the original weight's shape
     */
    INDArray reconstruct(Factorization factorization);

    /**
     * The layout of every factorization this decomposition returns ({@link Factorization#layout()}), which tells the
     * {@code factorize} stage the layers it may select and how it rewrites them: {@link Factorization#GEMM_UV} (the
     * default) takes Gemm/MatMul weights {@code [out, in]}; {@link Factorization#CONV_TUCKER2},
     * {@link Factorization#CONV_CP} and {@link Factorization#CONV_SEPARABLE} take Conv kernels {@code [out, in, kH, kW]}
     * of group 1.
     */
    default String layout() {
        return Factorization.GEMM_UV;
    }

    /**
     * {@code params} with its rank rule replaced by these exact ranks, one per factorized mode in the layout's order
     * ({@code [r]} for {@link Factorization#GEMM_UV}, {@link Factorization#CONV_CP} and
     * {@link Factorization#CONV_SEPARABLE}, {@code [r1, r2]} for {@link Factorization#CONV_TUCKER2}); the
     * {@code factorize} stage's MAC budget ({@code target-macs}) chooses the ranks this way.
     *
     * @throws UnsupportedOperationException when this decomposition does not take ranks from a budget (the default)
     */
    default P withRanks(P params, long[] ranks) {
        throw new UnsupportedOperationException("decomposition '" + id() + "' takes no ranks from a MAC budget");
    }
}
