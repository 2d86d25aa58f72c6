package dev.condense.plugin.calib.percentile;

import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.ValueHistogram;

/** Percentile ranges from a {@link ValueHistogram}; the resolution is one bin, rounded outwards. */
final class Percentiles {
    private Percentiles() {
    }

    /**
     * The index of the first bin at which the cumulative count reaches {@code fraction} of the total.
     *
     * @param counts   per-bin counts, total {@code > 0}
     * @param fraction in [0, 1]
     */
    static int firstBinReaching(double[] counts, double fraction) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        double target = fraction * total;
        double cum = 0;
        for (int i = 0; i < counts.length; i++) {
            cum += counts[i];
            if (cum >= target && cum > 0) {
                return i;
            }
        }
        return counts.length - 1;
    }

    /**
     * Symmetric: {@code [-t, t]} with {@code t} the upper edge of the bin of {@code |x|} where the cumulative share
     * reaches {@code percentile}. Asymmetric: from the lower edge of the bin where the cumulative share first exceeds
     * {@code (100 - percentile) / 200} to the upper edge of the bin where it reaches {@code 1 -} that.
     */
    static ClipRange range(ValueHistogram h, double percentile, boolean symmetric) {
        double w = h.binWidth();
        if (symmetric) {
            double t = (firstBinReaching(h.folded(), percentile / 100) + 1) * w;
            return new ClipRange(-t, t);
        }
        double cut = (100 - percentile) / 200;
        double[] counts = h.counts();
        int upper = firstBinReaching(counts, 1 - cut);
        int lower = cut == 0 ? firstNonEmpty(counts) : firstBinExceeding(counts, cut);
        double min = Math.min(0, h.lowerEdge() + lower * w);
        double max = Math.max(0, h.lowerEdge() + (upper + 1) * w);
        return max > min ? new ClipRange(min, max) : new ClipRange(Math.min(0, h.min()), Math.max(0, h.max()));
    }

    private static int firstNonEmpty(double[] counts) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    private static int firstBinExceeding(double[] counts, double fraction) {
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        double cum = 0;
        for (int i = 0; i < counts.length; i++) {
            cum += counts[i];
            if (cum > fraction * total) {
                return i;
            }
        }
        return counts.length - 1;
    }
}
