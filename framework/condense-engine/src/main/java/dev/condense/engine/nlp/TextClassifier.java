package dev.condense.engine.nlp;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxImporter;
import java.util.Map;

/**
 * Builds the sentence-pair classifier a {@link TextClassifierSpec} describes, in the form the kernel trains:
 * the encoder imported at sequence length {@code L} (batch dynamic), the chosen layers kept ({@link EncoderLayers}),
 * the feed-forward blocks narrowed ({@link EncoderFfn}), masked mean pooling ({@link MeanPooling}) and a seeded
 * linear head ({@link PairClassifier#head}), the three int64 inputs packed into one float input
 * ({@link PackedInputs}): {@code packed_inputs [N, 3, L]} (input_ids, attention_mask, token_type_ids) to
 * {@code logits [N, classes]}. Every kept weight starts as the pretrained one; the head is fresh.
 */
public final class TextClassifier {
    /** The hidden-state output of BERT-style exports. */
    static final String HIDDEN = "last_hidden_state";
    /** The mask input pooling reads. */
    static final String MASK = "attention_mask";

    private TextClassifier() {
    }

    /** The packed classifier of {@code spec} from the encoder in {@code files}, its head drawn from {@code seed}. */
    public static ModelGraph build(TextClassifierSpec spec, EncoderFiles files, long seed) {
        ModelGraph encoder = new OnnxImporter().withDimensions(Map.of("sequence_length", (long) spec.sequenceLength()))
                .read(files.model());
        int n = EncoderLayers.count(encoder);
        if (!spec.layers().isEmpty()) {
            if (spec.layers().get(spec.layers().size() - 1) >= n) {
                throw new IllegalArgumentException("layers " + spec.layers() + ": encoder " + spec.source() + " has "
                        + n + " layers (0 to " + (n - 1) + ")");
            }
            encoder = EncoderLayers.keep(encoder, spec.layers().stream().mapToInt(Integer::intValue).toArray());
        }
        if (spec.intermediate() > 0) {
            encoder = EncoderFfn.narrow(encoder, spec.intermediate());
        }
        ModelGraph pooled = MeanPooling.append(encoder, HIDDEN, MASK);
        long width = pooled.outputs().get(0).shape()[1];
        ModelGraph classifier = PairClassifier.attach(pooled, PairClassifier.head(width, 0, spec.classes(), seed));
        return PackedInputs.pack(classifier.toBuilder().name(spec.source()).build());
    }
}
