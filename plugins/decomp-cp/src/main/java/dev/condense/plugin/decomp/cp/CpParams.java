package dev.condense.plugin.decomp.cp;

/**
 * Params of CP-ALS, bound from the recipe, e.g. {@code {cp: {rank: 32}}} or {@code {cp: {rank: 32, sweeps: 100,
 * seed: 3}}}.
 *
 * @param rank   R, the number of rank-one terms, >= 1
 * @param sweeps ALS sweeps (each updates all four factors once), >= 1; default 50
 * @param seed   the seed of the Gaussian starting factors; default 0
 */
public record CpParams(Integer rank, Integer sweeps, Long seed) {
    /** Sweeps when none are given. */
    public static final int DEFAULT_SWEEPS = 50;

    public CpParams {
        if (rank == null || rank < 1) {
            throw new IllegalArgumentException("rank must be given and >= 1, was " + rank);
        }
        if (sweeps == null) {
            sweeps = DEFAULT_SWEEPS;
        }
        if (sweeps < 1) {
            throw new IllegalArgumentException("sweeps must be >= 1, was " + sweeps);
        }
        if (seed == null) {
            seed = 0L;
        }
    }

    /** Rank R, default sweeps and seed. */
    public static CpParams ofRank(int rank) {
        return new CpParams(rank, null, null);
    }
}
