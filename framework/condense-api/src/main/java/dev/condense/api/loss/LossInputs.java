package dev.condense.api.loss;

import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The SameDiff variables a loss is built from.
 *
 * @param sd            the graph under construction
 * @param logits        student logits {@code [N, C]}
 * @param labels        one-hot labels {@code [N, C]}
 * @param teacherLogits teacher logits {@code [N, C]} for distillation, or null
 * @param features      named intermediate activations (student and teacher) for hint losses; may be empty
 */
public record LossInputs(SameDiff sd, SDVariable logits, SDVariable labels, SDVariable teacherLogits,
                         Map<String, SDVariable> features) {

    public LossInputs {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(logits, "logits");
        features = Map.copyOf(features);
    }
}
