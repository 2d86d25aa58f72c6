package dev.condense.plugin.calib.mse;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.HistogramAccumulator;
import dev.condense.api.quant.ValueHistogram;
import org.pf4j.Extension;

/**
 * Recipe id {@code mse}: the clipping range that minimizes the quantization's expected mean squared error over a
 * histogram of the values ({@link MseSearch}), trading clipping error against rounding error. Two passes;
 * {@code bins} counts per side per tensor.
 */
@Extension
public final class MseCalibrator implements Calibrator<MseParams> {

    @Override
    public String id() {
        return "mse";
    }

    @Override
    public Class<MseParams> paramsType() {
        return MseParams.class;
    }

    @Override
    public String summary() {
        return "MSE calibration: the clipping range minimizing the expected quantization error over a histogram";
    }

    @Override
    public Accumulator accumulator(MseParams params) {
        return new HistogramAccumulator(params.bins()) {
            @Override
            protected ClipRange choose(ValueHistogram h, int bits, boolean symmetric) {
                return MseSearch.range(h, bits, symmetric);
            }
        };
    }
}
