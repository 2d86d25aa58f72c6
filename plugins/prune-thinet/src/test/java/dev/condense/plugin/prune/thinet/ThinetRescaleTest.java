package dev.condense.plugin.prune.thinet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ThinetRescaleTest {

    private static INDArray randn(long seed, long... shape) {
        return Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(seed), shape).castTo(DataType.DOUBLE);
    }

    @Test
    void leastSquaresRecoversPlantedWeightsOnNoiselessData() {
        INDArray x = randn(5, 20, 3);
        INDArray w = Nd4j.create(new double[] {0.5, -1, 2, 3, 0.25, -0.75}, new long[] {2, 3});
        INDArray fit = ThinetRescale.leastSquares(x, x.mmul(w.transpose()));
        assertArrayEquals(new long[] {2, 3}, fit.shape());
        assertEquals(0.0, fit.castTo(DataType.DOUBLE).sub(w).norm2Number().doubleValue(), 1e-5);
    }

    /**
     * Feature 1 is always twice feature 0 (x1 = 2 x0). Removing it and refitting moves its weight onto feature 0:
     * w_hat[:, 0] = w[:, 0] + 2 w[:, 1], w_hat[:, 1] = w[:, 2], and the outputs are reproduced exactly.
     */
    @Test
    void gemmRefitAbsorbsARedundantFeature() {
        INDArray base = randn(9, 16, 2);
        INDArray x = Nd4j.hstack(base.getColumn(0).reshape(16, 1), base.getColumn(0).mul(2).reshape(16, 1),
                base.getColumn(1).reshape(16, 1));
        INDArray w = Nd4j.create(new double[] {1, 1, -1, 0.5, -2, 3}, new long[] {2, 3});
        INDArray fit = ThinetRescale.gemm(x, w, new int[] {0, 2}).castTo(DataType.DOUBLE);
        INDArray expected = Nd4j.create(new double[] {3, -1, -3.5, 3}, new long[] {2, 2});
        assertEquals(0.0, fit.sub(expected).norm2Number().doubleValue(), 1e-5, fit.toString());
    }

    /** Contributions where channel 1 = 0.5 x channel 0: dropping channel 1 is compensated by scaling channel 0 by 1.5. */
    @Test
    void channelScalesCompensateRemovedChannels() {
        INDArray a = randn(3, 12, 1);
        INDArray b = randn(4, 12, 1);
        INDArray c = Nd4j.hstack(a, a.mul(0.5), b);
        INDArray s = ThinetRescale.channelScales(c, new int[] {0, 2});
        assertEquals(1.5, s.getDouble(0), 1e-5);
        assertEquals(1.0, s.getDouble(1), 1e-5);
    }

    @Test
    void anAllZeroKeptColumnGetsWeightZeroInsteadOfASingularSystem() {
        INDArray x = Nd4j.hstack(randn(6, 10, 1), Nd4j.zeros(DataType.DOUBLE, 10, 1));
        INDArray fit = ThinetRescale.leastSquares(x, x.getColumn(0).mul(3).reshape(10, 1));
        assertEquals(3.0, fit.getDouble(0, 0), 1e-5);
        assertEquals(0.0, fit.getDouble(0, 1), 1e-9);
    }
}
