package dev.condense.plugin.decomp.cp;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code cp}: a Conv kernel {@code W [out, in, kH, kW]} (group 1) becomes four convolutions from a rank-R CP
 * decomposition ({@link CpAls}; Lebedev et al., ICLR 2015): a 1x1 conv from in to R channels, a kH x 1 and a 1 x kW
 * depthwise conv on the R channels, and a 1x1 conv from R to out channels. Per output pixel the MACs go from
 * {@code out in kH kW} to about {@code R (in + kH + kW + out)}.
 *
 * <p>Result: layout {@link Factorization#CONV_CP}, factors {@code U_in [in, R]}, {@code K_y [kH, R]},
 * {@code K_x [kW, R]}, {@code U_out [out, R]} (the weights lambda folded into U_out), float32.
 */
@Extension
public final class CpDecomposition implements Decomposition<CpParams> {

    @Override
    public String id() {
        return "cp";
    }

    @Override
    public Class<CpParams> paramsType() {
        return CpParams.class;
    }

    @Override
    public String summary() {
        return "CP-ALS: a Conv kernel [out, in, kh, kw] becomes 1x1 (in to R), kh x 1 and 1 x kw depthwise, 1x1 (R to"
                + " out), from a seeded random start";
    }

    @Override
    public String citation() {
        return "Lebedev, Ganin, Rakhuba, Oseledets and Lempitsky, Speeding-up Convolutional Neural Networks Using"
                + " Fine-tuned CP-Decomposition, ICLR 2015";
    }

    @Override
    public String layout() {
        return Factorization.CONV_CP;
    }

    /** Rank {@code [R]}; sweeps and seed as given. */
    @Override
    public CpParams withRanks(CpParams params, long[] ranks) {
        if (ranks.length != 1) {
            throw new IllegalArgumentException("cp takes one rank [R], got " + Arrays.toString(ranks));
        }
        return new CpParams(Math.toIntExact(ranks[0]), params.sweeps(), params.seed());
    }

    /**
     * @param weight {@code [out, in, kH, kW]}, read-only
     * @throws IllegalArgumentException when the weight is not a 4-d kernel or R exceeds
     *                                  {@code min(in kH kW, out kH kW, out in)} (a bound on any such tensor's rank)
     */
    @Override
    public Factorization decompose(INDArray weight, CpParams params) {
        if (weight.rank() != 4 || weight.length() == 0) {
            throw new IllegalArgumentException("cp factorizes a Conv kernel [out, in, kh, kw], got shape "
                    + Arrays.toString(weight.shape()));
        }
        long[] s = weight.shape();
        long bound = Math.min(Math.min(s[1] * s[2] * s[3], s[0] * s[2] * s[3]), s[0] * s[1]);
        if (params.rank() > bound) {
            throw new IllegalArgumentException("rank " + params.rank() + " exceeds " + bound
                    + " = min(in kh kw, out kh kw, out in), which bounds the CP rank of a kernel "
                    + Arrays.toString(s));
        }
        CpAls.Result r = CpAls.decompose(weight, params.rank(), params.sweeps(), params.seed());
        INDArray[] f = r.factors();
        INDArray uOut = f[0].mulRowVector(r.lambda().reshape(1, params.rank())).dup('c');
        return new Factorization(List.of(f[1], f[2], f[3], uOut), Factorization.CONV_CP);
    }

    /** The kernel {@code [out, in, kH, kW]} of a {@link Factorization#CONV_CP} factorization. */
    @Override
    public INDArray reconstruct(Factorization factorization) {
        if (!factorization.layout().equals(Factorization.CONV_CP) || factorization.factors().size() != 4) {
            throw new IllegalArgumentException("cp reconstructs layout " + Factorization.CONV_CP
                    + " with four factors, got " + factorization.layout() + " with "
                    + factorization.factors().size());
        }
        List<INDArray> f = factorization.factors();
        INDArray ones = org.nd4j.linalg.factory.Nd4j.ones(f.get(3).dataType(), f.get(3).size(1));
        return CpAls.reconstruct(new INDArray[] {f.get(3), f.get(0), f.get(1), f.get(2)}, ones);
    }
}
