package dev.condense.plugin.decomp.tucker2;

import dev.condense.api.decomp.Decomposition;
import dev.condense.api.decomp.Factorization;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code tucker2}: a Conv kernel {@code W [out, in, kH, kW]} (group 1) becomes a 1x1 conv from in to r1
 * channels, a kH x kW core conv from r1 to r2 channels and a 1x1 conv from r2 to out channels, by a Tucker-2
 * decomposition of its two channel modes ({@link Tucker2}: HOSVD then HOOI; Kim et al., ICLR 2016). Per output pixel
 * the MACs go from {@code out in kH kW} to about {@code in r1 + r1 r2 kH kW + r2 out} (the first 1x1 runs at the
 * input's resolution).
 *
 * <p>Result: layout {@link Factorization#CONV_TUCKER2}, factors {@code U_in [in, r1]}, core {@code [r2, r1, kH, kW]},
 * {@code U_out [out, r2]}, float32.
 */
@Extension
public final class Tucker2Decomposition implements Decomposition<Tucker2Params> {
    /** HOOI stops when a sweep changes the core's norm by at most this share. */
    static final double TOLERANCE = 1e-7;

    @Override
    public String id() {
        return "tucker2";
    }

    @Override
    public Class<Tucker2Params> paramsType() {
        return Tucker2Params.class;
    }

    @Override
    public String summary() {
        return "Tucker-2: a Conv kernel [out, in, kh, kw] becomes 1x1 (in to r1), kh x kw core (r1 to r2), 1x1 (r2 to"
                + " out) by HOSVD then HOOI; ranks given, by energy kept, or by VBMF";
    }

    @Override
    public String citation() {
        return "Kim, Park, Yoo, Choi, Yang and Shin, Compression of Deep Convolutional Neural Networks for Fast and Low"
                + " Power Mobile Applications, ICLR 2016";
    }

    @Override
    public String layout() {
        return Factorization.CONV_TUCKER2;
    }

    /** Ranks {@code [r1, r2]}; the sweeps as given. */
    @Override
    public Tucker2Params withRanks(Tucker2Params params, long[] ranks) {
        if (ranks.length != 2) {
            throw new IllegalArgumentException("tucker2 takes two ranks [r1, r2], got " + Arrays.toString(ranks));
        }
        return new Tucker2Params(Math.toIntExact(ranks[0]), Math.toIntExact(ranks[1]), null, null, params.sweeps());
    }

    /**
     * @param weight {@code [out, in, kH, kW]}, read-only
     * @throws IllegalArgumentException when the weight is not a 4-d kernel or a rank exceeds its mode's full rank
     */
    @Override
    public Factorization decompose(INDArray weight, Tucker2Params params) {
        if (weight.rank() != 4 || weight.length() == 0) {
            throw new IllegalArgumentException("tucker2 factorizes a Conv kernel [out, in, kh, kw], got shape "
                    + Arrays.toString(weight.shape()));
        }
        INDArray w = weight.castTo(DataType.FLOAT).dup('c');
        long out = w.size(0);
        long in = w.size(1);
        long kk = w.size(2) * w.size(3);
        int fullIn = (int) Math.min(in, out * kk);
        int fullOut = (int) Math.min(out, in * kk);
        int r1;
        int r2;
        if (params.rankIn() != null) {
            r1 = params.rankIn();
            r2 = params.rankOut();
            if (r1 > fullIn || r2 > fullOut) {
                throw new IllegalArgumentException("rank-in " + r1 + " / rank-out " + r2 + " exceed the full ranks "
                        + fullIn + " / " + fullOut + " (min(in, out kh kw) / min(out, in kh kw)) of a kernel "
                        + Arrays.toString(weight.shape()));
            }
        } else { // energy or VBMF (the default)
            INDArray sIn = LeadingSubspace.of(Tucker2.unfoldIn(w), 1).values();
            INDArray sOut = LeadingSubspace.of(Tucker2.unfoldOut(w), 1).values();
            r1 = params.energy() != null ? rankForEnergy(sIn, params.energy(), fullIn)
                    : Math.max(1, Vbmf.rank(head(sIn, fullIn), in, out * kk));
            r2 = params.energy() != null ? rankForEnergy(sOut, params.energy(), fullOut)
                    : Math.max(1, Vbmf.rank(head(sOut, fullOut), out, in * kk));
        }
        Tucker2.Result t = Tucker2.decompose(w, r1, r2, params.sweeps(), TOLERANCE);
        return new Factorization(List.of(t.uIn(), t.core(), t.uOut()), Factorization.CONV_TUCKER2);
    }

    /** The first {@code n} singular values (an unfolding with fewer columns than rows has rows - n zero values). */
    private static double[] head(INDArray s, int n) {
        return Arrays.copyOf(s.toDoubleVector(), n);
    }

    /** The smallest rank in [1, full] whose leading values hold {@code energy} of {@code sum(s^2)}. */
    static int rankForEnergy(INDArray s, double energy, int full) {
        INDArray cumulative = s.mul(s).cumsum(0);
        double total = cumulative.getDouble(cumulative.length() - 1);
        if (total == 0.0) {
            return 1;
        }
        long count = cumulative.lt(energy * total).castTo(DataType.INT64).sumNumber().longValue();
        return (int) Math.max(1, Math.min(count + 1, full));
    }

    /** The kernel {@code [out, in, kH, kW]} of a {@link Factorization#CONV_TUCKER2} factorization. */
    @Override
    public INDArray reconstruct(Factorization factorization) {
        if (!factorization.layout().equals(Factorization.CONV_TUCKER2) || factorization.factors().size() != 3) {
            throw new IllegalArgumentException("tucker2 reconstructs layout " + Factorization.CONV_TUCKER2
                    + " with three factors, got " + factorization.layout() + " with "
                    + factorization.factors().size());
        }
        List<INDArray> f = factorization.factors();
        return Tucker2.reconstruct(f.get(0), f.get(1), f.get(2));
    }
}
