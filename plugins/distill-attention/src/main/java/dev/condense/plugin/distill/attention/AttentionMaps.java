package dev.condense.plugin.distill.attention;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Activation-based attention transfer (Zagoruyko, Komodakis. Paying More Attention to Attention: Improving the
 * Performance of Convolutional Neural Networks via Attention Transfer, ICLR 2017), the plain function behind
 * {@link AttentionLoss}. The spatial attention map of an activation {@code A [N, C, H, W]} is
 * {@code Q = sum_c |A_c|^p} ({@code [N, H, W]}), normalized per row to unit L2 norm; the loss is
 *
 * <pre>
 *   L = sum_i mean_n || Q_S,in / ||Q_S,in|| - Q_T,in / ||Q_T,in|| ||_2^2
 * </pre>
 *
 * over the k pairs (the paper's squared form, as in the authors' code up to its mean over the H*W positions; the
 * paper's beta/2 is the term's weight). Channel counts may differ (sum over channels), so the layer map's projection
 * can be turned off ({@code project: false}). Each term lies in [0, 2] (the maps are non-negative).
 */
public final class AttentionMaps {
    /** Added to each norm so an all-zero map does not divide by zero. */
    static final double EPS = 1e-12;

    private AttentionMaps() {
    }

    /**
     * The normalized attention map of {@code a}.
     *
     * @param a activations {@code [N, C, H, W]}
     * @param p the exponent, &ge; 1 (the paper uses 2)
     * @return {@code [N, H, W]}, each row of unit L2 norm
     */
    public static SDVariable map(SameDiff sd, SDVariable a, double p) {
        SDVariable q = sd.sum(sd.math.pow(sd.math.abs(a), p), 1);
        return q.div(sd.norm2(q, true, 1, 2).add(EPS));
    }

    /**
     * @param pairs k pairs {@code [student, teacher]} of rank 4 with equal spatial sizes, k &ge; 1
     * @param p     the exponent of the maps
     * @return the scalar loss
     */
    public static SDVariable transfer(SameDiff sd, List<SDVariable[]> pairs, double p) {
        SDVariable total = null;
        for (SDVariable[] pair : pairs) {
            SDVariable d = map(sd, pair[0], p).sub(map(sd, pair[1], p));
            SDVariable term = sd.mean(sd.sum(d.mul(d), 1, 2));
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
