package dev.condense.plugin.calib.mse;

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

class MseCalibratorTest extends CalibratorContract<MseParams> {

    @Override
    protected Calibrator<MseParams> extension() {
        return new MseCalibrator();
    }

    @Override
    protected MseParams params() {
        return new MseParams(256);
    }

    @Override
    protected long maxRetainedValues() {
        return 2 * 256 + 16;
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new MseParams(127), () -> new MseParams(65537));
    }

    /** Bins [0,1) and [1,2), one value each, range [0, 1] in one step: 1/12 rounding plus 0.5^2 clipping, halved. */
    @Test
    void expectedErrorOfAPlantedHistogram() {
        assertEquals((1.0 / 12 + 0.25) / 2, MseSearch.expectedError(new double[] {1, 1}, 0, 1, 0, 1, 1), 1e-12);
        assertEquals(4.0 / 12, MseSearch.expectedError(new double[] {1, 1}, 0, 1, 0, 2, 1), 1e-12);
    }

    /** Uniform values: clipping only hurts, so the whole range wins. */
    @Test
    void uniformValuesKeepTheWholeRange() {
        double[] counts = new double[1000];
        java.util.Arrays.fill(counts, 7);
        assertTrue(MseSearch.bestFraction(counts, 0, 0.001, 0, 1, 255, 1000) >= 0.99);
    }

    /** Quantize-dequantize to 2^bits levels over r (asymmetric affine), as the exported model will. */
    private static double realMse(INDArray x, ClipRange r, int bits) {
        double s = (r.max() - r.min()) / ((1 << bits) - 1);
        INDArray q = Transforms.round(Transforms.min(Transforms.max(x, r.min()), r.max()).sub(r.min()).divi(s), false)
                .muli(s).addi(r.min());
        return Transforms.pow(x.sub(q), 2, false).meanNumber().doubleValue();
    }

    /**
     * Heavy tails (N(0,1) cubed, 50,000 values): the chosen range clips the tails (to under half at 4 bits), and its real quantize-dequantize
     * error is within 3% of the best of 100 evenly spaced shrinkings of the full range, tried by brute force.
     */
    @Test
    void theChosenRangeNearlyMinimizesTheRealError() {
        INDArray x = Transforms.pow(Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(9), new long[] {50_000})
                .castTo(DataType.DOUBLE), 3, false);
        Accumulator a = extension().accumulator(new MseParams());
        a.observe(0, x);
        a.observe(1, x);
        double lo = x.minNumber().doubleValue();
        double hi = x.maxNumber().doubleValue();
        for (int bits : new int[] {8, 4}) {
            ClipRange r = a.range(bits, false);
            double best = Double.POSITIVE_INFINITY;
            for (int k = 1; k <= 100; k++) {
                best = Math.min(best, realMse(x, new ClipRange(k / 100.0 * lo, k / 100.0 * hi), bits));
            }
            double full = realMse(x, new ClipRange(lo, hi), bits);
            assertTrue(bits == 8 || r.max() < 0.5 * hi, bits + " bits: " + r + " of [" + lo + ", " + hi + "]");
            assertTrue(realMse(x, r, bits) <= 1.03 * best, bits + " bits: mse " + realMse(x, r, bits) + ", best " + best);
            assertTrue(realMse(x, r, bits) < full, bits + " bits: clipping beats min/max");
        }
        assertTrue(a.range(4, true).max() < a.range(8, true).max(), "fewer bits clip harder");
    }
}
