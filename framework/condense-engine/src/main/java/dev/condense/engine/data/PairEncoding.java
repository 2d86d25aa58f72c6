package dev.condense.engine.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a sentence-pair data set becomes model inputs: the model's HuggingFace {@code tokenizer.json} and its
 * sequence length {@code L}, and what to do with a pair that needs more than {@code L} tokens.
 *
 * @param tokenizer      the tokenizer.json of the model
 * @param sequenceLength tokens per pair, in [4, 512]
 * @param skipLongPairs  false: a longer pair is an error naming its row; true: such pairs are left out and counted
 * @param allRationales  data sets with explanations: false gives each row its first explanation as rationale
 *                       ({@code [N, T]}), true all of them ({@code [N, K, T]}, K explanations a row)
 */
public record PairEncoding(Path tokenizer, int sequenceLength, boolean skipLongPairs, boolean allRationales) {

    public PairEncoding {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (sequenceLength < 4 || sequenceLength > 512) {
            throw new IllegalArgumentException("sequence length must be in [4, 512], was " + sequenceLength);
        }
    }

    /** An encoding whose rows carry their first explanation as rationale. */
    public PairEncoding(Path tokenizer, int sequenceLength, boolean skipLongPairs) {
        this(tokenizer, sequenceLength, skipLongPairs, false);
    }
}
