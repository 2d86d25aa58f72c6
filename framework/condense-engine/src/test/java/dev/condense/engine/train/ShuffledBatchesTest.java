package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.data.DataSplit;
import dev.condense.api.train.Augmentation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ShuffledBatchesTest {

    /** 20 images 1x6x6, one lit pixel at (3, 3) whose value is the row's index + 1; labels are index mod 4. */
    private static DataSplit planted() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 20, 1, 6, 6);
        INDArray y = Nd4j.createFromArray(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
        x.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(3), NDArrayIndex.point(3))
                .assign(Nd4j.arange(1, 21).castTo(DataType.FLOAT));
        return new DataSplit(x, y);
    }

    /** Flat position of the lit pixel of each row, keyed by its value (the row's identity). */
    private static java.util.Map<Integer, Integer> positions(DataSet d) {
        INDArray flat = d.getFeatures().reshape(d.numExamples(), 36);
        INDArray values = flat.max(1);
        INDArray where = flat.argMax(1);
        java.util.Map<Integer, Integer> out = new java.util.TreeMap<>();
        for (int i = 0; i < d.numExamples(); i++) {
            out.put(values.getInt(i), where.getInt(i));
        }
        return out;
    }

    @Test
    void augmentationKeepsTheShufflingOrderAndMovesEachImageAfresh() {
        ShuffledBatches plain = new ShuffledBatches(planted(), 4, 20, 0, 5);
        ShuffledBatches shifted = new ShuffledBatches(planted(), 4, 20, 0, 5, new Augmentation(1));
        DataSet a = plain.next();
        DataSet b = shifted.next();
        assertEquals(a.getLabels(), b.getLabels());
        // each image still holds its one pixel (value label + 1), now somewhere in the 3x3 around the centre
        assertEquals(a.getFeatures().sum(1, 2, 3), b.getFeatures().sum(1, 2, 3));
        INDArray window = b.getFeatures().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, 5),
                NDArrayIndex.interval(2, 5));
        assertEquals(b.getFeatures().sumNumber().doubleValue(), window.sumNumber().doubleValue(), 1e-6);
        assertNotEquals(a.getFeatures(), b.getFeatures());
        assertEquals(20, positions(b).size(), "every row keeps its pixel");
        shifted.reset();
        plain.reset();
        DataSet c = shifted.next();
        assertEquals(plain.next().getLabels(), c.getLabels());
        assertNotEquals(positions(b), positions(c), "a new epoch draws new offsets");
    }

    /** Reused batch arrays hold the same batches as new ones, over two epochs and a shorter last batch. */
    @Test
    void reusedArraysHoldTheSameBatches() {
        ShuffledBatches fresh = new ShuffledBatches(planted(), 4, 7, 0, 3, new Augmentation(1));
        ShuffledBatches reusing = new ShuffledBatches(planted(), 4, 7, 0, 3, new Augmentation(1));
        reusing.reuseArrays();
        INDArray firstFull = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            while (fresh.hasNext()) {
                DataSet want = fresh.next();
                DataSet got = reusing.next();
                assertEquals(0.0, want.getFeatures().sub(got.getFeatures()).amaxNumber().doubleValue());
                assertEquals(0.0, want.getLabels().sub(got.getLabels()).amaxNumber().doubleValue());
                assertEquals(java.util.Arrays.toString(want.getFeatures().shape()),
                        java.util.Arrays.toString(got.getFeatures().shape()));
                if (got.getLabels().size(0) == 7) {
                    if (firstFull == null) {
                        firstFull = got.getLabels();
                    }
                    assertSame(firstFull, got.getLabels(), "one array per batch size");
                }
            }
            assertFalse(reusing.hasNext());
            fresh.reset();
            reusing.reset();
        }
    }

    @Test
    void augmentationNeedsImages() {
        DataSplit flat = new DataSplit(Nd4j.zeros(DataType.FLOAT, 4, 36), Nd4j.zeros(DataType.INT32, 4));
        assertThrows(IllegalArgumentException.class,
                () -> new ShuffledBatches(flat, 2, 2, 0, 1, new Augmentation(1)));
    }
}
