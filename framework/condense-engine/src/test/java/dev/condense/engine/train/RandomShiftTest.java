package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class RandomShiftTest {

    /** Two 1x3x3 images with values 1..9; sample 0 moves down-right by one, sample 1 up by one. */
    @Test
    void movesEachSampleByItsOwnOffsetAndFillsWithZero() {
        INDArray img = Nd4j.arange(1, 10).castTo(DataType.FLOAT).reshape(1, 1, 3, 3);
        INDArray x = Nd4j.concat(0, img, img.mul(10));
        INDArray out = RandomShift.shift(x, 1, new long[] {1, -1}, new long[] {1, 0});
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 4, 5}, out.get(
                NDArrayIndex.point(0)).dup().data().asFloat());
        assertArrayEquals(new float[] {40, 50, 60, 70, 80, 90, 0, 0, 0}, out.get(
                NDArrayIndex.point(1)).dup().data().asFloat());
        assertArrayEquals(x.shape(), out.shape());
        assertTrue(out.closeable(), "the result owns its buffer, so training can release each epoch's copy");
    }

    @Test
    void zeroOffsetIsIdentityPerChannel() {
        INDArray x = Nd4j.rand(new Random(3).nextLong(), new long[] {3, 2, 5, 4}).castTo(DataType.FLOAT);
        assertEquals(x, RandomShift.shift(x, 2, new long[3], new long[3]));
    }

    @Test
    void randomOffsetsStayWithinBoundAndKeepMass() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 50, 1, 9, 9);
        x.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.point(4), NDArrayIndex.point(4)).assign(1);
        INDArray out = RandomShift.shift(x, 2, new Random(7));
        assertEquals(50.0, out.sumNumber().doubleValue(), 1e-6);
        INDArray inner = out.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(2, 7), NDArrayIndex.interval(2, 7));
        assertEquals(50.0, inner.sumNumber().doubleValue(), 1e-6);
        double atCentre = out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(4), NDArrayIndex.point(4))
                .sumNumber().doubleValue();
        assertTrue(atCentre > 0 && atCentre < 50, "about 1 in 25 samples stays put, was " + atCentre);
    }

    @Test
    void rejectsNonImages() {
        assertThrows(IllegalArgumentException.class,
                () -> RandomShift.shift(Nd4j.zeros(DataType.FLOAT, 2, 784), 1, new long[2], new long[2]));
    }
}
