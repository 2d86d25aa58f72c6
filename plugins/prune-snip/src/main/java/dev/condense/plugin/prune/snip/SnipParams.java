package dev.condense.plugin.prune.snip;

import java.util.List;

/**
 * Params of the SNIP scorer, bound from the recipe (e.g. {@code scorer: {snip: {batches: 4, batch-size: 64}}}).
 *
 * @param batches   mini-batches whose loss gradients are averaged, {@code >= 1}, default 1 (the paper uses one)
 * @param batchSize training rows per mini-batch, {@code >= 1}, default 128
 * @param normalize {@code network} (default, the paper): scores are {@code |g * w|}, which ranks exactly as the
 *                  paper's division by the sum over the whole network; {@code layer}: divided by the layer's sum, so
 *                  every layer's scores sum to 1 (a layer-balanced variant, not in the paper)
 */
public record SnipParams(Integer batches, Integer batchSize, String normalize) {
    /** Allowed values of {@code normalize}. */
    public static final List<String> NORMALIZES = List.of("network", "layer");

    public SnipParams {
        batches = batches == null ? 1 : batches;
        batchSize = batchSize == null ? 128 : batchSize;
        normalize = normalize == null ? "network" : normalize;
        if (batches < 1) {
            throw new IllegalArgumentException("batches must be >= 1, was " + batches);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be >= 1, was " + batchSize);
        }
        if (!NORMALIZES.contains(normalize)) {
            throw new IllegalArgumentException("normalize must be one of " + NORMALIZES + ", was '" + normalize + "'");
        }
    }

    /** The defaults: one batch of 128 rows, network normalisation. */
    public SnipParams() {
        this(null, null, null);
    }

    /** True when scores are divided by their layer's sum. */
    public boolean perLayer() {
        return normalize.equals("layer");
    }
}
