package dev.condense.plugin.calib.entropy;

/**
 * The KL-divergence threshold search of TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC
 * 2017), as ONNX Runtime's {@code HistogramCalibrater} / {@code get_entropy_threshold} also computes it, on a
 * one-sided histogram (of {@code |x|}, or of a non-negative tensor).
 *
 * <p>For each candidate width {@code i} (bins kept, {@code quantizedBins <= i <= n}): the reference distribution P is
 * the first {@code i} bins with the mass beyond them added to the last kept bin (clipping); the candidate Q merges
 * those {@code i} bins (without the clipped mass) into {@code quantizedBins} groups of {@code i / quantizedBins} bins
 * (the remainder joins the last group) and spreads each group's mass evenly over its bins where P is non-zero. Both are
 * smoothed (a mass of {@code 1e-4} counts moved onto each empty bin, as ONNX Runtime's {@code smooth_distribution}),
 * normalized, and compared by {@code KL(P || Q)}. The smallest divergence wins (the narrowest on ties).
 */
final class KlThreshold {
    static final double SMOOTHING = 1e-4;

    private KlThreshold() {
    }

    /**
     * The number of bins to keep, in {@code [min(quantizedBins, n), n]}: the clipping threshold is that many bin widths.
     *
     * @param counts        one-sided histogram, {@code n} bins, total {@code > 0}
     * @param quantizedBins quantization levels over the kept range, {@code >= 1}
     */
    static int search(double[] counts, int quantizedBins) {
        int n = counts.length;
        if (n <= quantizedBins) {
            return n;
        }
        double[] suffix = new double[n + 1];
        for (int j = n - 1; j >= 0; j--) {
            suffix[j] = suffix[j + 1] + counts[j];
        }
        int best = n;
        double bestKl = Double.POSITIVE_INFINITY;
        for (int i = quantizedBins; i <= n; i++) {
            double kl = divergence(counts, i, suffix[i], quantizedBins);
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        return best;
    }

    /** {@code KL(P || Q)} for keeping the first {@code i} bins; {@code clipped} is the mass beyond them. */
    static double divergence(double[] counts, int i, double clipped, int quantizedBins) {
        double[] p = java.util.Arrays.copyOf(counts, i);
        p[i - 1] += clipped;
        double[] q = new double[i];
        int merged = i / quantizedBins;
        for (int g = 0; g < quantizedBins; g++) {
            int start = g * merged;
            int end = g == quantizedBins - 1 ? i : start + merged;
            double mass = 0;
            int nonzero = 0;
            for (int j = start; j < end; j++) {
                mass += counts[j];
                nonzero += p[j] != 0 ? 1 : 0;
            }
            for (int j = start; j < end && nonzero > 0; j++) {
                q[j] = p[j] != 0 ? mass / nonzero : 0;
            }
        }
        if (!smooth(p) || !smooth(q)) {
            return Double.POSITIVE_INFINITY;
        }
        double sp = 0;
        double sq = 0;
        for (int j = 0; j < i; j++) {
            sp += p[j];
            sq += q[j];
        }
        double kl = 0;
        for (int j = 0; j < i; j++) {
            if (p[j] > 0) {
                kl += p[j] / sp * Math.log((p[j] / sp) / (q[j] / sq));
            }
        }
        return kl;
    }

    /** Moves {@link #SMOOTHING} counts onto each empty bin, taken evenly from the others; false if all are empty. */
    static boolean smooth(double[] h) {
        int zeros = 0;
        for (double v : h) {
            zeros += v == 0 ? 1 : 0;
        }
        int nonzeros = h.length - zeros;
        if (nonzeros == 0) {
            return false;
        }
        double take = SMOOTHING * zeros / nonzeros;
        for (int j = 0; j < h.length; j++) {
            h[j] = h[j] == 0 ? SMOOTHING : Math.max(h[j] - take, SMOOTHING);
        }
        return true;
    }
}
