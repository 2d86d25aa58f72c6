package dev.condense.plugin.quant.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.extension.NoParams;
import dev.condense.api.quant.BitPacking;
import dev.condense.api.quant.QuantizedTensor;
import dev.condense.api.quant.Quantizer;
import dev.condense.testkit.QuantizerContract;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The testkit's {@link QuantizerContract} plus the binary scheme's own properties (per-channel: checked here). */
class BinaryQuantizerTest extends QuantizerContract<NoParams> {

    @Override
    protected Quantizer<NoParams> extension() {
        return new BinaryQuantizer();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    @Test
    void plantedWeightGetsSignCodesAndMeanAbsoluteScalesPerOutputChannel() {
        INDArray w = Nd4j.createFromArray(new float[][] {{1f, -3f}, {0.5f, 0f}});
        QuantizedTensor q = extension().quantize(w, params());
        assertEquals(1, q.bits());
        assertEquals("binary", q.scheme());
        assertEquals(DataType.INT8, q.codes().dataType());
        assertEquals(Nd4j.createFromArray(new byte[][] {{1, -1}, {1, 1}}), q.codes(), "0 codes as +1");
        assertEquals(Nd4j.createFromArray(2f, 0.25f), q.scale());
        assertEquals(Nd4j.zeros(DataType.INT64, 2), q.zeroPoint());
        assertEquals(Nd4j.createFromArray(new float[][] {{2f, -2f}, {0.25f, 0.25f}}), extension().dequantize(q));
    }

    @Test
    void eachOutputChannelReconstructsToTwoValuesPlusAndMinusItsScale() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {6, 4, 3, 3})
                .castTo(DataType.FLOAT);
        INDArray back = extension().dequantize(extension().quantize(w, params()));
        for (int c = 0; c < 6; c++) {
            Set<Float> distinct = new HashSet<>();
            for (float v : back.slice(c).dup().data().asFloat()) {
                distinct.add(Math.abs(v));
            }
            assertEquals(1, distinct.size(), "channel " + c + ": one magnitude");
        }
        assertEquals(w.gte(0), back.gte(0), "signs kept");
    }

    @Test
    void theScaleIsTheLeastSquaresOptimumForTheSigns() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {4, 30})
                .castTo(DataType.FLOAT);
        QuantizedTensor q = extension().quantize(w, params());
        double best = w.distance2(extension().dequantize(q));
        for (double f : new double[] {0.95, 1.05}) {
            QuantizedTensor moved = new QuantizedTensor(q.codes(), q.scale().mul(f), q.zeroPoint(), null, 1, "binary");
            assertTrue(w.distance2(extension().dequantize(moved)) > best, "scale x" + f + " fits worse");
        }
    }

    @Test
    void aRankOneTensorHasOneScaleAndAllZeroChannelsKeepAPositiveScale() {
        QuantizedTensor v = extension().quantize(Nd4j.createFromArray(-1f, 3f), params());
        assertEquals(Nd4j.createFromArray(2f), v.scale());
        QuantizedTensor z = extension().quantize(Nd4j.zeros(DataType.FLOAT, 2, 3), params());
        assertTrue(z.scale().minNumber().floatValue() > 0);
    }

    @Test
    void codesPackToOneBitEachAndUnpackToTheSameCodes() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(2), new long[] {50, 800})
                .castTo(DataType.FLOAT);
        QuantizedTensor q = extension().quantize(w, params());
        byte[] packed = BitPacking.pack(q.codes());
        assertEquals(50 * 800 / 8, packed.length, "1 bit per weight: 32x fewer bytes than float32");
        INDArray back = BitPacking.unpack(packed, 50, 800);
        assertEquals(q.codes().castTo(DataType.FLOAT), back);
        assertArrayEquals(w.shape(), back.shape());
    }

    @Test
    void otherSchemesAndEmptyTensorsAreRefused() {
        QuantizedTensor other = new QuantizedTensor(Nd4j.zeros(2), Nd4j.ones(1), Nd4j.zeros(1), null, 8, "affine");
        assertThrows(IllegalArgumentException.class, () -> extension().dequantize(other));
        assertThrows(IllegalArgumentException.class, () -> extension().quantize(Nd4j.zeros(DataType.FLOAT, 0),
                params()));
    }
}
