package dev.condense.plugin.calib.minmax;

import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Running minimum and maximum of one tensor, in one pass; retains two doubles whatever the number of rows. The
 * result depends only on the set of values observed, so not on batch size or order.
 */
final class MinMaxAccumulator implements Accumulator {
    private double lo = Double.POSITIVE_INFINITY;
    private double hi = Double.NEGATIVE_INFINITY;

    @Override
    public int passes() {
        return 1;
    }

    /** @throws IllegalArgumentException when {@code pass != 0} or a value is NaN or infinite */
    @Override
    public void observe(int pass, INDArray values) {
        if (pass != 0) {
            throw new IllegalArgumentException("min/max calibration has one pass (0), got pass " + pass);
        }
        if (values.isEmpty()) {
            return;
        }
        double min = values.minNumber().doubleValue();
        double max = values.maxNumber().doubleValue();
        if (!Double.isFinite(min) || !Double.isFinite(max) || values.isNaN().any()) {
            throw new IllegalArgumentException("calibration values must be finite, saw [" + min + ", " + max + "]");
        }
        lo = Math.min(lo, min);
        hi = Math.max(hi, max);
    }

    /**
     * {@code [min(0, lo), max(0, hi)]}, or {@code [-m, m]} with {@code m = max(|lo|, |hi|)} when symmetric; an all-zero
     * tensor gets {@code [0, 1]} ({@code [-1, 1]} symmetric) so that the scale stays positive.
     *
     * @throws IllegalStateException when nothing was observed
     */
    @Override
    public ClipRange range(int bits, boolean symmetric) {
        if (lo > hi) {
            throw new IllegalStateException("min/max calibration observed no values");
        }
        return MinMaxRanges.of(lo, hi, symmetric);
    }
}
