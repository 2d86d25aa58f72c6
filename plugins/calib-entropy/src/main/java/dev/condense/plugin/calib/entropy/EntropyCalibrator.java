package dev.condense.plugin.calib.entropy;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.HistogramAccumulator;
import dev.condense.api.quant.ValueHistogram;
import org.pf4j.Extension;

/**
 * Recipe id {@code entropy}: the clipping threshold that minimizes the KL divergence between the histogram of the
 * values and its quantized copy ({@link KlThreshold}). Symmetric ranges, and tensors with negative values, search the
 * histogram of {@code |x|} with {@code 2^(bits-1)} quantized bins (TensorRT's 128 for int8) and give
 * {@code [-t, t]} (clipped to the observed range when asymmetric); asymmetric non-negative tensors (post-ReLU) search
 * the positive half with {@code 2^bits} bins and give {@code [0, t]}. Two passes; {@code bins} counts per tensor.
 */
@Extension
public final class EntropyCalibrator implements Calibrator<EntropyParams> {

    @Override
    public String id() {
        return "entropy";
    }

    @Override
    public Class<EntropyParams> paramsType() {
        return EntropyParams.class;
    }

    @Override
    public String summary() {
        return "Entropy calibration: the threshold minimizing KL divergence over a 2048-bin histogram (TensorRT)";
    }

    @Override
    public String citation() {
        return "Migacz. 8-bit Inference with TensorRT. GPU Technology Conference 2017";
    }

    @Override
    public Accumulator accumulator(EntropyParams params) {
        return new HistogramAccumulator(params.bins()) {
            @Override
            protected ClipRange choose(ValueHistogram h, int bits, boolean symmetric) {
                boolean oneSided = !symmetric && h.nonNegative();
                double[] counts = oneSided ? h.positiveHalf() : h.folded();
                double t = KlThreshold.search(counts, oneSided ? 1 << bits : 1 << (bits - 1)) * h.binWidth();
                return oneSided ? new ClipRange(0, t) : new ClipRange(-t, t);
            }
        };
    }
}
