package dev.condense.plugin.prune.thinet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class ThinetSelectionTest {

    /**
     * Gemm w = [[1, 1, 1], [2, -1, 1]] on x whose channel 0 is always 0 and channel 1 tiny: removing channel 0 costs
     * nothing, then channel 1 costs about 1e-3, channel 2 costs the most. Order 0, 1, 2.
     */
    @Test
    void zeroThenTinyThenLargeChannel() {
        var x = Nd4j.create(new double[] {0, 0.01, 1, 0, -0.02, 2, 0, 0.01, -1}, new long[] {3, 3});
        var w = Nd4j.create(new double[] {1, 1, 1, 2, -1, 1}, new long[] {2, 3});
        int[] rows = {0, 1, 2, 0, 1, 2};
        int[] outputs = {0, 0, 0, 1, 1, 1};
        var c = ThinetContributions.gemm(x, w, rows, outputs);
        assertEquals(0.02, c.getDouble(4, 1), 1e-12, "sample 4 is (row 1, output 1): x[1,1] * w[1,1] = -0.02 * -1");
        assertArrayEquals(new int[] {0, 1, 2}, ThinetSelection.removalOrder(c));
        assertEquals(Nd4j.create(new float[] {0, 1, 2}), ThinetSelection.ranks(new int[] {0, 1, 2}));
    }

    /**
     * Columns c0 = (1, 0), c1 = (-1.2, 0), c2 = (0, 1.1). Step 1 costs G_jj = 1, 1.44, 1.21: remove c0 (E = 1).
     * Step 2: c1 gives (1 - 1.2)^2 = 0.04, c2 gives 1 + 1.21 = 2.21: remove c1 although its norm is the largest,
     * because it cancels c0. Ranks: c0 = 0, c1 = 1, c2 = 2.
     */
    @Test
    void cancellingChannelsAreRemovedTogether() {
        var c = Nd4j.create(new double[] {1, -1.2, 0, 0, 0, 1.1}, new long[] {2, 3});
        assertArrayEquals(new int[] {0, 1, 2}, ThinetSelection.removalOrder(c));
    }

    /**
     * Columns c0 = (2, 2), c1 = c2 = (1, 1). Step 1: costs 8, 2, 2, the tie goes to c1. Step 2: c0 costs |(3, 3)|^2 = 18,
     * c2 costs |(2, 2)|^2 = 8: remove c2. Then c0.
     */
    @Test
    void tiesAreBrokenByIndex() {
        var c = Nd4j.create(new double[] {2, 1, 1, 2, 1, 1}, new long[] {2, 3});
        assertArrayEquals(new int[] {1, 2, 0}, ThinetSelection.removalOrder(c));
    }
}
