package dev.condense.api.quant;

import dev.condense.api.extension.Extension;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Chooses the clipping range of an activation tensor from values observed on calibration rows (post-training
 * static quantization): min/max, a percentile, the KL-divergence (entropy) optimum over a histogram as TensorRT and
 * ONNX Runtime compute it, or the range that minimizes the quantization's mean squared error.
 *
 * <p>Calibration streams: the engine runs the float model over the calibration rows batch by batch and hands each
 * batch's values of one tensor to that tensor's {@link Accumulator}, once per pass ({@link Accumulator#passes()}:
 * 1 for calibrators that need only running statistics, 2 for histogram calibrators that fix the histogram's range
 * in pass 0 and fill it in pass 1). Invariants: an accumulator's memory is bounded by its params (histogram bins),
 * never by the number of rows; the same rows give the same range whatever the batch size and order of batches
 * (histograms with a range fixed before they are filled; no per-batch averaging). The testkit's
 * {@code CalibratorContract} checks these invariants for every implementation.
 *
 * @param <P> params record (percentile, bins, ...)
 */
public interface Calibrator<P extends Record> extends Extension<P> {

    /** A fresh accumulator for one tensor. */
    Accumulator accumulator(P params);

    /** Streaming state of one tensor's calibration. Not thread-safe; one per tensor. */
    interface Accumulator {

        /** How many passes over the calibration rows this accumulator needs: 1 or 2. */
        int passes();

        /**
         * Observes one batch of the tensor's values in pass {@code pass} (0-based, below {@link #passes()}); passes
         * arrive in order, each over the same rows.
         *
         * @param values float32, any shape (e.g. {@code [N, C, H, W]}); read-only, not retained
         * @throws IllegalArgumentException when {@code pass} is outside {@code [0, passes())}
         * @throws IllegalStateException    when a pass arrives before the previous one was observed
         */
        void observe(int pass, INDArray values);

        /**
         * The clipping range for a quantization with {@code bits} bits after all passes: {@code min <= 0 <= max}
         * (the range always contains zero, so zero is exactly representable), {@code max > min}.
         *
         * @param bits      2 to 8
         * @param symmetric whether the quantization will be symmetric about zero (then {@code min == -max})
         * @throws IllegalStateException when the last pass has not been observed (no values at all, or only pass 0
         *                               of a two-pass accumulator)
         */
        ClipRange range(int bits, boolean symmetric);
    }

    /**
     * A clipping range in the tensor's real units.
     *
     * @param min lower end, {@code <= 0}, finite
     * @param max upper end, {@code >= 0}, finite, {@code > min}
     */
    record ClipRange(double min, double max) {
        public ClipRange {
            if (!Double.isFinite(min) || !Double.isFinite(max) || min > 0 || max < 0 || !(max > min)) {
                throw new IllegalArgumentException("a clip range needs finite min <= 0 <= max with max > min, was ["
                        + min + ", " + max + "]");
            }
        }
    }
}
