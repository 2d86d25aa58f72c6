package dev.condense.plugin.quant.fp16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.extension.NoParams;
import dev.condense.api.model.HalfPrecision;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.testkit.QuantizerContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Fp16QuantizerTest extends QuantizerContract<NoParams> {

    @Override
    protected Quantizer<NoParams> extension() {
        return new Fp16Quantizer();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    @Test
    void roundTripIsTheHalfPrecisionProjectionBitForBit() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), new long[] {20, 50})
                .castTo(DataType.FLOAT).mul(0.05);
        QuantizedTensor q = extension().quantize(w, params());
        assertEquals(DataType.FLOAT16, q.codes().dataType());
        assertEquals(16, q.bits());
        assertNull(q.scale());
        INDArray back = extension().dequantize(q);
        assertEquals(HalfPrecision.project(w), back);
        assertNull(new HalfPrecision().problemWith(back), "the IR accepts the result under a HalfPrecision annotation");
        assertTrue(back.neq(w).castTo(DataType.INT32).sumNumber().intValue() > 0, "rounding happened");
    }

    @Test
    void planted() {
        INDArray x = Nd4j.create(new float[] {1f, 1f + 1f / 4096, 1f + 3f / 4096, 70000f, 6.0e-8f}, new long[] {5});
        INDArray back = extension().dequantize(extension().quantize(x, params()));
        // 1 + 2^-12 is a tie between 1 and 1 + 2^-10: ties to even gives 1; 1 + 3*2^-12 rounds up to 1 + 2^-10
        assertEquals(Nd4j.create(new float[] {1f, 1f, 1f + 1f / 1024, Float.POSITIVE_INFINITY, 5.9604645e-8f},
                new long[] {5}), back);
    }

    @Test
    void otherSchemesAreRefused() {
        QuantizedTensor other = new QuantizedTensor(Nd4j.zeros(2), Nd4j.ones(1), Nd4j.zeros(1), null, 8, "affine");
        assertThrows(IllegalArgumentException.class, () -> extension().dequantize(other));
    }
}
