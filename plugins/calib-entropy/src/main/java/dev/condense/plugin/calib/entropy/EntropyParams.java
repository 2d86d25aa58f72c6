package dev.condense.plugin.calib.entropy;

/**
 * Params of the entropy (KL-divergence) calibrator, bound from the recipe (e.g. {@code calibrator: {entropy: {bins:
 * 2048}}}).
 *
 * @param bins histogram bins of {@code |x|} over {@code [0, max|x|]} (twice as many over {@code [-max|x|, max|x|]} are
 *             kept when values are negative), in [512, 65536], default 2048 as TensorRT; at least the {@code 2^bits}
 *             quantized bins of an 8-bit one-sided range. The smallest threshold tried is {@code 128 / bins} of
 *             {@code max|x|} (256 for a non-negative tensor's asymmetric range)
 */
public record EntropyParams(Integer bins) {

    public EntropyParams {
        bins = bins == null ? 2048 : bins;
        if (bins < 512 || bins > 65536) {
            throw new IllegalArgumentException("bins must be in [512, 65536], was " + bins);
        }
    }

    /** The default: 2048 bins. */
    public EntropyParams() {
        this((Integer) null);
    }
}
