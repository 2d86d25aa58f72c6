package dev.condense.engine.data;

import java.util.List;
import java.util.Objects;

/**
 * One labelled sentence pair with its human explanations (e-SNLI: premise, hypothesis, NLI label, three rationales).
 *
 * @param source       where the pair was read, {@code <file>:<line>} of its premise, for messages
 * @param premise      the first sentence
 * @param hypothesis   the second sentence
 * @param label        class index into the data set's label names
 * @param explanations free-text rationales, possibly empty
 */
public record SentencePair(String source, String premise, String hypothesis, int label, List<String> explanations) {

    public SentencePair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(premise, "premise");
        Objects.requireNonNull(hypothesis, "hypothesis");
        if (label < 0) {
            throw new IllegalArgumentException("label must be >= 0, was " + label);
        }
        explanations = List.copyOf(explanations);
    }
}
