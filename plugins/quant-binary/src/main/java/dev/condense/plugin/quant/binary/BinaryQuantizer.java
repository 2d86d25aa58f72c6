package dev.condense.plugin.quant.binary;

import dev.condense.api.extension.NoParams;
import dev.condense.api.quant.BitPacking;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pf4j.Extension;

/**
 * Recipe id {@code binary}: the binary weights of XNOR-Net (Rastegari et al. 2016, "XNOR-Net: ImageNet Classification
 * Using Binary Convolutional Neural Networks", ECCV, section 3.1). A weight {@code W [C, ...]} (ONNX layout, axis 0
 * the output channel) becomes {@code alpha_c * B} with codes {@code B = sign(W)} in {-1, +1} ({@code +1} for
 * {@code W >= 0}, so a code always fits one bit) and one scale per output channel {@code alpha_c = mean(|W_c|)}, the
 * scale that minimizes {@code ||W_c - alpha B_c||^2} for those signs (the paper's optimum). A rank-1 tensor has one
 * scale. Scales are floored at {@link Float#MIN_NORMAL} so an all-zero channel keeps a positive scale.
 *
 * <p>The result: codes int8 {@code -1/+1} in W's shape, {@code scale} float32 {@code [C]}, {@code zeroPoint} int64
 * zeros {@code [C]}, {@code bits} 1. Stored at one bit per code ({@link BitPacking}) plus {@code C} float32 scales;
 * ONNX Runtime has no binary kernels, so an exported model expands the codes to int8 with a DequantizeLinear.
 */
@Extension
public final class BinaryQuantizer implements Quantizer<NoParams> {

    @Override
    public String id() {
        return "binary";
    }

    @Override
    public Class<NoParams> paramsType() {
        return NoParams.class;
    }

    @Override
    public String summary() {
        return "Binary weights (XNOR-Net, Rastegari et al. 2016): sign codes, one bit each, with a per-output-channel"
                + " scale mean(|W|); ONNX Runtime runs them expanded to int8";
    }

    @Override
    public QuantizedTensor quantize(INDArray x, NoParams params) {
        if (x.rank() < 1 || x.length() == 0) {
            throw new IllegalArgumentException("binary quantization needs a non-empty tensor, got shape "
                    + Arrays.toString(x.shape()));
        }
        INDArray codes = x.gte(0).castTo(DataType.FLOAT).muli(2).subi(1).castTo(DataType.INT8);
        int[] rest = IntStream.range(1, x.rank()).toArray();
        INDArray abs = Transforms.abs(x.castTo(DataType.FLOAT), true);
        INDArray alpha = rest.length == 0 ? Nd4j.scalar(abs.meanNumber().floatValue()).reshape(1)
                : abs.mean(rest).reshape(x.size(0));
        alpha = Transforms.max(alpha, Float.MIN_NORMAL, false);
        return new QuantizedTensor(codes, alpha, Nd4j.zeros(DataType.INT64, alpha.length()), null, 1, id());
    }

    @Override
    public INDArray dequantize(QuantizedTensor q) {
        if (!q.scheme().equals(id())) {
            throw new IllegalArgumentException("binary cannot dequantize a tensor of scheme " + q.scheme());
        }
        INDArray codes = q.codes().castTo(DataType.FLOAT);
        if (q.scale().length() == 1) {
            return codes.muli(q.scale().getFloat(0));
        }
        long[] shape = new long[codes.rank()];
        Arrays.fill(shape, 1);
        shape[0] = q.scale().length();
        return codes.muli(q.scale().castTo(DataType.FLOAT).reshape(shape));
    }
}
