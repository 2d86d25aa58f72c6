package dev.condense.api.model;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Affine (uniform) quantization of a weight, as ONNX's QuantizeLinear/DequantizeLinear define it:
 * {@code q = clamp(rint(w / scale) + zeroPoint, qmin, qmax)} (ties to even) and {@code w = (q - zeroPoint) * scale},
 * per tensor or per channel along {@code axis}. The annotated float initializer holds the dequantized values
 * exactly ({@link #project}{@code (w)} equals {@code w} bit for bit), so what runs in float during training and
 * what ONNX Runtime computes from the exported integers are the same numbers.
 *
 * <p>Integer range: {@code bits} in [2, 8] signed is [-2^(bits-1), 2^(bits-1) - 1], unsigned [0, 2^bits - 1];
 * {@code bits} 32 (biases) is signed int32 with zero points 0. The exporter stores 2-8 bit values in int8/uint8 and
 * 32-bit ones in int32.
 *
 * @param scale     float32 {@code [C]}, every element finite and > 0; {@code C} is 1 per tensor
 * @param zeroPoint int64 {@code [C]}, integers in [qmin, qmax] (0 for 32 bits)
 * @param axis      the channel axis of the weight (0-based, as in the ONNX layout: 0 for Gemm {@code [out, in]} and
 *                  Conv {@code [outC, ...]}), or {@link #PER_TENSOR}
 * @param bits      2 to 8, or 32
 * @param signed    whether the integer range is signed (always true for 32 bits)
 */
public record AffineQuantization(INDArray scale, INDArray zeroPoint, int axis, int bits, boolean signed)
        implements TensorAnnotation {

    /** The {@link #axis} of a per-tensor quantization (one scale and zero point for the whole tensor). */
    public static final int PER_TENSOR = -1;

    public AffineQuantization {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(zeroPoint, "zeroPoint");
        if (bits != 32 && (bits < 2 || bits > 8)) {
            throw new IllegalArgumentException("bits must be in [2, 8] or 32, was " + bits);
        }
        if (bits == 32 && !signed) {
            throw new IllegalArgumentException("32-bit quantization is signed (int32)");
        }
        if (axis < PER_TENSOR) {
            throw new IllegalArgumentException("axis must be >= 0, or PER_TENSOR (-1), was " + axis);
        }
        scale = scale.castTo(DataType.FLOAT).reshape(scale.length());
        zeroPoint = zeroPoint.castTo(DataType.INT64).reshape(zeroPoint.length());
        long c = scale.length();
        if (c == 0 || zeroPoint.length() != c) {
            throw new IllegalArgumentException("scale and zero point need the same nonzero length, were " + c + " and "
                    + zeroPoint.length());
        }
        if (axis == PER_TENSOR && c != 1) {
            throw new IllegalArgumentException("a per-tensor quantization has one scale, not " + c);
        }
        double minScale = scale.minNumber().doubleValue();
        double maxScale = scale.maxNumber().doubleValue();
        if (!(minScale > 0) || !Double.isFinite(maxScale)) {
            throw new IllegalArgumentException("scales must be finite and > 0, range was [" + minScale + ", "
                    + maxScale + "]");
        }
        long lo = min(bits, signed);
        long hi = max(bits, signed);
        long zMin = zeroPoint.minNumber().longValue();
        long zMax = zeroPoint.maxNumber().longValue();
        if (zMin < lo || zMax > hi || (bits == 32 && (zMin != 0 || zMax != 0))) {
            throw new IllegalArgumentException("zero points must be in [" + lo + ", " + hi + "]"
                    + (bits == 32 ? " and 0 for 32 bits" : "") + ", range was [" + zMin + ", " + zMax + "]");
        }
    }

    /** One scale and zero point for the whole tensor. */
    public static AffineQuantization perTensor(float scale, long zeroPoint, int bits, boolean signed) {
        return new AffineQuantization(Nd4j.createFromArray(scale), Nd4j.createFromArray(zeroPoint), PER_TENSOR, bits,
                signed);
    }

    /**
     * The symmetric signed per-tensor quantization of {@code bits} bits that covers {@code w}: zero point 0, scale
     * {@code max|w| / (2^(bits-1) - 1)}, so {@code w}'s values fall in {@code [-(2^(bits-1) - 1), 2^(bits-1) - 1]}.
     */
    public static AffineQuantization symmetric(INDArray w, int bits) {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be in [2, 8], was " + bits);
        }
        double max = Math.max(w.amaxNumber().doubleValue(), Float.MIN_NORMAL);
        return perTensor((float) (max / ((1 << (bits - 1)) - 1)), 0, bits, true);
    }

    /** One scale and zero point per index of {@code axis}. */
    public static AffineQuantization perChannel(float[] scales, long[] zeroPoints, int axis, int bits, boolean signed) {
        if (axis < 0) {
            throw new IllegalArgumentException("a per-channel axis is >= 0, was " + axis);
        }
        return new AffineQuantization(Nd4j.createFromArray(scales), Nd4j.createFromArray(zeroPoints), axis, bits,
                signed);
    }

    /** The smallest integer value: {@code -2^(bits-1)} signed, 0 unsigned. */
    public long qmin() {
        return min(bits, signed);
    }

    /** The largest integer value: {@code 2^(bits-1) - 1} signed, {@code 2^bits - 1} unsigned. */
    public long qmax() {
        return max(bits, signed);
    }

    /** The scales (float32) shaped to broadcast against a rank-{@code rank} tensor of this quantization. */
    public INDArray scaleFor(int rank) {
        return broadcast(scale, rank).dup();
    }

    /** The zero points (float32, whole numbers) shaped to broadcast against a rank-{@code rank} tensor. */
    public INDArray zeroPointFor(int rank) {
        return broadcast(zeroPoint, rank).castTo(DataType.FLOAT);
    }

    /** True when one scale covers the whole tensor. */
    public boolean perTensor() {
        return axis == PER_TENSOR;
    }

    /**
     * The integers of {@code w} (float {@code shape}): {@code clamp(rint(w / scale) + zeroPoint, qmin, qmax)},
     * computed in float64 and returned as a float64 array of {@code w}'s shape holding whole numbers (exact up to
     * 2^53, so int32 values are exact).
     */
    public INDArray quantize(INDArray w) {
        requireShape(w.shape());
        INDArray q = w.castTo(DataType.DOUBLE).div(broadcast(scale.castTo(DataType.DOUBLE), w.rank()));
        INDArray rounded = q.ulike();
        Nd4j.getExecutioner().exec(new Rint(q, rounded));
        rounded.addi(broadcast(zeroPoint.castTo(DataType.DOUBLE), w.rank()));
        return Transforms.min(Transforms.max(rounded, qmin(), false), qmax(), false);
    }

    /**
     * The float32 values of integers {@code q} (any numeric type, the weight's shape): {@code (q - zeroPoint) * scale},
     * the subtraction exact and rounded once to float32, the product in float32, as ONNX Runtime's
     * DequantizeLinear computes it.
     */
    public INDArray dequantize(INDArray q) {
        requireShape(q.shape());
        INDArray centered = q.castTo(DataType.DOUBLE).sub(broadcast(zeroPoint.castTo(DataType.DOUBLE), q.rank()));
        return centered.castTo(DataType.FLOAT).mul(broadcast(scale, q.rank()));
    }

    /** {@code dequantize(quantize(w))}: the nearest values this quantization can represent (float32). */
    public INDArray project(INDArray w) {
        return dequantize(quantize(w));
    }

    @Override
    public String problemWith(INDArray weight) {
        if (weight.dataType() != DataType.FLOAT) {
            return "a quantized initializer holds float32 dequantized values, not " + weight.dataType();
        }
        String shape = shapeProblem(weight.shape());
        if (shape != null) {
            return shape;
        }
        long off = weight.length() == 0 ? 0 : project(weight).neq(weight).castTo(DataType.INT64).sumNumber().longValue();
        return off == 0 ? null : off + " of " + weight.length() + " values are not dequantized values of this "
                + bits + "-bit quantization (project them with AffineQuantization.project)";
    }

    @Override
    public String kind() {
        return "affine";
    }

    private void requireShape(long[] shape) {
        String problem = shapeProblem(shape);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    private String shapeProblem(long[] shape) {
        if (perTensor()) {
            return null;
        }
        if (axis >= shape.length) {
            return "quantization axis " + axis + " is outside a tensor of shape " + Arrays.toString(shape);
        }
        return shape[axis] == scale.length() ? null : "quantization axis " + axis + " has " + shape[axis]
                + " channels in shape " + Arrays.toString(shape) + " but " + scale.length() + " scales";
    }

    /** {@code v} ({@code [C]}) shaped to broadcast along {@link #axis} of a rank-{@code rank} tensor. */
    private INDArray broadcast(INDArray v, int rank) {
        if (perTensor()) {
            return v.reshape(ones(rank));
        }
        long[] shape = ones(rank);
        shape[axis] = v.length();
        return v.reshape(shape);
    }

    private static long[] ones(int rank) {
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        return s;
    }

    private static long min(int bits, boolean signed) {
        return signed ? -(1L << (bits - 1)) : 0;
    }

    private static long max(int bits, boolean signed) {
        return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    }
}
