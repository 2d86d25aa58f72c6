package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@link OrtAdam} computes libnd4j's {@code adam_updater} bit for bit: 60 steps on planted gradients (seeded
 * normal, a block of exact zeros, a block of large values, scale 1e-3 to 1e2), its updates and moment estimates
 * against ND4J's Adam updater on the same gradients. Tolerance: none.
 */
class OrtAdamTest {

    @Test
    void updatesAndStateEqualLibnd4jAdamBitForBit() {
        int n = 10_007;
        Adam config = new Adam(2e-3, 0.9, 0.999, 1e-8);
        INDArray grads = Nd4j.zeros(DataType.FLOAT, 1, n);
        GradientUpdater<?> reference = config.instantiate(Nd4j.zeros(DataType.FLOAT, 1, 2L * n), true);
        try (OrtAdam adam = OrtAdam.over(config, grads)) {
            var rng = Nd4j.getRandomFactory().getNewRandomInstance(17);
            for (int it = 0; it < 60; it++) {
                INDArray g = Nd4j.randn(rng, new long[] {1, n}).castTo(DataType.FLOAT).muli(Math.pow(10, it % 6 - 3));
                g.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 100)).assign(0);
                INDArray want = g.dup();
                reference.applyUpdater(want, it, 0);
                grads.assign(g);
                adam.apply(it, 0);
                assertEquals(0.0, maxDiff(want, grads), "update at iteration " + it);
            }
            INDArray state = reference.getState().get("M").reshape(1, n);
            assertEquals(0.0, maxDiff(state, adam.state()[0]), "m");
            assertEquals(0.0, maxDiff(reference.getState().get("V").reshape(1, n), adam.state()[1]), "v");
        }
    }

    private static double maxDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
