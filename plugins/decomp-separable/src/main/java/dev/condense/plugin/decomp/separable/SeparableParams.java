package dev.condense.plugin.decomp.separable;

/**
 * Params of the separable-kernel decomposition, bound from the recipe: exactly one of {@code {separable: {rank: 16}}}
 * (K, the intermediate channel count) or {@code {separable: {energy: 0.9}}}.
 *
 * @param rank   K >= 1 (at most {@code min(in kH, out kW)}, checked when decomposing)
 * @param energy in (0, 1]: K is the smallest count whose leading singular values of the reshaped kernel
 *               {@code [in kH, out kW]} hold at least this share of its squared Frobenius norm
 */
public record SeparableParams(Integer rank, Double energy) {

    public SeparableParams {
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

    /** K intermediate channels. */
    public static SeparableParams ofRank(int k) {
        return new SeparableParams(k, null);
    }
}
