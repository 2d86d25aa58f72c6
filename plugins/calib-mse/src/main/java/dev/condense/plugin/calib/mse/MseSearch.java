package dev.condense.plugin.calib.mse;

import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.ValueHistogram;

/**
 * The clipping range that minimizes the expected squared error of uniform quantization over a histogram. Each bin's
 * values sit at its center {@code c}; inside the range {@code [rmin, rmax]} with step {@code s = (rmax - rmin) /
 * steps} a value's rounding error averages {@code s^2 / 12} (uniform within a step), outside it the clipping error is
 * the squared distance to the nearer end. Candidates shrink the full range {@code [lo, hi]} by {@code k / K},
 * {@code k = 1..K}, so the ratio of the ends (the zero point) stays that of the data.
 */
final class MseSearch {
    private MseSearch() {
    }

    /**
     * Mean squared error per value of quantizing the histogram's values to {@code steps + 1} levels over
     * {@code [rmin, rmax]}.
     *
     * @param counts    values per bin, total {@code > 0}
     * @param lowerEdge lower edge of bin 0
     * @param width     bin width, {@code > 0}
     */
    static double expectedError(double[] counts, double lowerEdge, double width, double rmin, double rmax, int steps) {
        double s = (rmax - rmin) / steps;
        double rounding = s * s / 12;
        double sum = 0;
        double total = 0;
        for (int j = 0; j < counts.length; j++) {
            if (counts[j] == 0) {
                continue;
            }
            double c = lowerEdge + (j + 0.5) * width;
            double d = c < rmin ? rmin - c : c > rmax ? c - rmax : 0;
            sum += counts[j] * (d > 0 ? d * d : rounding);
            total += counts[j];
        }
        return sum / total;
    }

    /** The fraction {@code k / candidates} of {@code [lo, hi]} with the least {@link #expectedError} (the smallest on ties). */
    static double bestFraction(double[] counts, double lowerEdge, double width, double lo, double hi, int steps,
            int candidates) {
        double best = 1;
        double bestError = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= candidates; k++) {
            double f = (double) k / candidates;
            double e = expectedError(counts, lowerEdge, width, f * lo, f * hi, steps);
            if (e < bestError) {
                bestError = e;
                best = f;
            }
        }
        return best;
    }

    /** The best range for {@code bits} bits: {@code [-f A, f A]} when symmetric, else {@code f [min(0, lo), max(0, hi)]}. */
    static ClipRange range(ValueHistogram h, int bits, boolean symmetric) {
        double lo = symmetric ? -h.absMax() : Math.min(0, h.min());
        double hi = symmetric ? h.absMax() : Math.max(0, h.max());
        int steps = (1 << bits) - 1;
        double f = bestFraction(h.counts(), h.lowerEdge(), h.binWidth(), lo, hi, steps, h.binsPerSide());
        return new ClipRange(f * lo, f * hi);
    }
}
