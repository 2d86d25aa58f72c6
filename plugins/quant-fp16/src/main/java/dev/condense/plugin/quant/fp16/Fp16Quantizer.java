package dev.condense.plugin.quant.fp16;

import dev.condense.api.extension.NoParams;
import dev.condense.api.model.HalfPrecision;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code fp16}: a weight rounded to the nearest IEEE 754 binary16 value (ties to even; beyond +-65504 it
 * becomes infinite, so weights that large are not for this scheme). The codes are the binary16 values themselves
 * (an ND4J FLOAT16 array), {@code bits} 16, no scale, zero point or codebook; {@code dequantize} widens them to
 * float32, which is exactly {@link HalfPrecision#project}: the IR keeps that float32 value and carries a
 * {@link HalfPrecision} annotation, and the exporter writes a FLOAT16 initializer with a Cast to FLOAT.
 *
 * <p>Half the file, not more speed: ONNX Runtime's CPU provider has almost no float16 kernels, so a graph computing
 * in float16 is slower than float32 (1.5-3.2x here); the Cast of a constant is folded when the session loads, and
 * inference runs the float32 kernels at float32 speed.
 */
@Extension
public final class Fp16Quantizer implements Quantizer<NoParams> {

    @Override
    public String id() {
        return "fp16";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "Half precision weights: stored as float16 (half the bytes), cast to float32 at load (ONNX Runtime has"
                + " no float16 CPU kernels, so the model computes at float32 speed)";
    }

    @Override
    public QuantizedTensor quantize(INDArray x, NoParams params) {
        return new QuantizedTensor(x.castTo(DataType.FLOAT16), null, null, null, 16, id());
    }

    @Override
    public INDArray dequantize(QuantizedTensor q) {
        if (!q.scheme().equals(id())) {
            throw new IllegalArgumentException("fp16 cannot dequantize a tensor of scheme " + q.scheme());
        }
        return q.codes().castTo(DataType.FLOAT);
    }
}
