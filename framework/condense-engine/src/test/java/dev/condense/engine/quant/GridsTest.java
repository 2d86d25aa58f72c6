package dev.condense.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.quant.Calibrator.ClipRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link WeightGrid} and {@link ActivationGrid} on planted tensors. */
class GridsTest {

    @Test
    void symmetricPerChannelWeightScalesAreMaxAbsOver127() {
        INDArray w = Nd4j.createFromArray(new float[][] {{1f, -2.54f}, {0.5f, 0.25f}, {0f, 0f}});
        AffineQuantization q = WeightGrid.of(w, 8, 0, true, false);
        assertEquals(0, q.axis());
        assertEquals(8, q.bits());
        assertTrue(q.signed());
        assertEquals(2.54f / 127, q.scale().getFloat(0), 1e-9);
        assertEquals(0.5f / 127, q.scale().getFloat(1), 1e-9);
        assertEquals(Float.MIN_NORMAL, q.scale().getFloat(2));   // a zero channel keeps a positive scale
        assertArrayEquals(new long[] {0, 0, 0}, q.zeroPoint().toLongVector());
        INDArray codes = q.quantize(w);
        assertEquals(-127, codes.getDouble(0, 1));
        assertEquals(127, codes.getDouble(1, 0));
    }

    @Test
    void axisOneGroupsColumnsAndReduceRangeUsesSevenBits() {
        INDArray w = Nd4j.createFromArray(new float[][] {{1f, -8f}, {-3f, 2f}});   // [in, out]
        AffineQuantization q = WeightGrid.of(w, 8, 1, true, true);
        assertEquals(1, q.axis());
        assertEquals(7, q.bits());
        assertEquals(3f / 63, q.scale().getFloat(0), 1e-9);
        assertEquals(8f / 63, q.scale().getFloat(1), 1e-9);
    }

    @Test
    void asymmetricPerTensorWeightMapsMinAndMaxToTheEnds() {
        INDArray w = Nd4j.createFromArray(-1f, 0f, 3f);
        AffineQuantization q = WeightGrid.of(w, 8, AffineQuantization.PER_TENSOR, false, false);
        assertFalse(q.signed());
        assertEquals(4f / 255, q.scale().getFloat(0), 1e-7);
        assertEquals(64, q.zeroPoint().getLong(0));   // round(1 / (4/255)) = round(63.75)
        INDArray codes = q.quantize(w);
        assertEquals(0, codes.getDouble(0));
        assertEquals(64, codes.getDouble(1));
        assertEquals(255, codes.getDouble(2));
    }

    @Test
    void biasScaleIsInputScaleTimesWeightScaleInFloat32() {
        AffineQuantization w = AffineQuantization.perChannel(new float[] {0.5f, 0.25f}, new long[] {0, 0}, 0, 8, true);
        AffineQuantization b = WeightGrid.bias(0.1f, w, 2);
        assertEquals(32, b.bits());
        assertEquals(0.1f * 0.5f, b.scale().getFloat(0));
        assertEquals(0.1f * 0.25f, b.scale().getFloat(1));
        AffineQuantization t = WeightGrid.bias(0.1f, AffineQuantization.perTensor(0.5f, 0, 8, true), 3);
        assertEquals(3, t.scale().length());
    }

    @Test
    void activationGridsMatchOnnxRuntimesFormulas() {
        AffineQuantization relu = ActivationGrid.of(new ClipRange(0, 2.55), 8, false).affine();
        assertEquals(0.01f, relu.scale().getFloat(0), 1e-7);
        assertEquals(0, relu.zeroPoint().getLong(0));
        assertFalse(relu.signed());
        AffineQuantization mixed = ActivationGrid.of(new ClipRange(-1, 3), 8, false).affine();
        assertEquals(4f / 255, mixed.scale().getFloat(0), 1e-7);
        assertEquals(64, mixed.zeroPoint().getLong(0));
        ActivationQuantization sym = ActivationGrid.of(new ClipRange(-1, 3), 8, true);
        assertTrue(sym.affine().signed());
        assertEquals(3f / 127, sym.affine().scale().getFloat(0), 1e-7);
        assertEquals(0, sym.affine().zeroPoint().getLong(0));
        assertEquals(DataType.FLOAT, sym.affine().scale().dataType());
    }
}
