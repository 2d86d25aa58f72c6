package dev.condense.kernel.stage.prune;

/**
 * What a prune stage does with the units (neurons, filters, channels) it selects: {@code remove} them physically,
 * with everything coupled to them (the default for unit granularities), or {@code mask} them (zeros in a dense
 * tensor; shapes unchanged). Element granularity always masks.
 */
public enum Structured {
    REMOVE, MASK;

    /** The recipe id: {@code remove} or {@code mask}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
