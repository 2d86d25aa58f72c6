package dev.condense.plugin.decomp.svd;

/**
 * Params of truncated SVD, bound from the recipe (e.g. {@code decomposition: {svd: {rank: 32}}} or
 * {@code {svd: {energy: 0.9}}}). Exactly one of the two rank rules is given.
 *
 * @param rank   the rank r kept, >= 1 (and at most {@code min(out, in)} of the weight, checked when decomposing)
 * @param energy the share of the energy kept, in (0, 1]: r is the smallest rank whose leading singular values hold
 *               at least {@code energy} of the sum of all squared singular values (the squared Frobenius norm)
 */
public record SvdParams(Integer rank, Double energy) {

    public SvdParams {
        if ((rank == null) == (energy == null)) {
            throw new IllegalArgumentException("give exactly one of rank or energy, was rank " + rank + ", energy "
                    + energy);
        }
        if (rank != null && rank < 1) {
            throw new IllegalArgumentException("rank must be >= 1, was " + rank);
        }
        if (energy != null && !(energy > 0.0 && energy <= 1.0)) {
            throw new IllegalArgumentException("energy must be in (0, 1], was " + energy);
        }
    }

    /** Keeps rank {@code r}. */
    public static SvdParams ofRank(int r) {
        return new SvdParams(r, null);
    }

    /** Keeps the smallest rank holding {@code share} of the squared singular values. */
    public static SvdParams ofEnergy(double share) {
        return new SvdParams(null, share);
    }
}
