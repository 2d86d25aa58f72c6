package dev.condense.plugin.distill.tinybert;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * TinyBERT's distillation objectives (Jiao, Yin, Shang, Jiang, Chen, Li, Wang, Liu. TinyBERT: Distilling BERT for
 * Natural Language Understanding. Findings of EMNLP 2020, section 3.1), the plain functions behind the loss ids:
 *
 * <pre>
 *   L_attn  = 1/h sum_i MSE(A_i^S, A_i^T)          (eq. 7; A: attention scores [N, h, L, L], before softmax)
 *   L_hidn  = MSE(H^S W_h, H^T)                     (eq. 8; H: token states [N, L, d'] and [N, L, d])
 *   L_embd  = MSE(E^S W_e, E^T)                     (eq. 9; the embedding layer's output, same form as L_hidn)
 *   L_pred  = CE(z^T / t, z^S / t) = -sum_c softmax(z^T/t)_c log softmax(z^S/t)_c   (eq. 10; t = 1 in the paper)
 * </pre>
 *
 * MSE is the mean over every element (batch, tokens, width; for attention also heads and both sequence axes, which
 * is eq. 7's 1/h average of per-head MSEs), summed over the layer map's pairs; the projections {@code W_h},
 * {@code W_e} are the layer map's learned ones (engine {@code FeatureProjection}, last axis of {@code [N, L, D]}).
 * Teacher tensors get no gradient: they are inputs.
 */
public final class TinyBertLosses {
    /** The paper, for each loss's {@code citation()}. */
    static final String CITATION = "Jiao, Yin, Shang, Jiang, Chen, Li, Wang, Liu. TinyBERT: Distilling BERT for"
            + " Natural Language Understanding. Findings of EMNLP 2020";

    private TinyBertLosses() {
    }

    /**
     * {@code sum_i mean((s_i - t_i)^2)} over the pairs.
     *
     * @param pairs k &gt;= 1 pairs {@code [student, teacher]} of equal shapes
     */
    public static SDVariable mse(SameDiff sd, List<SDVariable[]> pairs) {
        SDVariable total = null;
        for (SDVariable[] p : pairs) {
            SDVariable d = p[0].sub(p[1]);
            SDVariable term = sd.mean(d.mul(d));
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /**
     * {@code -mean_n sum_c softmax(t / T)_nc log softmax(s / T)_nc}: student logits {@code s} and teacher logits
     * {@code t}, both {@code [N, C]}, temperature {@code T > 0}. Built from plain ops (ND4J's loss ops ignore a
     * gradient flowing into them in M2.1's training session, so a weight on them would not train).
     */
    public static SDVariable softCrossEntropy(SameDiff sd, SDVariable s, SDVariable t, double temperature) {
        SDVariable p = sd.nn.softmax(t.div(temperature), 1);
        return sd.math.neg(sd.mean(sd.sum(p.mul(sd.nn.logSoftmax(s.div(temperature))), 1)));
    }
}
