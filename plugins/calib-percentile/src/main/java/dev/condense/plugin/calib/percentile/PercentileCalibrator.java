package dev.condense.plugin.calib.percentile;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.HistogramAccumulator;
import dev.condense.api.quant.ValueHistogram;
import org.pf4j.Extension;

/**
 * Recipe id {@code percentile}: the clipping range keeps a percentile of the values (default 99.99%), read from a
 * histogram, so a few outliers do not stretch the range as they do with min/max (ONNX Runtime's {@code Percentile}
 * calibration method). Two passes; {@code bins} counts per tensor.
 */
@Extension
public final class PercentileCalibrator implements Calibrator<PercentileParams> {

    @Override
    public String id() {
        return "percentile";
    }

    @Override
    public Class<PercentileParams> paramsType() {
        return PercentileParams.class;
    }

    @Override
    public String summary() {
        return "Percentile calibration: clip at a percentile of the values (default 99.99), from a histogram";
    }

    @Override
    public Accumulator accumulator(PercentileParams params) {
        return new HistogramAccumulator(params.bins()) {
            @Override
            protected ClipRange choose(ValueHistogram h, int bits, boolean symmetric) {
                return Percentiles.range(h, params.percentile(), symmetric);
            }
        };
    }
}
