package dev.condense.plugin.prune.thinet;

/**
 * Params of the ThiNet scorer, bound from the recipe (e.g. {@code scorer: {thinet: {rows: 32, samples: 2048}}}).
 *
 * @param rows    training rows whose layer input is collected (one forward pass), {@code >= 1}, default 64
 * @param samples sampled outputs, {@code >= 1}, default 1024: pairs (row, output unit) for a Gemm, triples
 *                (row, output channel, spatial position) for a Conv; drawn with replacement from the stage seed.
 *                The paper samples 10 positions per image; more samples give a more faithful channel ranking.
 */
public record ThinetParams(Integer rows, Integer samples) {

    public ThinetParams {
        rows = rows == null ? 64 : rows;
        samples = samples == null ? 1024 : samples;
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, was " + rows);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
    }

    /** The defaults: 64 rows, 1024 samples. */
    public ThinetParams() {
        this(null, null);
    }
}
