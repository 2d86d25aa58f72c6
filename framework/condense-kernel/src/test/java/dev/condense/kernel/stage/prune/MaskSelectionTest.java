package dev.condense.kernel.stage.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.prune.Granularity;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaskSelectionTest {
    private final INDArray w = Nd4j.create(new float[] {0.1f, -0.8f, 0.3f, 0.05f, -0.2f, 0.9f, -0.4f, 0.7f}, new long[] {2, 4});

    @Test
    void elementMaskRemovesTheSmallestScores() {
        INDArray m = MaskSelection.mask(w, abs(w), Granularity.ELEMENT, 0.5, null);
        assertEquals(Nd4j.create(new float[] {0, 1, 0, 0, 0, 1, 1, 1}, new long[] {2, 4}), m);
    }

    @Test
    void neuronMaskRemovesWholeRows() {
        INDArray rowNorms = abs(w).sum(1);
        INDArray m = MaskSelection.mask(w, rowNorms, Granularity.NEURON, 0.5, null);
        assertEquals(Nd4j.create(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, new long[] {2, 4}), m);
    }

    @Test
    void channelMaskRemovesColumns() {
        INDArray colNorms = abs(w).sum(0);
        INDArray m = MaskSelection.mask(w, colNorms, Granularity.CHANNEL, 0.25, null);
        assertEquals(Nd4j.create(new float[] {0, 1, 1, 1, 0, 1, 1, 1}, new long[] {2, 4}), m);
    }

    @Test
    void previousMaskIsKept() {
        INDArray previous = Nd4j.create(new float[] {1, 0, 1, 1, 1, 1, 1, 1}, new long[] {2, 4});
        INDArray m = MaskSelection.mask(w, abs(w), Granularity.ELEMENT, 0.25, previous);
        assertEquals(Nd4j.create(new float[] {0, 0, 1, 0, 1, 1, 1, 1}, new long[] {2, 4}), m);
    }

    @Test
    void zeroSparsityKeepsAllAndOneIsRejected() {
        assertEquals(8.0, MaskSelection.mask(w, abs(w), Granularity.ELEMENT, 0.0, null).sumNumber().doubleValue());
        assertThrows(IllegalArgumentException.class, () -> MaskSelection.mask(w, abs(w), Granularity.ELEMENT, 1.0, null));
    }

    private static INDArray abs(INDArray x) {
        return org.nd4j.linalg.ops.transforms.Transforms.abs(x, true);
    }
}
