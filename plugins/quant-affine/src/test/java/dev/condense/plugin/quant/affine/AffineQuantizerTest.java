package dev.condense.plugin.quant.affine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.quant.AffineWeightGrid;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.testkit.QuantizerContract;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AffineQuantizerTest extends QuantizerContract<AffineParams> {

    @Override
    protected Quantizer<AffineParams> extension() {
        return new AffineQuantizer();
    }

    @Override
    protected AffineParams params() {
        return new AffineParams(4, "per-channel", true, false);
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new AffineParams(1, null, null, null), () -> new AffineParams(9, null, null, null),
                () -> new AffineParams(null, "per-row", null, null));
    }

    @Test
    void plantedSymmetricPerChannel() {
        // channel 0: max |x| 1.4 -> scale 0.2 at 4 bits (7 levels each side); channel 1: max |x| 0.7 -> scale 0.1
        INDArray x = Nd4j.create(new float[] {1.4f, -0.5f, 0.31f, 0.7f, -0.26f, 0.0f}, new long[] {2, 3});
        QuantizedTensor q = extension().quantize(x, params());
        assertEquals(Nd4j.create(new int[] {7, -2, 2, 7, -3, 0}, new long[] {2, 3}, DataType.INT32), q.codes());
        assertEquals(0.2f, q.scale().getFloat(0), 1e-7);
        assertEquals(0.1f, q.scale().getFloat(1), 1e-7);
        INDArray back = extension().dequantize(q);
        assertEquals(Nd4j.create(new float[] {1.4f, -0.4f, 0.4f, 0.7f, -0.3f, 0f}, new long[] {2, 3}), back);
    }

    @Test
    void plantedAsymmetricPerTensorThreeBits() {
        // range [-0.2, 1.2] over 7 steps: scale 0.2, zero point 1; codes 0..7
        INDArray x = Nd4j.create(new float[] {-0.2f, 0f, 0.5f, 1.2f}, new long[] {2, 2});
        QuantizedTensor q = extension().quantize(x, new AffineParams(3, "per-tensor", false, false));
        assertEquals(1, q.scale().length());
        assertEquals(1L, q.zeroPoint().getLong(0));
        assertEquals(Nd4j.create(new int[] {0, 1, 3, 7}, new long[] {2, 2}, DataType.INT32), q.codes());
        INDArray back = extension().dequantize(q);
        assertEquals(0.4f, back.getFloat(1, 0), 1e-6); // 0.5 / 0.2f = 2.4999999 -> 2, code 3 -> (3 - 1) * 0.2
    }

    @Test
    void reduceRangeCapsAtSevenBits() {
        QuantizedTensor q = extension().quantize(sample(), new AffineParams(8, "per-channel", true, true));
        assertEquals(7, q.bits());
        assertTrue(q.codes().amaxNumber().intValue() <= 63);
    }

    @Test
    void perChannelOnATensorWithoutChannelsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> extension().quantize(Nd4j.ones(DataType.FLOAT, 5), params()));
        assertTrue(e.getMessage().contains("no channel axis"), e.getMessage());
    }

    @Test
    void gridIsTheSharedWeightGridBitForBit() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(11), new long[] {6, 3, 5, 5})
                .castTo(DataType.FLOAT).mul(0.1);
        for (AffineParams p : List.of(params(), new AffineParams(8, "per-tensor", false, false),
                new AffineParams(2, "per-channel", false, true))) {
            AffineQuantization expected = AffineWeightGrid.of(w, p.bits(), p.perChannel() ? 0
                    : AffineQuantization.PER_TENSOR, p.symmetric(), p.reduceRange());
            QuantizedTensor q = extension().quantize(w, p);
            assertEquals(expected.scale(), q.scale());
            assertEquals(expected.zeroPoint(), q.zeroPoint());
            assertEquals(expected.project(w), extension().dequantize(q), "round trip = the IR's projection");
        }
    }
}
