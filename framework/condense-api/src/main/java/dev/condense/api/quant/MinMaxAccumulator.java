package dev.condense.api.quant;

import dev.condense.api.quant.Calibrator.ClipRange;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Min/max calibration of one tensor: the range is the smallest and largest value over all calibration rows, widened
 * to contain zero ({@code [-m, m]} with {@code m = max(|min|, |max|)} when symmetric). One pass; the state is two
 * doubles whatever the number of rows, and the result depends only on the set of values, not on batch size or order.
 * A tensor that was zero on every row gets {@code [0, 1]} ({@code [-1, 1]} symmetric) so the scale stays positive.
 * The quantize stage's default when no calibrator plugin is named, and what the {@code calib-minmax} plugin returns.
 */
public final class MinMaxAccumulator implements Calibrator.Accumulator {
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

    /** @throws IllegalStateException when nothing was observed */
    @Override
    public ClipRange range(int bits, boolean symmetric) {
        if (lo > hi) {
            throw new IllegalStateException("min/max calibration observed no values");
        }
        double min = Math.min(0, lo);
        double max = Math.max(0, hi);
        double abs = Math.max(-min, max);
        if (abs == 0) {
            return symmetric ? new ClipRange(-1, 1) : new ClipRange(0, 1);
        }
        return symmetric ? new ClipRange(-abs, abs) : new ClipRange(min, max);
    }
}
