package dev.condense.plugin.decomp.tucker2;

/**
 * Params of Tucker-2, bound from the recipe: at most one rank rule, e.g. {@code {tucker2: {rank-in: 16, rank-out: 32}}},
 * {@code {tucker2: {energy: 0.9}}} or {@code {tucker2: {vbmf: true}}}; none (a bare {@code tucker2}) means VBMF, the
 * rule of Kim et al. 2016.
 *
 * @param rankIn   r1, the input-channel rank, >= 1 (at most the rank of the mode-1 unfolding, {@code min(in, out kH kW)},
 *                 checked when decomposing); given together with rankOut
 * @param rankOut  r2, the output-channel rank, >= 1 (at most {@code min(out, in kH kW)})
 * @param energy   in (0, 1]: each rank is the smallest whose leading singular values of that mode's unfolding hold at
 *                 least this share of the squared Frobenius norm
 * @param vbmf     true (the default when no rule is given): each rank is the one empirical VBMF keeps on that mode's
 *                 unfolding (Nakajima et al. 2013, as Kim et al. 2016 use), at least 1
 * @param sweeps   HOOI sweeps after the HOSVD at most, >= 0 (0: the truncated HOSVD alone); default 10
 */
public record Tucker2Params(Integer rankIn, Integer rankOut, Double energy, Boolean vbmf, Integer sweeps) {
    /** HOOI sweeps when none are given. */
    public static final int DEFAULT_SWEEPS = 10;

    public Tucker2Params {
        boolean ranks = rankIn != null || rankOut != null;
        int rules = (ranks ? 1 : 0) + (energy != null ? 1 : 0) + (vbmf != null ? 1 : 0);
        if (rules == 0) {
            vbmf = true;
        } else if (rules > 1) {
            throw new IllegalArgumentException("give at most one rank rule: rank-in and rank-out, energy, or vbmf: true;"
                    + " was rank-in " + rankIn + ", rank-out " + rankOut + ", energy " + energy + ", vbmf " + vbmf);
        }
        if (ranks && (rankIn == null || rankOut == null)) {
            throw new IllegalArgumentException("give both rank-in and rank-out, was rank-in " + rankIn + ", rank-out "
                    + rankOut);
        }
        if (ranks && (rankIn < 1 || rankOut < 1)) {
            throw new IllegalArgumentException("ranks must be >= 1, was rank-in " + rankIn + ", rank-out " + rankOut);
        }
        if (energy != null && !(energy > 0.0 && energy <= 1.0)) {
            throw new IllegalArgumentException("energy must be in (0, 1], was " + energy);
        }
        if (vbmf != null && !vbmf) {
            throw new IllegalArgumentException("vbmf: false is no rank rule; write vbmf: true or another rule");
        }
        if (sweeps == null) {
            sweeps = DEFAULT_SWEEPS;
        }
        if (sweeps < 0) {
            throw new IllegalArgumentException("sweeps must be >= 0, was " + sweeps);
        }
    }

    /** Ranks (r1, r2) given, default sweeps. */
    public static Tucker2Params ofRanks(int rankIn, int rankOut) {
        return new Tucker2Params(rankIn, rankOut, null, null, null);
    }

    /** Ranks by the energy kept per mode, default sweeps. */
    public static Tucker2Params ofEnergy(double share) {
        return new Tucker2Params(null, null, share, null, null);
    }

    /** Ranks by EVBMF per mode, default sweeps. */
    public static Tucker2Params ofVbmf() {
        return new Tucker2Params(null, null, null, true, null);
    }
}
