package dev.condense.plugin.calib.minmax;

import dev.condense.api.extension.NoParams;
import dev.condense.api.quant.Calibrator;
import org.pf4j.Extension;

/**
 * Recipe id {@code minmax}: an activation's clipping range is the minimum and maximum observed over the calibration
 * rows (widened to contain 0), as ONNX Runtime's {@code MinMax} calibration and TensorRT's legacy calibrator do.
 * One pass; two doubles per tensor.
 */
@Extension
public final class MinMaxCalibrator implements Calibrator<NoParams> {

    @Override
    public String id() {
        return "minmax";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "Min/max calibration: the clipping range is the observed minimum and maximum";
    }

    @Override
    public Accumulator accumulator(NoParams params) {
        return new dev.condense.api.quant.MinMaxAccumulator();
    }
}
