package dev.condense.plugin.calib.entropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.testkit.CalibratorContract;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class EntropyCalibratorTest extends CalibratorContract<EntropyParams> {

    @Override
    protected Calibrator<EntropyParams> extension() {
        return new EntropyCalibrator();
    }

    @Override
    protected EntropyParams params() {
        return new EntropyParams(512);
    }

    @Override
    protected long maxRetainedValues() {
        return 1024 + 16;
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new EntropyParams(511), () -> new EntropyParams(1 << 17));
    }

    private static final double[] SMALL = {4, 4, 4, 4, 0, 0, 0, 1};

    /**
     * Hand-computed: keeping 2 bins gives P = (4, 13)/17 against Q = (1/2, 1/2); keeping 4 bins (two groups of two)
     * gives P = (4, 4, 4, 5)/17 against a uniform Q.
     */
    @Test
    void divergenceOfPlantedHistograms() {
        double keep2 = 4.0 / 17 * Math.log(8.0 / 17) + 13.0 / 17 * Math.log(26.0 / 17);
        double keep4 = 12.0 / 17 * Math.log(16.0 / 17) + 5.0 / 17 * Math.log(20.0 / 17);
        assertEquals(keep2, KlThreshold.divergence(SMALL, 2, 9, 2), 1e-12);
        assertEquals(keep4, KlThreshold.divergence(SMALL, 4, 1, 2), 1e-12);
    }

    /** An outlier alone in the last quantized group is represented exactly, so the full range wins (KL 0). */
    @Test
    void anIsolatedOutlierInItsOwnGroupCostsNothing() {
        assertEquals(0.0, KlThreshold.divergence(SMALL, 8, 0, 2), 1e-6);
        assertEquals(8, KlThreshold.search(SMALL, 2));
    }

    /** The clipped mass piles up on the last kept bin: keeping fewer bins than the body costs more. */
    @Test
    void clippingTheBodyCostsMoreThanKeepingIt() {
        double[] body = new double[64];
        for (int j = 0; j < 40; j++) {
            body[j] = 100 - 2 * j;
        }
        int kept = KlThreshold.search(body, 8);
        assertTrue(kept >= 36, "the body spans 40 bins; kept " + kept);
    }

    private static ClipRange calibrate(INDArray x, boolean symmetric) {
        Accumulator a = new EntropyCalibrator().accumulator(new EntropyParams());
        a.observe(0, x);
        a.observe(1, x);
        return a.range(8, symmetric);
    }

    /** N(0, 1): the 8-bit KL threshold clips the thin tails, between 2.5 and the largest |x| (about 4.4). */
    @Test
    void gaussianThresholdClipsTheTails() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {100_000}).castTo(DataType.FLOAT);
        double amax = x.amaxNumber().doubleValue();
        ClipRange r = calibrate(x, true);
        assertTrue(r.max() > 2.5 && r.max() < amax, "threshold " + r + ", max |x| " + amax);
    }

    /** A far outlier (50 sigma): the threshold stays near the body, far below the outlier. */
    @Test
    void aFarOutlierIsClipped() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {100_000}).castTo(DataType.FLOAT);
        x.putScalar(99, 50f);
        ClipRange r = calibrate(x, true);
        assertTrue(r.max() < 15, "threshold " + r);
        ClipRange relu = calibrate(Transforms.relu(x, true), false);
        assertEquals(0.0, relu.min(), 0.0);
        assertTrue(relu.max() < 15, "post-ReLU threshold " + relu);
        assertTrue(r.max() >= 50.0 * 128 / 2048, "the smallest candidate is 128 of 2048 bins: " + r);
    }
}
