package dev.condense.plugin.decomp.separable;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code separable}: a Conv kernel {@code W [out, in, kH, kW]} (group 1, not 1x1) becomes a kH x 1 conv from
 * in to K channels and a 1 x kW conv from K to out channels ({@link SeparableKernels}; Jaderberg et al., BMVC 2014,
 * scheme 2). MACs go from {@code out in kH kW oH oW} to {@code K in kH oH W + out K kW oH oW}.
 *
 * <p>Result: layout {@link Factorization#CONV_SEPARABLE}, factors {@code V [K, in, kH, 1]} then
 * {@code H [out, K, 1, kW]}, float32.
 */
@Extension
public final class SeparableDecomposition implements Decomposition<SeparableParams> {

    @Override
    public String id() {
        return "separable";
    }

    @Override
    public Class<SeparableParams> paramsType() {
        return SeparableParams.class;
    }

    @Override
    public String summary() {
        return "separable kernels: a kh x kw conv becomes kh x 1 (in to K) then 1 x kw (K to out), by SVD";
    }

    @Override
    public String citation() {
        return "Jaderberg, Vedaldi and Zisserman, Speeding up Convolutional Neural Networks with Low Rank Expansions,"
                + " BMVC 2014 (scheme 2; closed form: Tai et al., ICLR 2016)";
    }

    @Override
    public String layout() {
        return Factorization.CONV_SEPARABLE;
    }

    /** K {@code [K]}. */
    @Override
    public SeparableParams withRanks(SeparableParams params, long[] ranks) {
        if (ranks.length != 1) {
            throw new IllegalArgumentException("separable takes one rank [K], got " + Arrays.toString(ranks));
        }
        return SeparableParams.ofRank(Math.toIntExact(ranks[0]));
    }

    /**
     * @param weight {@code [out, in, kH, kW]}, read-only
     * @throws IllegalArgumentException when the weight is not a 4-d kernel, is 1x1 (nothing to separate), or K
     *                                  exceeds {@code min(in kH, out kW)}
     */
    @Override
    public Factorization decompose(INDArray weight, SeparableParams params) {
        if (weight.rank() != 4 || weight.length() == 0) {
            throw new IllegalArgumentException("separable factorizes a Conv kernel [out, in, kh, kw], got shape "
                    + Arrays.toString(weight.shape()));
        }
        long[] s = weight.shape();
        if (s[2] == 1 && s[3] == 1) {
            throw new IllegalArgumentException("a 1x1 kernel " + Arrays.toString(s)
                    + " has no spatial extent to separate into kh x 1 and 1 x kw; exclude it");
        }
        int full = (int) Math.min(s[1] * s[2], s[0] * s[3]);
        if (params.rank() != null && params.rank() > full) {
            throw new IllegalArgumentException("rank " + params.rank() + " exceeds the full rank min(in kh, out kw) = "
                    + full + " of a kernel " + Arrays.toString(s));
        }
        INDArray[] svd = SeparableKernels.svd(SeparableKernels.reshaped(weight.castTo(DataType.FLOAT)));
        int k = params.rank() != null ? params.rank() : rankForEnergy(svd[1], params.energy());
        return new Factorization(List.of(SeparableKernels.factors(svd, s, k)), Factorization.CONV_SEPARABLE);
    }

    /** The smallest K whose leading singular values hold {@code energy} of {@code sum(s^2)}; 1 for all zeros. */
    static int rankForEnergy(INDArray s, double energy) {
        INDArray cumulative = s.castTo(DataType.DOUBLE).mul(s.castTo(DataType.DOUBLE)).cumsum(0);
        double total = cumulative.getDouble(cumulative.length() - 1);
        if (total == 0.0) {
            return 1;
        }
        long below = cumulative.lt(energy * total).castTo(DataType.INT64).sumNumber().longValue();
        return (int) Math.min(below + 1, s.length());
    }

    /** The kernel {@code [out, in, kH, kW]} of a {@link Factorization#CONV_SEPARABLE} factorization. */
    @Override
    public INDArray reconstruct(Factorization factorization) {
        if (!factorization.layout().equals(Factorization.CONV_SEPARABLE) || factorization.factors().size() != 2) {
            throw new IllegalArgumentException("separable reconstructs layout " + Factorization.CONV_SEPARABLE
                    + " with two factors, got " + factorization.layout() + " with "
                    + factorization.factors().size());
        }
        return SeparableKernels.reconstruct(factorization.factors().get(0), factorization.factors().get(1));
    }
}
