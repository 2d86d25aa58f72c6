package dev.condense.plugin.prune.snip;

/**
 * Params of the SNIP scorer, bound from the recipe (e.g. {@code scorer: {snip: {batches: 4, batch-size: 64}}}).
 *
 * @param batches   mini-batches whose loss gradients are averaged, {@code >= 1}, default 1 (the paper uses one)
 * @param batchSize training rows per mini-batch, {@code >= 1}, default 128
 */
public record SnipParams(Integer batches, Integer batchSize) {

    public SnipParams {
        batches = batches == null ? 1 : batches;
        batchSize = batchSize == null ? 128 : batchSize;
        if (batches < 1) {
            throw new IllegalArgumentException("batches must be >= 1, was " + batches);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-size must be >= 1, was " + batchSize);
        }
    }

    /** The defaults: one batch of 128 rows. */
    public SnipParams() {
        this(null, null);
    }
}
