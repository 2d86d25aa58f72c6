package dev.condense.plugin.prune.random;

/**
 * Params of the random importance scorer, bound from the recipe (e.g. {@code scorer: {random: {seed: 3}}}).
 *
 * @param seed the scorer's own seed, default 0. It is combined with the stage seed
 *             ({@code StageContext#seed()}, itself derived from the recipe seed) and the layer name, so two runs of
 *             one recipe draw the same scores and two layers never share one permutation. Any long is valid.
 */
public record RandomParams(Long seed) {

    public RandomParams {
        seed = seed == null ? 0L : seed;
    }

    /** The default: seed 0. */
    public RandomParams() {
        this(null);
    }
}
