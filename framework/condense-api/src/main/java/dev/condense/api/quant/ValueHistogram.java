package dev.condense.api.quant;

import java.util.Arrays;

/**
 * A histogram of a tensor's calibration values in equal bins: over {@code [0, absMax]} when no value is negative
 * ({@code min >= 0}: {@code n} bins), otherwise over {@code [-absMax, absMax]} ({@code 2n} bins, 0 the edge between
 * bins {@code n - 1} and {@code n}); {@code n} is the bins per side. Values equal to {@code absMax} fall in the last
 * bin. Also carries the exact extremes, which the bins only bound.
 *
 * @param counts values per bin ({@code >= 0}, whole numbers); not copied: treat as read-only
 * @param absMax {@code max(|min|, |max|)}, {@code > 0}
 * @param min    smallest observed value
 * @param max    largest observed value
 */
public record ValueHistogram(double[] counts, double absMax, double min, double max) {

    public ValueHistogram {
        if (!(absMax > 0) || !Double.isFinite(absMax) || min > max) {
            throw new IllegalArgumentException("invalid histogram range: absMax " + absMax + ", min " + min + ", max " + max);
        }
        if (counts.length < 1 || (min < 0 && counts.length % 2 != 0)) {
            throw new IllegalArgumentException("a signed value histogram needs an even number of bins, got " + counts.length);
        }
    }

    /** Whether no observed value is negative (then the bins cover {@code [0, absMax]}). */
    public boolean nonNegative() {
        return min >= 0;
    }

    /** The lower edge of the first bin: 0 or {@code -absMax}. */
    public double lowerEdge() {
        return nonNegative() ? 0 : -absMax;
    }

    /** Bins per side: {@code n}. */
    public int binsPerSide() {
        return nonNegative() ? counts.length : counts.length / 2;
    }

    /** Bin width in the tensor's units: {@code absMax / n}. */
    public double binWidth() {
        return absMax / binsPerSide();
    }

    /** Total count. */
    public double total() {
        return Arrays.stream(counts).sum();
    }

    /** Counts of the non-negative values: {@code n} bins over {@code [0, absMax]} (bin i covers {@code [i w, (i+1) w)}). */
    public double[] positiveHalf() {
        return Arrays.copyOfRange(counts, counts.length - binsPerSide(), counts.length);
    }

    /** Counts of {@code |x|}: {@code n} bins over {@code [0, absMax]}. */
    public double[] folded() {
        if (nonNegative()) {
            return counts.clone();
        }
        int half = counts.length / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) {
            f[i] = counts[half + i] + counts[half - 1 - i];
        }
        return f;
    }
}
