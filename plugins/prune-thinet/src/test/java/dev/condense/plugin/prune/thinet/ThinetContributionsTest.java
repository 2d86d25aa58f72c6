package dev.condense.plugin.prune.thinet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ThinetContributionsTest {

    /**
     * Conv contributions against a direct evaluation of the convolution sum, with stride 2, asymmetric padding
     * [top 1, left 0, bottom 0, right 1] and dilation 1 on a [2, 2, 4, 4] input and a [3, 2, 2, 2] weight
     * (output 2 x 2 per row). Summed over channels they are the conv output.
     */
    @Test
    void convContributionsMatchTheConvolutionSum() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(8), 2, 2, 4, 4).castTo(DataType.DOUBLE);
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), 3, 2, 2, 2).castTo(DataType.DOUBLE);
        int[] strides = {2, 2};
        int[] pads = {1, 0, 0, 1};
        int[] dil = {1, 1};
        assertEquals(2 * 2 * 2, ThinetContributions.convPositions(x, w, strides, pads, dil));
        int[] positions = {0, 3, 5, 6, 7};
        int[] outputs = {0, 2, 1, 1, 0};
        INDArray c = ThinetContributions.conv(x, w, strides, pads, dil, positions, outputs);
        assertArrayEquals(new long[] {5, 2}, c.shape());
        for (int s = 0; s < positions.length; s++) {
            int n = positions[s] / 4;
            int oh = positions[s] / 2 % 2;
            int ow = positions[s] % 2;
            for (int ch = 0; ch < 2; ch++) {
                double expected = 0;
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        int h = oh * 2 - 1 + i;
                        int v = ow * 2 + j;
                        if (h >= 0 && h < 4 && v >= 0 && v < 4) {
                            expected += w.getDouble(outputs[s], ch, i, j) * x.getDouble(n, ch, h, v);
                        }
                    }
                }
                assertEquals(expected, c.getDouble(s, ch), 1e-9, "sample " + s + " channel " + ch);
            }
        }
    }

    @Test
    void samplingIsDeterministicAndInRange() {
        int[] a = ThinetContributions.sample(3, 50, 7);
        assertArrayEquals(a, ThinetContributions.sample(3, 50, 7));
        assertEquals(0, java.util.Arrays.stream(a).filter(i -> i < 0 || i >= 7).count());
    }
}
