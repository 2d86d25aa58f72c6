package dev.condense.plugin.calib.mse;

/**
 * Params of the MSE calibrator, bound from the recipe (e.g. {@code calibrator: {mse: {bins: 2048}}}).
 *
 * @param bins histogram bins per side of 0 (over {@code [0, max|x|]}; twice as many when values are negative), in
 *             [128, 65536], default 2048; also the number of candidate ranges searched
 */
public record MseParams(Integer bins) {

    public MseParams {
        bins = bins == null ? 2048 : bins;
        if (bins < 128 || bins > 65536) {
            throw new IllegalArgumentException("bins must be in [128, 65536], was " + bins);
        }
    }

    /** The default: 2048 bins. */
    public MseParams() {
        this((Integer) null);
    }
}
