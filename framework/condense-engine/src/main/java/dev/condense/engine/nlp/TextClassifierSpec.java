package dev.condense.engine.nlp;

import dev.condense.engine.text.Quote;
import java.util.List;
import java.util.Objects;

/**
 * A sentence-pair classifier built from a pretrained encoder, as a recipe's {@code model: {encoder: {...}}} names it.
 *
 * @param source         the encoder id ({@link EncoderFiles#IDS})
 * @param sequenceLength tokens per pair {@code L}, the fixed second dimension of every input, in [4, 512]
 * @param classes        outputs of the linear head, &gt;= 2
 * @param layers         the encoder layers kept, 0-based, strictly increasing (TinyBERT's uniform map of 2 of 6
 *                       is {@code [2, 5]}); empty keeps all
 * @param intermediate   feed-forward width per layer ({@link EncoderFfn}), or 0 for the encoder's own (1,536 for
 *                       MiniLM)
 */
public record TextClassifierSpec(String source, int sequenceLength, int classes, List<Integer> layers, int intermediate) {
    /** Most tokens a sequence may have (BERT-style position tables hold 512). */
    public static final int MAX_LENGTH = 512;

    public TextClassifierSpec {
        Objects.requireNonNull(source, "source");
        if (!EncoderFiles.IDS.contains(source)) {
            throw new IllegalArgumentException("unknown encoder " + Quote.single(source) + "; known: "
                    + String.join(", ", EncoderFiles.IDS));
        }
        if (sequenceLength < 4 || sequenceLength > MAX_LENGTH) {
            throw new IllegalArgumentException("sequence-length must be in [4, " + MAX_LENGTH + "], was " + sequenceLength);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, was " + classes);
        }
        layers = List.copyOf(layers);
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) < 0 || (i > 0 && layers.get(i) <= layers.get(i - 1))) {
                throw new IllegalArgumentException("layers must be strictly increasing indices >= 0 (0-based), was "
                        + layers);
            }
        }
        if (!layers.isEmpty() && layers.get(layers.size() - 1) >= EncoderFiles.LAYERS) {
            throw new IllegalArgumentException("layers " + layers + ": encoder " + source + " has " + EncoderFiles.LAYERS
                    + " layers (0 to " + (EncoderFiles.LAYERS - 1) + ")");
        }
        if (intermediate < 0 || intermediate > EncoderFiles.INTERMEDIATE) {
            throw new IllegalArgumentException("intermediate must be in [1, " + EncoderFiles.INTERMEDIATE + "] (encoder "
                    + source + "'s own width), or 0 for that width, was " + intermediate);
        }
    }

    /** A one-line description for reports, e.g. {@code all-minilm-l6-v2 layers [2, 5] intermediate 1024, L 64, 3 classes}. */
    public String describe() {
        return source + (layers.isEmpty() ? " all layers" : " layers " + layers)
                + (intermediate == 0 ? "" : " intermediate " + intermediate) + ", L " + sequenceLength + ", "
                + classes + " classes";
    }
}
