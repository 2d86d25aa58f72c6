package dev.condense.plugin.decomp.svd;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code svd}: a fully connected weight {@code W [out, in]} becomes two factors of rank r by truncated SVD
 * ({@link TruncatedSvd}; Denton et al., NIPS 2014, section 3.2), so one Gemm of {@code out * in} MACs per row becomes
 * two of {@code r * (in + out)}.
 *
 * <p>The weight is in the orientation of a Gemm with {@code transB = 1}, {@code [out, in]}; the caller transposes a
 * MatMul weight or a Gemm weight with {@code transB = 0} (both {@code [in, out]}) first. Result: layout
 * {@link Factorization#GEMM_UV}, factors {@code V [r, in]} then {@code U [out, r]}, float32, {@code W ~ U V}.
 */
@Extension
public final class SvdDecomposition implements Decomposition<SvdParams> {

    @Override
    public String id() {
        return "svd";
    }

    @Override
    public Class<SvdParams> paramsType() {
        return SvdParams.class;
    }

    @Override
    public String summary() {
        return "truncated SVD: a Gemm/MatMul weight [out, in] becomes two Gemms of rank r (given, or the smallest"
                + " keeping a share of the squared singular values)";
    }

    @Override
    public String citation() {
        return "Denton, Zaremba, Bruna, LeCun and Fergus, Exploiting Linear Structure Within Convolutional Networks"
                + " for Efficient Evaluation, NIPS 2014";
    }

    /**
     * @param weight {@code [out, in]}, read-only
     * @throws IllegalArgumentException when the weight is not a matrix, or the rank exceeds {@code min(out, in)}
     */
    @Override
    public Factorization decompose(INDArray weight, SvdParams params) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("svd factorizes a Gemm/MatMul weight [out, in], got shape "
                    + Arrays.toString(weight.shape()));
        }
        long full = Math.min(weight.size(0), weight.size(1));
        if (params.rank() != null && params.rank() > full) {
            throw new IllegalArgumentException("rank " + params.rank() + " exceeds the full rank min(out, in) = "
                    + full + " of a weight " + Arrays.toString(weight.shape()));
        }
        TruncatedSvd.Svd svd = TruncatedSvd.thin(weight);
        int r = params.rank() != null ? params.rank() : TruncatedSvd.rankForEnergy(svd.s(), params.energy());
        return new Factorization(List.of(TruncatedSvd.factors(svd, r)), Factorization.GEMM_UV);
    }

    /** Rank {@code [r]}. */
    @Override
    public SvdParams withRanks(SvdParams params, long[] ranks) {
        if (ranks.length != 1) {
            throw new IllegalArgumentException("svd takes one rank [r], got " + Arrays.toString(ranks));
        }
        return SvdParams.ofRank(Math.toIntExact(ranks[0]));
    }

    /** {@code U V}: {@code [out, r] x [r, in] -> [out, in]}. */
    @Override
    public INDArray reconstruct(Factorization factorization) {
        if (!factorization.layout().equals(Factorization.GEMM_UV) || factorization.factors().size() != 2) {
            throw new IllegalArgumentException("svd reconstructs layout " + Factorization.GEMM_UV
                    + " with two factors, got " + factorization.layout() + " with "
                    + factorization.factors().size());
        }
        return factorization.factors().get(1).mmul(factorization.factors().get(0));
    }
}
