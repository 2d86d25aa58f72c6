package dev.condense.api.quant;

import java.util.Arrays;

/**
 * A histogram of a tensor's calibration values over {@code [-absMax, absMax]}: {@code counts.length} (even) equal bins
 * of width {@code 2 absMax / bins}, so 0 is the edge between bins {@code bins/2 - 1} and {@code bins/2}. Values equal to
 * {@code absMax} fall in the last bin. Also carries the exact extremes, which the bins only bound.
 *
 * @param counts values per bin ({@code >= 0}, whole numbers); not copied: treat as read-only
 * @param absMax {@code max(|min|, |max|)}, {@code > 0}
 * @param min    smallest observed value
 * @param max    largest observed value
 */
public record ValueHistogram(double[] counts, double absMax, double min, double max) {

    public ValueHistogram {
        if (counts.length < 2 || counts.length % 2 != 0) {
            throw new IllegalArgumentException("a value histogram needs an even number of bins >= 2, got " + counts.length);
        }
        if (!(absMax > 0) || !Double.isFinite(absMax) || min > max) {
            throw new IllegalArgumentException("invalid histogram range: absMax " + absMax + ", min " + min + ", max " + max);
        }
    }

    /** Bin width in the tensor's units. */
    public double binWidth() {
        return 2 * absMax / counts.length;
    }

    /** Total count. */
    public double total() {
        return Arrays.stream(counts).sum();
    }

    /** Counts of the non-negative half: {@code bins/2} bins over {@code [0, absMax]} (bin i covers {@code [i w, (i+1) w)}). */
    public double[] positiveHalf() {
        return Arrays.copyOfRange(counts, counts.length / 2, counts.length);
    }

    /**
     * Counts of {@code |x|}: {@code bins/2} bins over {@code [0, absMax]}, bin i holding the values of bins
     * {@code bins/2 + i} and {@code bins/2 - 1 - i}.
     */
    public double[] folded() {
        int half = counts.length / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) {
            f[i] = counts[half + i] + counts[half - 1 - i];
        }
        return f;
    }

    /** Whether no observed value is negative. */
    public boolean nonNegative() {
        return min >= 0;
    }
}
