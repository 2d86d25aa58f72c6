package dev.condense.api.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link AffineQuantization}: ranges, validation, rounding, per-channel broadcasting and the exact projection. */
class AffineQuantizationTest {

    @Test
    void rangesFollowBitsAndSign() {
        AffineQuantization s8 = AffineQuantization.perTensor(0.1f, 0, 8, true);
        assertEquals(-128, s8.qmin());
        assertEquals(127, s8.qmax());
        AffineQuantization u4 = AffineQuantization.perTensor(0.1f, 3, 4, false);
        assertEquals(0, u4.qmin());
        assertEquals(15, u4.qmax());
        AffineQuantization s32 = AffineQuantization.perTensor(0.01f, 0, 32, true);
        assertEquals(Integer.MIN_VALUE, s32.qmin());
        assertEquals(Integer.MAX_VALUE, s32.qmax());
    }

    @Test
    void invalidParametersAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(0.1f, 0, 1, true));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(0.1f, 0, 9, true));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(0.1f, 0, 32, false));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(0.1f, 1, 32, true));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(0f, 0, 8, true));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(Float.NaN, 0, 8, true));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(Float.POSITIVE_INFINITY, 0, 8, true));
        IllegalArgumentException zp = assertThrows(IllegalArgumentException.class,
                () -> AffineQuantization.perTensor(0.1f, 128, 8, true));
        assertTrue(zp.getMessage().contains("[-128, 127]"), zp.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perTensor(0.1f, -1, 8, false));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perChannel(new float[] {0.1f, 0.2f},
                new long[] {0}, 0, 8, true), "one zero point per scale");
        assertThrows(IllegalArgumentException.class, () -> new AffineQuantization(Nd4j.createFromArray(0.1f, 0.2f),
                Nd4j.createFromArray(0L, 0L), AffineQuantization.PER_TENSOR, 8, true), "per tensor has one scale");
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.perChannel(new float[] {0.1f},
                new long[] {0}, -1, 8, true));
    }

    @Test
    void quantizeRoundsTiesToEvenAndClampsToTheRange() {
        AffineQuantization q = AffineQuantization.perTensor(0.5f, 10, 8, false);
        INDArray w = Nd4j.createFromArray(0.25f, 0.75f, -0.25f, 1.0f, 200f, -200f);
        // w / s = 0.5, 1.5, -0.5, 2 -> rint 0, 2, -0 (ties to even), 2; + 10; then clamped to [0, 255]
        assertArrayEquals(new double[] {10, 12, 10, 12, 255, 0}, q.quantize(w).toDoubleVector());
        assertArrayEquals(new float[] {0f, 1f, 0f, 1f, 122.5f, -5f}, q.project(w).toFloatVector());
    }

    @Test
    void perChannelScalesBroadcastAlongTheAxis() {
        AffineQuantization q = AffineQuantization.perChannel(new float[] {1f, 0.25f}, new long[] {0, 4}, 1, 8, true);
        INDArray w = Nd4j.createFromArray(new float[][] {{3f, 0.5f}, {-2f, -0.25f}, {1f, 1f}});
        INDArray ints = q.quantize(w);
        assertArrayEquals(new double[] {3, 6, -2, 3, 1, 8}, ints.reshape(6).toDoubleVector());
        assertEquals(DataType.FLOAT, q.dequantize(ints).dataType());
        assertTrue(q.project(w).equals(w), "values on the grid project onto themselves");
        assertNull(q.problemWith(w));
        INDArray wrongChannels = Nd4j.ones(DataType.FLOAT, 2, 3);
        assertTrue(q.problemWith(wrongChannels).contains("3 channels"), q.problemWith(wrongChannels));
        assertThrows(IllegalArgumentException.class, () -> q.quantize(wrongChannels));
        assertTrue(AffineQuantization.perChannel(new float[] {1f}, new long[] {0}, 2, 8, true)
                .problemWith(w).contains("outside"));
    }

    /** A seeded random weight, projected, agrees exactly; one value nudged by an ulp does not. */
    @Test
    void projectionIsExactAndOffGridValuesAreCounted() {
        Nd4j.getRandom().setSeed(5);
        INDArray raw = Nd4j.randn(DataType.FLOAT, 16, 3, 3, 3);
        float[] scales = new float[16];
        long[] zps = new long[16];
        for (int c = 0; c < 16; c++) {
            scales[c] = raw.slice(c).amaxNumber().floatValue() / 127f;
        }
        AffineQuantization q = AffineQuantization.perChannel(scales, zps, 0, 8, true);
        INDArray w = q.project(raw);
        assertNull(q.problemWith(w));
        assertTrue(q.problemWith(raw).startsWith("432 of 432") || q.problemWith(raw).contains(" of 432 "),
                q.problemWith(raw));
        INDArray nudged = w.dup();
        nudged.putScalar(new long[] {3, 1, 2, 0}, Math.nextUp(nudged.getFloat(3, 1, 2, 0)));
        assertTrue(q.problemWith(nudged).startsWith("1 of 432"), q.problemWith(nudged));
        assertTrue(q.problemWith(w.castTo(DataType.DOUBLE)).contains("float32"));
    }

    @Test
    void int32BiasesAreExactBeyondFloatIntegers() {
        AffineQuantization q = AffineQuantization.perTensor(1f, 0, 32, true);
        INDArray w = Nd4j.createFromArray(16_777_216f, -3f);
        assertArrayEquals(new double[] {16_777_216, -3}, q.quantize(w).toDoubleVector());
        assertNull(q.problemWith(w));
    }

    /** Symmetric 3 bits over max|w| = 1.5: scale 0.5, levels -3..3; the extreme weights are levels exactly. */
    @Test
    void symmetricCoversTheLargestWeightWithZeroAtZero() {
        INDArray w = Nd4j.createFromArray(0.7f, -1.5f, 0.2f);
        AffineQuantization q = AffineQuantization.symmetric(w, 3);
        assertEquals(0.5f, q.scale().getFloat(0), 0f);
        assertEquals(0L, q.zeroPoint().getLong(0));
        assertEquals(Nd4j.createFromArray(0.5f, -1.5f, 0f), q.project(w));
        assertThrows(IllegalArgumentException.class, () -> AffineQuantization.symmetric(w, 9));
    }
}
