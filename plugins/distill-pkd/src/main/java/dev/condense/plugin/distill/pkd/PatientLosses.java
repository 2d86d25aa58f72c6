package dev.condense.plugin.distill.pkd;

import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Patient knowledge distillation (Sun, Cheng, Gan, Liu. Patient Knowledge Distillation for BERT Model Compression,
 * EMNLP 2019), the plain function behind {@link PatientLoss}:
 *
 * <pre>
 *   L = sum_i mean_n || s_in / ||s_in||_2 - t_in / ||t_in||_2 ||_2^2
 * </pre>
 *
 * over the k pairs of student and teacher representations {@code s_i, t_i}, each row n normalized over all its
 * non-batch elements ({@code [N, D]} or {@code [N, C, H, W]}). Which k teacher layers (the paper's PKD-Skip and
 * PKD-Last) is the layer map's {@code pick}. Every term lies in [0, 4]. The teacher gets no gradient.
 */
public final class PatientLosses {
    /** Added to each norm so an all-zero row does not divide by zero. */
    static final double EPS = 1e-12;

    private PatientLosses() {
    }

    /**
     * @param pairs k pairs {@code [student, teacher]} of equal shapes, k &ge; 1; the teacher's shape (rank) known
     * @return the scalar loss
     */
    public static SDVariable normalized(SameDiff sd, List<SDVariable[]> pairs) {
        SDVariable total = null;
        for (SDVariable[] p : pairs) {
            int[] dims = IntStream.range(1, p[1].getShape().length).toArray();
            SDVariable d = unit(sd, p[0], dims).sub(unit(sd, p[1], dims));
            SDVariable term = sd.mean(sd.sum(d.mul(d), dims));
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    private static SDVariable unit(SameDiff sd, SDVariable x, int[] dims) {
        return x.div(sd.norm2(x, true, dims).add(EPS));
    }
}
