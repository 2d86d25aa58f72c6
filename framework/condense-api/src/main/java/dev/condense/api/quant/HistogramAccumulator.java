package dev.condense.api.quant;

import dev.condense.api.quant.Calibrator.ClipRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Histogram;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A two-pass {@link Calibrator.Accumulator} that chooses the range from a {@link ValueHistogram}: pass 0 finds the
 * extremes, pass 1 counts the values in equal bins, {@code n} per side, over {@code [0, A]} when no value is negative
 * and over {@code [-A, A]} otherwise, {@code A = max(|min|, |max|)} (libnd4j's {@code histogram} op with the range pinned;
 * counts accumulate as exact whole numbers). Since the bins are fixed
 * before they are filled and counts add exactly, the histogram and so the range depend only on the rows, not on the
 * batch size or order. Retains at most {@code 2n} counts and a few scalars, whatever the number of rows.
 *
 * <p>Subclasses choose the range from the histogram ({@link #choose}); the result is then intersected with the
 * observed range widened to contain 0, so post-ReLU tensors get {@code min == 0}.
 */
public abstract class HistogramAccumulator implements Calibrator.Accumulator {
    private final int binsPerSide;
    private double lo = Double.POSITIVE_INFINITY;
    private double hi = Double.NEGATIVE_INFINITY;
    private boolean filling;
    private INDArray counts;

    /** @param binsPerSide histogram bins per side of 0 ({@code n}), in [1, 2^20] */
    protected HistogramAccumulator(int binsPerSide) {
        if (binsPerSide < 1 || binsPerSide > (1 << 20)) {
            throw new IllegalArgumentException("bins per side must be in [1, 1048576], was " + binsPerSide);
        }
        this.binsPerSide = binsPerSide;
    }

    @Override
    public final int passes() {
        return 2;
    }

    /**
     * @throws IllegalArgumentException when {@code pass} is not 0 or 1, or a value is NaN or infinite
     * @throws IllegalStateException    when pass 1 starts before any pass-0 value, pass 0 resumes after pass 1 began, or
     *                                  pass 1 sees a value outside pass 0's extremes (the passes saw different rows)
     */
    @Override
    public final void observe(int pass, INDArray values) {
        if (pass != 0 && pass != 1) {
            throw new IllegalArgumentException("histogram calibration has passes 0 and 1, got pass " + pass);
        }
        if (values.isEmpty()) {
            return;
        }
        if (pass == 0) {
            if (filling) {
                throw new IllegalStateException("pass 0 values arrived after pass 1 began");
            }
            double min = values.minNumber().doubleValue();
            double max = values.maxNumber().doubleValue();
            if (!Double.isFinite(min) || !Double.isFinite(max) || values.isNaN().any()) {
                throw new IllegalArgumentException("calibration values must be finite, saw [" + min + ", " + max + "]");
            }
            lo = Math.min(lo, min);
            hi = Math.max(hi, max);
            return;
        }
        if (lo > hi) {
            throw new IllegalStateException("pass 1 began before pass 0 observed any value");
        }
        filling = true;
        double a = absMax();
        if (a == 0) {
            return;
        }
        int bins = lo >= 0 ? binsPerSide : 2 * binsPerSide;
        double lower = lo >= 0 ? 0 : -a;
        double min = values.minNumber().doubleValue();
        double max = values.maxNumber().doubleValue();
        if (min < lo || max > hi) {
            throw new IllegalStateException("pass 1 saw values in [" + min + ", " + max + "], outside pass 0's [" + lo
                    + ", " + hi + "]: both passes must see the same rows");
        }
        if (counts == null) {
            counts = Nd4j.zeros(DataType.INT64, bins);
        }
        // libnd4j's histogram op spans its input's min and max; two sentinels at the fixed range's ends pin it there
        // (histogram_fixed_width does the same but is about 10x slower), and are taken out of the end bins after.
        INDArray flat = values.reshape(values.length());
        INDArray pinned = Nd4j.concat(0, flat,
                Nd4j.createFromArray(lower, a).castTo(flat.dataType()));
        INDArray out = Nd4j.create(DataType.INT64, bins);
        Nd4j.exec(new Histogram(pinned, out));
        counts.addi(out);
        counts.putScalar(0, counts.getLong(0) - 1);
        counts.putScalar(bins - 1, counts.getLong(bins - 1) - 1);
    }

    private double absMax() {
        return Math.max(Math.abs(lo), Math.abs(hi));
    }

    /**
     * @throws IllegalStateException before pass 1 has observed a value
     */
    @Override
    public final ClipRange range(int bits, boolean symmetric) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be in [2, 8], was " + bits);
        }
        if (!filling) {
            throw new IllegalStateException("the range of a histogram calibration needs both passes observed");
        }
        double a = absMax();
        if (a == 0) {
            return symmetric ? new ClipRange(-1, 1) : new ClipRange(0, 1);
        }
        ValueHistogram h = new ValueHistogram(counts.toDoubleVector(), a, lo, hi);
        ClipRange chosen = choose(h, bits, symmetric);
        if (symmetric) {
            double t = Math.min(a, Math.max(-chosen.min(), chosen.max()));
            return new ClipRange(-t, t);
        }
        double min = Math.max(chosen.min(), Math.min(0, lo));
        double max = Math.min(chosen.max(), Math.max(0, hi));
        return max > min ? new ClipRange(min, max) : new ClipRange(Math.min(0, lo), Math.max(0, hi));
    }

    /**
     * The clipping range for {@code bits}-bit quantization chosen from {@code h} (symmetric about 0 when
     * {@code symmetric}); the caller intersects it with the observed range widened to contain 0.
     */
    protected abstract ClipRange choose(ValueHistogram h, int bits, boolean symmetric);
}
