package dev.condense.plugin.calib.minmax;

import dev.condense.api.quant.Calibrator.ClipRange;

/** The clip range of observed extremes. */
final class MinMaxRanges {
    private MinMaxRanges() {
    }

    /**
     * The range {@code [min(0, lo), max(0, hi)]} (zero always representable), or {@code [-m, m]} with
     * {@code m = max(|lo|, |hi|)} when {@code symmetric}; when every value was 0, {@code [0, 1]} or {@code [-1, 1]}.
     *
     * @param lo smallest observed value, {@code <= hi}, finite
     * @param hi largest observed value, finite
     */
    static ClipRange of(double lo, double hi, boolean symmetric) {
        double min = Math.min(0, lo);
        double max = Math.max(0, hi);
        double abs = Math.max(-min, max);
        if (abs == 0) {
            return symmetric ? new ClipRange(-1, 1) : new ClipRange(0, 1);
        }
        return symmetric ? new ClipRange(-abs, abs) : new ClipRange(min, max);
    }
}
