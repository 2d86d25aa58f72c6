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

/** {@link Codebook}: validation, {@code centroids[indices]} and the agreement check; {@link WeightMask} values. */
class CodebookTest {

    private static final INDArray CENTROIDS = Nd4j.createFromArray(-0.5f, 0f, 0.25f);

    @Test
    void weightsAreCentroidsAtTheIndices() {
        INDArray idx = Nd4j.createFromArray(new int[][] {{0, 1, 2}, {2, 2, 1}});
        Codebook c = new Codebook(CENTROIDS, idx);
        INDArray w = c.weights();
        assertArrayEquals(new long[] {2, 3}, w.shape());
        assertArrayEquals(new float[] {-0.5f, 0f, 0.25f, 0.25f, 0.25f, 0f}, w.reshape(6).toFloatVector());
        assertNull(c.problemWith(w));
        assertEquals(3, c.size());
        assertEquals(2, c.bits());
        INDArray off = w.dup();
        off.putScalar(0, 1, 0.1f);
        assertTrue(c.problemWith(off).startsWith("1 of 6"), c.problemWith(off));
        assertTrue(c.problemWith(Nd4j.zeros(DataType.FLOAT, 3, 2)).contains("shape"));
    }

    @Test
    void invalidCodebooksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Codebook(CENTROIDS, Nd4j.createFromArray(0, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Codebook(CENTROIDS, Nd4j.createFromArray(-1, 0)));
        assertThrows(IllegalArgumentException.class, () -> new Codebook(CENTROIDS, Nd4j.createFromArray(0f, 1f)));
        assertThrows(IllegalArgumentException.class, () -> new Codebook(Nd4j.zeros(DataType.FLOAT, 257),
                Nd4j.createFromArray(0)));
        assertThrows(IllegalArgumentException.class, () -> new Codebook(Nd4j.createFromArray(1f, Float.NaN),
                Nd4j.createFromArray(0)));
        assertEquals(8, new Codebook(Nd4j.zeros(DataType.FLOAT, 256), Nd4j.createFromArray(255)).bits());
        assertEquals(1, new Codebook(Nd4j.zeros(DataType.FLOAT, 1), Nd4j.createFromArray(0)).bits());
    }

    @Test
    void aMaskHoldsOnlyZerosAndOnesAndZeroesItsWeight() {
        assertThrows(IllegalArgumentException.class, () -> new WeightMask(Nd4j.createFromArray(0f, 0.5f)));
        assertThrows(IllegalArgumentException.class, () -> new WeightMask(Nd4j.createFromArray(0, 1)));
        WeightMask m = new WeightMask(Nd4j.createFromArray(0f, 1f, 1f));
        assertNull(m.problemWith(Nd4j.createFromArray(0f, 2f, -3f)));
        assertNull(m.problemWith(Nd4j.createFromArray(-0f, 2f, -3f)), "a negative zero is a zero");
        assertTrue(m.problemWith(Nd4j.createFromArray(1e-30f, 2f, -3f)).startsWith("1 weights"));
        assertTrue(m.problemWith(Nd4j.createFromArray(0f, 2f)).contains("shape"));
    }
}
