package dev.condense.engine.quant;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Signal-to-quantization-noise ratio in decibels, accumulated over batches:
 * {@code 10 log10(sum y^2 / sum (y - y_q)^2)} where {@code y} is the float model's tensor and {@code y_q} the
 * quantized model's. Sums are in double. Identical tensors give {@code +Infinity}; a zero reference with noise gives
 * {@code -Infinity}.
 */
public final class Sqnr {
    private double signal;
    private double noise;

    /** Adds one batch: {@code reference} and {@code quantized} of the same shape. */
    public void add(INDArray reference, INDArray quantized) {
        if (!java.util.Arrays.equals(reference.shape(), quantized.shape())) {
            throw new IllegalArgumentException("SQNR of tensors of shapes " + java.util.Arrays.toString(reference.shape())
                    + " and " + java.util.Arrays.toString(quantized.shape()));
        }
        INDArray y = reference.castTo(DataType.DOUBLE);
        INDArray d = y.sub(quantized.castTo(DataType.DOUBLE));
        signal += y.mul(y).sumNumber().doubleValue();
        noise += d.mul(d).sumNumber().doubleValue();
    }

    /** The ratio in dB of everything added. */
    public double decibels() {
        if (noise == 0) {
            return signal == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(signal / noise);
    }

    /** The SQNR in dB of one pair of tensors. */
    public static double of(INDArray reference, INDArray quantized) {
        Sqnr s = new Sqnr();
        s.add(reference, quantized);
        return s.decibels();
    }
}
