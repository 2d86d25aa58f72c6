package dev.condense.engine.quant;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.quant.AffineWeightGrid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The affine grid of a weight from its own values (min/max, no calibration), per tensor or per output channel (axis
 * 0 of the ONNX layout: Conv {@code [outC, inC, kH, kW]}, Gemm {@code [out, in]}).
 * <ul>
 *   <li>symmetric: signed, zero point 0, {@code scale = max|w| / (2^(bits-1) - 1)} (ORT's int8 weights);</li>
 *   <li>asymmetric: unsigned, {@code scale = (max - min) / (2^bits - 1)} over the range widened to contain 0, zero
 *       point {@code round(-min / scale)}.</li>
 * </ul>
 * A channel of zeros gets the smallest normal float as scale. {@code reduceRange} caps the width at 7 bits, for CPUs
 * without VNNI whose 8-bit multiply-add (vpmaddubsw) saturates. The computation is {@link AffineWeightGrid}'s (in the
 * API), shared with the {@code quant-affine} plugin and quantization-aware training.
 */
public final class WeightGrid {

    private WeightGrid() {
    }

    /**
     * @param w          the float weight, rank 1 or more
     * @param bits       2 to 8
     * @param axis       the channel axis (0, or 1 for a rank-2 {@code [in, out]} weight), or
     *                   {@link AffineQuantization#PER_TENSOR}
     */
    public static AffineQuantization of(INDArray w, int bits, int axis, boolean symmetric, boolean reduceRange) {
        return AffineWeightGrid.of(w, bits, axis, symmetric, reduceRange);
    }

    /**
     * The int32 grid of a bias read by a quantized Conv/Gemm: zero point 0, scale {@code inputScale * weightScale[c]}
     * computed in float32 (what ONNX Runtime's QLinearConv/QGemm assume of the bias's integers).
     */
    public static AffineQuantization bias(float inputScale, AffineQuantization weight, long length) {
        INDArray ws = weight.scale();
        INDArray s = ws.length() == 1 ? Nd4j.valueArrayOf(length, ws.getFloat(0) * inputScale)
                : ws.mul(inputScale).castTo(DataType.FLOAT);
        return new AffineQuantization(s, Nd4j.zeros(DataType.INT64, s.length()), 0, 32, true);
    }
}
