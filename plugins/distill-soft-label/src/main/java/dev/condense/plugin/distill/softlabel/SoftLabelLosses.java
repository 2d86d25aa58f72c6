package dev.condense.plugin.distill.softlabel;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Knowledge distillation with soft targets (Hinton, Vinyals, Dean. Distilling the Knowledge in a Neural Network,
 * NIPS Deep Learning Workshop 2015), the plain function behind {@link SoftLabelLoss}:
 *
 * <pre>
 *   L = alpha * T^2 * CE(softmax(t / T), softmax(s / T)) + (1 - alpha) * CE(y, softmax(s))
 * </pre>
 *
 * with student logits {@code s} and teacher logits {@code t}, both {@code [N, C]}, one-hot labels {@code y}
 * {@code [N, C]}, and CE(p, q) = -sum_c p_c log q_c averaged over the N rows. The soft term differs from
 * KL(softmax(t/T) || softmax(s/T)) only by the teacher's entropy, a constant, so its gradient is the KL gradient.
 * The T^2 factor keeps the soft gradients' magnitude independent of T (their scale is 1/T^2), as the paper
 * prescribes. The teacher logits get no gradient: they are an input.
 */
public final class SoftLabelLosses {
    private SoftLabelLosses() {
    }

    /**
     * Adds the loss to {@code sd}.
     *
     * @param s           student logits {@code [N, C]}
     * @param y           one-hot labels {@code [N, C]}
     * @param t           teacher logits {@code [N, C]}
     * @param temperature T &gt; 0
     * @param alpha       weight of the soft term in [0, 1]
     * @return the scalar loss, mean over the rows
     */
    public static SDVariable hinton(SameDiff sd, SDVariable s, SDVariable y, SDVariable t, double temperature,
                                    double alpha) {
        SDVariable soft = sd.nn.softmax(t.div(temperature), 1);
        SDVariable softTerm = crossEntropy(sd, soft, s.div(temperature)).mul(alpha * temperature * temperature);
        if (alpha == 1.0) {
            return softTerm;
        }
        SDVariable hardTerm = crossEntropy(sd, y, s).mul(1.0 - alpha);
        return softTerm.add(hardTerm);
    }

    /**
     * Logit regression (Ba and Caruana, Do Deep Nets Really Need to be Deep?, NIPS 2014), adds to {@code sd}:
     *
     * <pre>
     *   L = alpha * mean_n (1 / 2C) ||s_n - t_n||^2 + (1 - alpha) * CE(y, softmax(s))
     * </pre>
     *
     * <p>The 1/C scale makes the regression gradient {@code alpha (s - t) / C} per row, the limit of
     * {@link #hinton}'s soft gradient {@code alpha T (softmax(s/T) - softmax(t/T))} as T grows for zero-mean logits
     * (Hinton et al. 2015, section 2.1), so alpha and the learning rate mean the same as at a high temperature; the
     * mean logit, which the softmax ignores, is regressed too.
     *
     * @param s     student logits {@code [N, C]}
     * @param y     one-hot labels {@code [N, C]}
     * @param t     teacher logits {@code [N, C]}
     * @param alpha weight of the regression term in [0, 1]
     * @return the scalar loss, mean over the rows
     */
    public static SDVariable logitRegression(SameDiff sd, SDVariable s, SDVariable y, SDVariable t, double alpha) {
        SDVariable diff = s.sub(t);
        SDVariable perRow = sd.mean(diff.mul(diff), 1).mul(0.5);
        SDVariable regression = sd.mean(perRow).mul(alpha);
        if (alpha == 1.0) {
            return regression;
        }
        return regression.add(crossEntropy(sd, y, s).mul(1.0 - alpha));
    }

    /**
     * {@code -mean_n sum_c p_nc log softmax(z)_nc} from plain ops. Not {@code sd.loss.softmaxCrossEntropy}: in ND4J
     * 1.0.0-M2.1's training session a loss op's backprop ignores the gradient flowing into it, so a factor applied to
     * its output (alpha T^2 here, a layer map's weights) would change the value but not the training.
     */
    static SDVariable crossEntropy(SameDiff sd, SDVariable p, SDVariable z) {
        return sd.math.neg(sd.mean(sd.sum(p.mul(sd.nn.logSoftmax(z)), 1)));
    }
}
