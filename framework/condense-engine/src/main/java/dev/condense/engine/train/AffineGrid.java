package dev.condense.engine.train;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An affine quantization grid for a weight: {@code q(w) = (clip(round(w / s) + z, qmin, qmax) - z) * s}, the float
 * value of the integer the exporter would store (ONNX QuantizeLinear then DequantizeLinear; ties round half away
 * from zero here, ONNX rounds half to even, which differs only for values exactly between two levels).
 *
 * @param scale     step {@code s} &gt; 0: a scalar (per tensor) or {@code [C]} along {@code axis} (per channel)
 * @param zeroPoint integer-valued {@code z}, shaped as {@code scale}
 * @param axis      the weight axis that {@code [C]} scales run along (ignored per tensor)
 * @param qmin      smallest stored integer (int8: -128, or -127 for a symmetric grid; uint8: 0)
 * @param qmax      largest stored integer (int8: 127; uint8: 255)
 */
public record AffineGrid(INDArray scale, INDArray zeroPoint, int axis, int qmin, int qmax) {

    public AffineGrid {
        Objects.requireNonNull(scale, "scale");
        Objects.requireNonNull(zeroPoint, "zeroPoint");
        if (scale.length() != zeroPoint.length() || scale.rank() > 1) {
            throw new IllegalArgumentException("scale and zero point must be scalars or [C] vectors of one length");
        }
        if (scale.minNumber().doubleValue() <= 0) {
            throw new IllegalArgumentException("quantization scales must be > 0");
        }
        if (qmin >= qmax) {
            throw new IllegalArgumentException("qmin must be < qmax, was " + qmin + " and " + qmax);
        }
        scale = scale.castTo(DataType.FLOAT);
        zeroPoint = zeroPoint.castTo(DataType.FLOAT);
    }

    /**
     * The symmetric per-tensor grid of {@code bits} bits that covers {@code w}: zero point 0, levels
     * {@code -(2^(bits-1) - 1) .. 2^(bits-1) - 1}, scale {@code max|w| / (2^(bits-1) - 1)}.
     */
    public static AffineGrid symmetric(INDArray w, int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("bits must be in [2, 16], was " + bits);
        }
        int levels = (1 << (bits - 1)) - 1;
        double max = Math.max(w.amaxNumber().doubleValue(), Float.MIN_NORMAL);
        return new AffineGrid(Nd4j.scalar((float) (max / levels)), Nd4j.scalar(0f), 0, -levels, levels);
    }

    /** {@code q(w)} computed now, with ND4J ops; a new array shaped as {@code w}. */
    public INDArray quantize(INDArray w) {
        INDArray s = broadcastable(scale, w.rank());
        INDArray z = broadcastable(zeroPoint, w.rank());
        INDArray q = Transforms.round(w.castTo(DataType.FLOAT).div(s), false).addi(z);
        return Transforms.min(Transforms.max(q, qmin, false), qmax, false).subi(z).muli(s);
    }

    /** {@code q(w)} in SameDiff for a weight variable of rank {@code rank} (no useful gradient: round's is zero). */
    public SDVariable quantize(SameDiff sd, SDVariable w, int rank) {
        SDVariable s = sd.constant(broadcastable(scale, rank));
        SDVariable z = sd.constant(broadcastable(zeroPoint, rank));
        SDVariable q = sd.math.round(w.div(s)).add(z);
        return sd.math.clipByValue(q, qmin, qmax).sub(z).mul(s);
    }

    /** The scale or zero point shaped to broadcast against a weight of rank {@code rank}. */
    private INDArray broadcastable(INDArray v, int rank) {
        if (v.length() == 1) {
            return v.reshape().dup();
        }
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[axis] = v.length();
        return v.reshape(shape).dup();
    }
}
