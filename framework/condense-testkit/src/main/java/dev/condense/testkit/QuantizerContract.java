package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contract tests for {@link Quantizer}s: the round trip keeps the shape, quantizing never mutates its input, the same
 * input gives the same codes, a per-tensor scheme with {@code b} bits reconstructs at most {@code 2^b} distinct
 * values, and a per-channel one (scales of length {@code x.size(0)}) at most {@code 2^b} per index of axis 0.
 *
 * @param <P> the quantizer's params record
 */
public abstract class QuantizerContract<P extends Record> extends ExtensionContract<Quantizer<P>> {

    @Override
    protected abstract P params();

    /** A seeded {@code [8, 6]} float tensor with both signs. */
    protected INDArray sample() {
        return Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(7), new long[] {8, 6}).castTo(DataType.FLOAT);
    }

    @Test
    void roundTripKeepsTheShapeAndDoesNotMutateTheInput() {
        INDArray x = sample();
        INDArray copy = x.dup();
        INDArray back = extension().dequantize(extension().quantize(x, params()));
        assertArrayEquals(x.shape(), back.shape());
        assertEquals(copy, x, "quantize mutated its input");
    }

    @Test
    void reconstructionUsesAtMostTwoToTheBitsValuesPerChannel() {
        INDArray x = sample();
        QuantizedTensor q = extension().quantize(x, params());
        if (q.scale() == null || q.scale().length() == 1) {
            return; // one group: the per-tensor bound below covers it
        }
        assertEquals(x.size(0), q.scale().length(), "per-channel scales group along axis 0");
        INDArray back = extension().dequantize(q).castTo(DataType.DOUBLE);
        for (long c = 0; c < x.size(0); c++) {
            Set<Double> distinct = new HashSet<>();
            for (double v : back.slice(c).dup().data().asDouble()) {
                distinct.add(v);
            }
            assertTrue(distinct.size() <= 1L << q.bits(), distinct.size() + " distinct values in channel " + c
                    + " with " + q.bits() + " bits");
        }
    }

    @Test
    void quantizingIsDeterministic() {
        QuantizedTensor a = extension().quantize(sample(), params());
        QuantizedTensor b = extension().quantize(sample(), params());
        assertEquals(a.codes(), b.codes());
    }

    @Test
    void reconstructionUsesAtMostTwoToTheBitsValuesPerTensor() {
        QuantizedTensor q = extension().quantize(sample(), params());
        if (q.scale() != null && q.scale().length() > 1) {
            return; // per-channel scales: the bound holds per channel, not per tensor
        }
        double[] values = extension().dequantize(q).castTo(DataType.DOUBLE).data().asDouble();
        Set<Double> distinct = new HashSet<>();
        for (double v : values) {
            distinct.add(v);
        }
        assertTrue(distinct.size() <= 1L << q.bits(), distinct.size() + " distinct values with " + q.bits() + " bits");
    }
}
