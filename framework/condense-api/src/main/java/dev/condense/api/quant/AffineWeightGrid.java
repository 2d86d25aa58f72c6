package dev.condense.api.quant;

import dev.condense.api.model.AffineQuantization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The affine grid of a weight from its own values (min/max, no calibration), per tensor or per output channel:
 * the one computation behind the engine's post-training weights ({@code engine.quant.WeightGrid}), the
 * {@code quant-affine} plugin and quantization-aware training, so all three give the same scales bit for bit.
 * <ul>
 *   <li>symmetric: signed, zero point 0, {@code scale = max|w| / (2^(bits-1) - 1)} (ONNX Runtime's int8 weights);</li>
 *   <li>asymmetric: unsigned, {@code scale = (max - min) / (2^bits - 1)} over the range widened to contain 0, zero
 *       point {@code round(-min / scale)} clamped to {@code [0, 2^bits - 1]}.</li>
 * </ul>
 * Statistics are taken in float64, the scale is stored in float32. A channel of zeros gets the smallest normal float
 * as scale. {@code reduceRange} caps the width at 7 bits, for CPUs without VNNI whose 8-bit multiply-add
 * (vpmaddubsw) saturates (ONNX Runtime's {@code reduce_range}). See Jacob et al. 2018, "Quantization and Training of
 * Neural Networks for Efficient Integer-Arithmetic-Only Inference", section 2.1, for the affine scheme.
 */
public final class AffineWeightGrid {

    private AffineWeightGrid() {
    }

    /**
     * @param w           the float weight, rank 1 or more, not modified
     * @param bits        2 to 8
     * @param axis        the channel axis (0, or 1 for a rank-2 {@code [in, out]} weight), or
     *                    {@link AffineQuantization#PER_TENSOR}
     * @param symmetric   signed with zero point 0, else unsigned with a zero point
     * @param reduceRange at most 7 bits
     * @return the grid: {@code C} scales and zero points ({@code C = w.size(axis)}, 1 per tensor), bits
     *         {@code min(bits, 7)} with {@code reduceRange}
     * @throws IllegalArgumentException for bits outside [2, 8], or an axis the weight does not have
     */
    public static AffineQuantization of(INDArray w, int bits, int axis, boolean symmetric, boolean reduceRange) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("weight bits must be in [2, 8], was " + bits);
        }
        int b = reduceRange ? Math.min(bits, 7) : bits;
        if (axis > 1 || (axis == 1 && w.rank() != 2) || (axis == 0 && w.rank() < 2)) {
            throw new IllegalArgumentException("channel axis " + axis + " of a rank-" + w.rank() + " weight"
                    + (w.rank() < 2 ? " (a weight without channels is quantized per tensor)" : ""));
        }
        boolean perChannel = axis != AffineQuantization.PER_TENSOR;
        INDArray v = axis == 1 ? w.transpose() : w;
        long c = perChannel ? v.size(0) : 1;
        INDArray rows = v.castTo(DataType.DOUBLE).dup('c').reshape('c', c, w.length() / c);
        INDArray lo = Transforms.min(rows.min(1), 0.0);
        INDArray hi = Transforms.max(rows.max(1), 0.0);
        INDArray scale;
        INDArray zp;
        if (symmetric) {
            INDArray m = Transforms.max(Transforms.abs(lo), hi);
            scale = m.div((1 << (b - 1)) - 1);
            zp = Nd4j.zeros(DataType.INT64, c);
        } else {
            long qmax = (1L << b) - 1;
            scale = hi.sub(lo).div(qmax);
            scale = Transforms.max(scale, Float.MIN_NORMAL);
            zp = Transforms.min(Transforms.max(Transforms.round(lo.neg().div(scale)), 0.0), (double) qmax)
                    .castTo(DataType.INT64);
        }
        scale = Transforms.max(scale.castTo(DataType.FLOAT), Float.MIN_NORMAL);
        return new AffineQuantization(scale, zp, axis, b, symmetric);
    }
}
