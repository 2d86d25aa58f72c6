package dev.condense.engine.train;

import dev.condense.api.loss.LossInputs;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * One feature loss of a distillation run: k student/teacher pairs, the loss built over them (it reads them as
 * {@code FeatureKeys.student(i)} / {@code teacher(i)}) and its weight in the total.
 *
 * @param label  names the term in the report, e.g. {@code fitnet[0]}
 * @param pairs  the pairs, at least one
 * @param loss   builds the term's scalar from inputs whose features are the pairs
 * @param weight its weight in the total loss, finite and &ge; 0
 */
public record FeatureTerm(String label, List<FeaturePair> pairs, Function<LossInputs, SDVariable> loss,
                          double weight) {

    public FeatureTerm {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(loss, "loss");
        pairs = List.copyOf(pairs);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a feature term needs at least one pair");
        }
        if (!(weight >= 0 && Double.isFinite(weight))) {
            throw new IllegalArgumentException("weight must be finite and >= 0, was " + weight);
        }
    }
}
