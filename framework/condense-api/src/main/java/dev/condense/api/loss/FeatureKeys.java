package dev.condense.api.loss;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * How a feature loss (FitNets hints, attention transfer, patient distillation) finds its tensors in
 * {@link LossInputs#features()}: the k pairs of one layer-map entry of a {@code distill} stage, as
 * {@code student/0 .. student/(k-1)} and {@code teacher/0 .. teacher/(k-1)}. Pair i is student tensor i (projected to
 * the teacher's width when the widths differ) and teacher tensor i; the two have the same shape, batch first
 * ({@code [N, C, H, W]} or {@code [N, D]}). Teacher tensors are constants for the student (no gradient).
 */
public final class FeatureKeys {
    private FeatureKeys() {
    }

    /** The key of student tensor {@code i}. */
    public static String student(int i) {
        return "student/" + i;
    }

    /** The key of teacher tensor {@code i}. */
    public static String teacher(int i) {
        return "teacher/" + i;
    }

    /**
     * The pairs of {@code inputs}, in order, as {@code [student, teacher]}.
     *
     * @throws IllegalArgumentException when there are none, or a student key has no teacher
     */
    public static List<SDVariable[]> pairs(LossInputs inputs, String loss) {
        List<SDVariable[]> pairs = new ArrayList<>();
        for (int i = 0; inputs.features().containsKey(student(i)); i++) {
            SDVariable t = inputs.features().get(teacher(i));
            if (t == null) {
                throw new IllegalArgumentException(loss + ": feature " + student(i) + " has no " + teacher(i));
            }
            pairs.add(new SDVariable[] {inputs.features().get(student(i)), t});
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(loss + " is a feature loss: use it in a distill stage's features "
                    + "list ({student: TENSOR, teacher: TENSOR, loss: " + loss + "})");
        }
        return pairs;
    }
}
