package dev.condense.engine.quant;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.ClipRange;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The min/max calibration of one activation tensor: the range is the smallest and largest value seen over all
 * calibration rows, widened to contain zero. One pass; state is two doubles, whatever the number of rows; the result
 * does not depend on how the rows are batched or ordered. The default of the quantize stage when no calibrator
 * plugin is named (and the reference the {@code calib-minmax} plugin must agree with).
 */
public final class MinMaxAccumulator implements Calibrator.Accumulator {
    /** Half-width of the range of a tensor that was zero on every row, so the scale stays positive. */
    static final double EMPTY_HALF_WIDTH = 1.0e-6;

    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    @Override
    public int passes() {
        return 1;
    }

    @Override
    public void observe(int pass, INDArray values) {
        if (pass != 0) {
            throw new IllegalArgumentException("min/max calibration has one pass, got pass " + pass);
        }
        if (values.isEmpty()) {
            return;
        }
        double lo = values.minNumber().doubleValue();
        double hi = values.maxNumber().doubleValue();
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("calibration values are not finite: range [" + lo + ", " + hi + "]");
        }
        min = Math.min(min, lo);
        max = Math.max(max, hi);
    }

    @Override
    public ClipRange range(int bits, boolean symmetric) {
        if (min > max) {
            throw new IllegalStateException("no calibration values were observed");
        }
        double lo = Math.min(min, 0);
        double hi = Math.max(max, 0);
        if (symmetric) {
            double m = Math.max(-lo, hi);
            lo = -m;
            hi = m;
        }
        if (!(hi > lo)) {
            return new ClipRange(symmetric ? -EMPTY_HALF_WIDTH : 0, EMPTY_HALF_WIDTH);
        }
        return new ClipRange(lo, hi);
    }
}
