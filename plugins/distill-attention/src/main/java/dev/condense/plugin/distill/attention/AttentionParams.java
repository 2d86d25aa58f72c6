package dev.condense.plugin.distill.attention;

/**
 * Params of attention transfer, e.g. {@code loss: {attention: {p: 2}}}.
 *
 * @param p exponent of the attention map {@code sum_c |A_c|^p}, in [1, 8]; default 2 (the paper's choice; larger
 *          p puts more weight on the most active positions)
 */
public record AttentionParams(Double p) {

    public AttentionParams {
        p = p == null ? 2.0 : p;
        if (!(p >= 1 && p <= 8)) {
            throw new IllegalArgumentException("p must be in [1, 8], was " + p);
        }
    }

    /** The default: p = 2. */
    public AttentionParams() {
        this(null);
    }
}
