package dev.condense.api.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.quant.Calibrator.ClipRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class HistogramAccumulatorTest {

    /** Captures the histogram and returns the full observed range. */
    private static final class Capture extends HistogramAccumulator {
        ValueHistogram seen;

        Capture(int bins) {
            super(bins);
        }

        protected ClipRange choose(ValueHistogram h, int bits, boolean symmetric) {
            seen = h;
            return new ClipRange(-h.absMax(), h.absMax());
        }
    }

    @Test
    void plantedValuesLandInTheirBinsAcrossBatches() {
        Capture c = new Capture(4); // 8 bins of width 1 over [-4, 4]
        float[] a = {-4f, -0.5f, 0f, 0.25f};
        float[] b = {1.5f, 3.99f, 4f, -2.5f};
        c.observe(0, Nd4j.createFromArray(a));
        c.observe(0, Nd4j.createFromArray(b));
        c.observe(1, Nd4j.createFromArray(b));
        c.observe(1, Nd4j.createFromArray(a).reshape(2, 2));
        assertEquals(new ClipRange(-4, 4), c.range(8, false));
        assertArrayEquals(new double[] {1, 1, 0, 1, 2, 1, 0, 2}, c.seen.counts());
        assertArrayEquals(new double[] {2, 1, 0, 2}, c.seen.positiveHalf());
        assertArrayEquals(new double[] {3, 1, 1, 3}, c.seen.folded());
        assertEquals(1.0, c.seen.binWidth(), 0.0);
    }

    @Test
    void nonNegativeDataClipsTheLowerEndToZero() {
        Capture c = new Capture(4); // 4 bins of width 0.5 over [0, 2]
        c.observe(0, Nd4j.createFromArray(0f, 2f, 0.6f));
        c.observe(1, Nd4j.createFromArray(0f, 2f, 0.6f));
        assertEquals(new ClipRange(0, 2), c.range(8, false));
        assertEquals(new ClipRange(-2, 2), c.range(8, true));
        assertArrayEquals(new double[] {1, 1, 0, 1}, c.seen.counts());
        assertArrayEquals(new double[] {1, 1, 0, 1}, c.seen.folded());
        assertEquals(0.5, c.seen.binWidth(), 0.0);
    }

    @Test
    void passOrderIsEnforced() {
        Capture c = new Capture(4);
        assertThrows(IllegalStateException.class, () -> c.observe(1, Nd4j.createFromArray(1f)));
        c.observe(0, Nd4j.createFromArray(1f));
        assertThrows(IllegalStateException.class, () -> c.range(8, false));
        c.observe(1, Nd4j.createFromArray(1f));
        assertThrows(IllegalStateException.class, () -> c.observe(0, Nd4j.createFromArray(1f)));
        assertThrows(IllegalArgumentException.class, () -> new Capture(0));
    }
}
