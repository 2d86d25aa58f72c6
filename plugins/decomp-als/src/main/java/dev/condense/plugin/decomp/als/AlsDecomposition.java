package dev.condense.plugin.decomp.als;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code als}: a fully connected (or embedding) weight {@code W [out, in]} becomes two factors of rank r by
 * regularized alternating least squares ({@link RidgeAls}). Unlike truncated SVD, the ridge term shrinks the factors
 * (and so the small directions of W) and balances their scales; with {@code lambda} near 0 it converges to the
 * truncated SVD's product.
 *
 * <p>Orientation and result as {@code svd}: the weight as a Gemm with {@code transB = 1}, {@code [out, in]}; layout
 * {@link Factorization#GEMM_UV}, factors {@code V [r, in]} then {@code U [out, r]}, float32, {@code W ~ U V}.
 */
@Extension
public final class AlsDecomposition implements Decomposition<AlsParams> {

    @Override
    public String id() {
        return "als";
    }

    @Override
    public Class<AlsParams> paramsType() {
        return AlsParams.class;
    }

    @Override
    public String summary() {
        return "regularized low-rank factorization: a Gemm/MatMul weight [out, in] ~ U V of rank r minimizing"
                + " ||W - U V||^2 + lambda (||U||^2 + ||V||^2) by alternating closed-form ridge solves";
    }

    @Override
    public String citation() {
        return "Hastie, Mazumder, Lee and Zadeh, Matrix Completion and Low-Rank SVD via Fast Alternating Least"
                + " Squares, JMLR 16, 2015";
    }

    /**
     * @param weight {@code [out, in]}, read-only
     * @throws IllegalArgumentException when the weight is not a matrix, or the rank exceeds {@code min(out, in)}
     */
    @Override
    public Factorization decompose(INDArray weight, AlsParams params) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("als factorizes a Gemm/MatMul weight [out, in], got shape "
                    + Arrays.toString(weight.shape()));
        }
        RidgeAls.Result r = RidgeAls.factorize(weight, params.rank(), params.lambda(), params.iterations(),
                params.seed());
        return new Factorization(List.of(r.v(), r.u()), Factorization.GEMM_UV);
    }

    /**
     * Rank {@code [r]} from the {@code factorize} stage's MAC budget ({@code target-macs}); lambda, iterations and seed
     * as given (the recipe's rank, required by {@link AlsParams}, is replaced).
     */
    @Override
    public AlsParams withRanks(AlsParams params, long[] ranks) {
        if (ranks.length != 1) {
            throw new IllegalArgumentException("als takes one rank [r], got " + Arrays.toString(ranks));
        }
        return new AlsParams(Math.toIntExact(ranks[0]), params.lambda(), params.iterations(), params.seed());
    }

    /** {@code U V}: {@code [out, r] x [r, in] -> [out, in]}. */
    @Override
    public INDArray reconstruct(Factorization factorization) {
        if (!factorization.layout().equals(Factorization.GEMM_UV) || factorization.factors().size() != 2) {
            throw new IllegalArgumentException("als reconstructs layout " + Factorization.GEMM_UV
                    + " with two factors, got " + factorization.layout() + " with "
                    + factorization.factors().size());
        }
        return factorization.factors().get(1).mmul(factorization.factors().get(0));
    }
}
