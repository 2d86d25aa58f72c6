package dev.condense.plugin.calib.percentile;

/**
 * Params of the percentile calibrator, bound from the recipe (e.g. {@code calibrator: {percentile: {percentile:
 * 99.9}}}).
 *
 * @param percentile the share of values, in percent, the range keeps: in [50, 100], default 99.99. Symmetric ranges
 *                   keep that percentile of {@code |x|}; asymmetric ones cut {@code (100 - percentile) / 2} percent
 *                   from each tail
 * @param bins       histogram bins per side of 0 (over {@code [0, max|x|]}; twice as many when values are negative),
 *                   in [128, 65536], default 2048; the range's resolution is one bin
 */
public record PercentileParams(Double percentile, Integer bins) {

    public PercentileParams {
        percentile = percentile == null ? 99.99 : percentile;
        bins = bins == null ? 2048 : bins;
        if (!(percentile >= 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in [50, 100], was " + percentile);
        }
        if (bins < 128 || bins > 65536) {
            throw new IllegalArgumentException("bins must be in [128, 65536], was " + bins);
        }
    }

    /** The defaults: the 99.99th percentile over 2048 bins. */
    public PercentileParams() {
        this(null, null);
    }
}
