package dev.condense.api.loss;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * How a loss that reads rationales ({@link LossFunction#rationales()}) finds them in {@link LossInputs#features()}.
 * The first five are present together; the first two are the student's own variables (gradients flow through them),
 * the others placeholders or constants for the student. {@link #EMBEDDINGS}, also the student's own variable, is
 * present when the text model has a token-embedding table; {@link #TOKENS} when it has an {@code input_ids} input.
 * <ul>
 *   <li>{@link #STATES}: the text model's last token states {@code [N, L, D]} (the encoder's
 *       {@code last_hidden_state});</li>
 *   <li>{@link #MASK}: its attention mask {@code [N, L]}, float, 1 on the pair's tokens, 0 on padding;</li>
 *   <li>{@link #IDS}: the batch rows' rationales {@code [N, T]}, float word-piece ids of the tokenizer's vocabulary
 *       (no special tokens), 0 after the rationale's end ({@link dev.condense.api.data.DataSplit#rationales()});</li>
 *   <li>{@link #COUNTS}: {@code [V]}, how often each word-piece id occurs in the rationales of the whole training
 *       split (V = the largest id + 1; the pad id 0 not counted), for a loss that keeps a reduced vocabulary;</li>
 *   <li>{@link #WIDTH}: {@code [1]}, the width D of the token states;</li>
 *   <li>{@link #EMBEDDINGS}: the text model's token-embedding table {@code [V, D]} (row i embeds word piece i), for a
 *       loss whose head shares the student's embeddings;</li>
 *   <li>{@link #TOKENS}: the pair's word-piece ids {@code [N, L]} as the model reads them (int64, special tokens and
 *       padding included), for a loss whose head copies pieces of the input (a pointer-generator).</li>
 * </ul>
 */
public final class RationaleKeys {
    /** Token states {@code [N, L, D]}. */
    public static final String STATES = "rationale/states";
    /** Attention mask {@code [N, L]}. */
    public static final String MASK = "rationale/mask";
    /** Rationale word-piece ids {@code [N, T]}. */
    public static final String IDS = "rationale/ids";
    /** The width D of {@link #STATES}, a constant {@code [1]} (the lowered graph's variables may not carry static shapes). */
    public static final String WIDTH = "rationale/width";
    /** Word-piece counts over the training rationales {@code [V]}. */
    public static final String COUNTS = "rationale/counts";
    /** The student's token-embedding table {@code [V, D]}, when the model has one. */
    public static final String EMBEDDINGS = "rationale/embeddings";
    /** The pair's word-piece ids {@code [N, L]}, when the model has an {@code input_ids} input. */
    public static final String TOKENS = "rationale/tokens";

    private RationaleKeys() {
    }

    /**
     * The variable under {@code key}.
     *
     * @throws IllegalArgumentException when the inputs carry no rationales (the loss was used where the run feeds none)
     */
    public static SDVariable get(LossInputs inputs, String key, String loss) {
        SDVariable v = inputs.features().get(key);
        if (v == null) {
            throw new IllegalArgumentException(loss + " reads the rows' rationales (" + key + "), which this run does"
                    + " not feed: use it as the loss of a train stage on a data set with rationales (esnli)");
        }
        return v;
    }
}
