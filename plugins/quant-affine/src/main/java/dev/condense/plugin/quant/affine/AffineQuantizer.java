package dev.condense.plugin.quant.affine;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.quant.AffineWeightGrid;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pf4j.Extension;

/**
 * Recipe id {@code affine}: uniform integer quantization, {@code code = clamp(rint(x / scale) + zeroPoint, qmin,
 * qmax)} and {@code x' = scale * (code - zeroPoint)} (ONNX QuantizeLinear/DequantizeLinear; Jacob et al. 2018,
 * "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference", CVPR, section 2.1),
 * with the scale and zero point taken from the tensor's own min/max ({@link AffineWeightGrid}: the same computation
 * as the quantize stage's built-in weights, so both give the same grid bit for bit).
 *
 * <p>Codes are whole numbers in an INT32 array of x's shape: signed {@code [-2^(bits-1), 2^(bits-1) - 1]} when
 * symmetric, unsigned {@code [0, 2^bits - 1]} otherwise (2-8 bit values fit the int8/uint8 containers the exporter
 * writes). Scale (float32) and zero point (int64) are vectors of length {@code x.size(0)} per channel, length 1 per
 * tensor. Per-channel quantization needs a tensor of rank 2 or more: a 1-D tensor has no channel axis.
 */
@Extension
public final class AffineQuantizer implements Quantizer<AffineParams> {

    @Override
    public String id() {
        return "affine";
    }

    @Override
    public Class<AffineParams> paramsType() {
        return AffineParams.class;
    }

    @Override
    public String summary() {
        return "Affine integer weights: 2-8 bits, per output channel or per tensor, symmetric or asymmetric, optional"
                + " 7-bit range for CPUs without VNNI (Jacob et al. 2018)";
    }

    /** @throws IllegalArgumentException for per-channel params on a tensor of rank below 2 */
    @Override
    public QuantizedTensor quantize(INDArray x, AffineParams params) {
        AffineQuantization grid = grid(x, params);
        INDArray codes = grid.quantize(x).castTo(DataType.INT32);
        return new QuantizedTensor(codes, grid.scale(), grid.zeroPoint(), null, grid.bits(), id());
    }

    /**
     * {@code scale * (code - zeroPoint)}, the subtraction exact and rounded once to float32, the product in float32
     * (as ONNX Runtime's DequantizeLinear): one scale for the tensor, or one per index of axis 0.
     */
    @Override
    public INDArray dequantize(QuantizedTensor q) {
        if (!q.scheme().equals(id()) || q.scale() == null || q.zeroPoint() == null) {
            throw new IllegalArgumentException("affine cannot dequantize a tensor of scheme " + q.scheme());
        }
        INDArray codes = q.codes();
        long c = q.scale().length();
        if (c != 1 && (codes.rank() < 2 || codes.size(0) != c)) {
            throw new IllegalArgumentException(c + " scales for codes of shape " + Arrays.toString(codes.shape()));
        }
        long[] shape = new long[Math.max(codes.rank(), 1)];
        Arrays.fill(shape, 1);
        shape[0] = c;
        INDArray zp = q.zeroPoint().castTo(DataType.DOUBLE).reshape(c == 1 ? ones(codes.rank()) : shape);
        INDArray scale = q.scale().castTo(DataType.FLOAT).reshape(c == 1 ? ones(codes.rank()) : shape);
        return codes.castTo(DataType.DOUBLE).sub(zp).castTo(DataType.FLOAT).mul(scale);
    }

    /** The grid of {@code x} under {@code params}: per channel along axis 0, or per tensor. */
    static AffineQuantization grid(INDArray x, AffineParams params) {
        if (params.perChannel() && x.rank() < 2) {
            throw new IllegalArgumentException("per-channel quantization of a tensor of shape "
                    + Arrays.toString(x.shape()) + ": it has no channel axis (use granularity per-tensor)");
        }
        return AffineWeightGrid.of(x, params.bits(), params.perChannel() ? 0 : AffineQuantization.PER_TENSOR,
                params.symmetric(), params.reduceRange());
    }

    private static long[] ones(int rank) {
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        return s;
    }
}
