package dev.condense.plugin.distill.fitnet;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Hint regression (Romero, Ballas, Kahou, Chassang, Gatta, Bengio. FitNets: Hints for Thin Deep Nets, ICLR 2015),
 * the plain function behind {@link HintLoss}:
 *
 * <pre>
 *   L = sum_i 1/2 * mean((r(u_i) - v_i)^2)
 * </pre>
 *
 * over the k pairs of student guided-layer output {@code u_i} (already passed through the learned regressor
 * {@code r}, a 1x1 convolution or linear map the layer map inserts when widths differ) and teacher hint {@code v_i},
 * both {@code [N, C, H, W]} or {@code [N, D]}. The paper's 1/2 ||.||^2 is taken as a mean over the elements (batch
 * included) so the value does not grow with the layer's size; the weight of the term sets its scale. The teacher
 * gets no gradient (it is an input).
 */
public final class HintLosses {
    private HintLosses() {
    }

    /**
     * @param pairs k pairs {@code [student, teacher]} of equal shapes, k &ge; 1
     * @return the scalar loss
     */
    public static SDVariable regression(SameDiff sd, List<SDVariable[]> pairs) {
        SDVariable total = null;
        for (SDVariable[] p : pairs) {
            SDVariable d = p[0].sub(p[1]);
            SDVariable term = sd.mean(d.mul(d)).mul(0.5);
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
