package dev.condense.plugin.quant.kmeans;

import java.util.List;

/**
 * Params of k-means weight sharing, bound from the recipe (e.g. {@code quantizer: {kmeans: {bits: 5}}}).
 *
 * @param bits       bits per shared-weight index: {@code 2^bits} centroids ({@code 2^bits - 1} and the zero when the
 *                   layer is pruned); 1 to 8, default 5 (the paper: 5 for fully connected, 8 for convolutional layers;
 *                   6 for LeNet-300-100)
 * @param init       centroid initialization: {@code linear} over [min, max] of the non-zero weights (the paper's best),
 *                   {@code density} (evenly spaced quantiles of the weights' distribution) or {@code random} (distinct
 *                   weights drawn with {@code seed}); default linear
 * @param iterations Lloyd iterations at most (stops earlier when no centroid moves), 1 to 1000, default 50
 * @param seed       the seed of {@code random} initialization, default 0
 */
public record KmeansParams(Integer bits, String init, Integer iterations, Long seed) {
    public static final List<String> INITS = List.of("linear", "density", "random");

    public KmeansParams {
        bits = bits == null ? 5 : bits;
        init = init == null ? "linear" : init;
        iterations = iterations == null ? 50 : iterations;
        seed = seed == null ? 0L : seed;
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bits must be in [1, 8], was " + bits);
        }
        if (bits > 8) {
            throw new IllegalArgumentException("bits must be in [1, 8] (a codebook holds at most 256 centroids, its"
                    + " indices one byte each), was " + bits);
        }
        if (!INITS.contains(init)) {
            throw new IllegalArgumentException("init must be one of " + INITS + ", was " + init);
        }
        if (iterations < 1 || iterations > 1000) {
            throw new IllegalArgumentException("iterations must be in [1, 1000], was " + iterations);
        }
    }

    /** The defaults: 5 bits, linear initialization, at most 50 iterations. */
    public KmeansParams() {
        this(null, null, null, null);
    }
}
