package dev.condense.plugin.decomp.als;

/**
 * Params of regularized ALS, bound from the recipe (e.g. {@code decomposition: {als: {rank: 32, lambda: 0.01}}}).
 *
 * @param rank       the rank r of the factors, >= 1 (at most {@code min(out, in)} of the weight, checked when
 *                   decomposing); required
 * @param lambda     the ridge weight: the objective is {@code ||W - U V||_F^2 + lambda (||U||_F^2 + ||V||_F^2)}, in the
 *                   squared units of the weight; >= 0, default 1e-4 (0 is plain ALS, which needs factors of full rank r
 *                   at every step)
 * @param iterations alternating rounds (one U solve and one V solve each), 1 to 1000, default 30
 * @param seed       the seed of the random initial V, default 0
 */
public record AlsParams(Integer rank, Double lambda, Integer iterations, Long seed) {

    public AlsParams {
        if (rank == null || rank < 1) {
            throw new IllegalArgumentException("rank must be given and >= 1, was " + rank);
        }
        lambda = lambda == null ? 1e-4 : lambda;
        iterations = iterations == null ? 30 : iterations;
        seed = seed == null ? 0L : seed;
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be a finite number >= 0, was " + lambda);
        }
        if (iterations < 1 || iterations > 1000) {
            throw new IllegalArgumentException("iterations must be in [1, 1000], was " + iterations);
        }
    }

    /** Rank {@code r} with the defaults. */
    public static AlsParams ofRank(int r) {
        return new AlsParams(r, null, null, null);
    }
}
