package dev.condense.plugin.calib.percentile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.ValueHistogram;
import dev.condense.testkit.CalibratorContract;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PercentileCalibratorTest extends CalibratorContract<PercentileParams> {

    @Override
    protected Calibrator<PercentileParams> extension() {
        return new PercentileCalibrator();
    }

    @Override
    protected PercentileParams params() {
        return new PercentileParams(99.0, 512);
    }

    @Override
    protected long maxRetainedValues() {
        return 2 * 512 + 16;
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new PercentileParams(49.0, null), () -> new PercentileParams(100.5, null),
                () -> new PercentileParams(null, 100), () -> new PercentileParams(null, 65537));
    }

    /** Values 0..999, one per bin of width 1 over [0, 1000]: the 99th percentile is the bin of 989. */
    @Test
    void plantedPercentileOfNonNegativeValues() {
        double[] counts = new double[1000];
        java.util.Arrays.fill(counts, 1);
        ValueHistogram h = new ValueHistogram(counts, 1000, 0, 999);
        assertEquals(new ClipRange(-990, 990), Percentiles.range(h, 99.0, true));
        assertEquals(new ClipRange(0, 995), Percentiles.range(h, 99.0, false), "0.5% cut from each tail");
        assertEquals(new ClipRange(0, 1000), Percentiles.range(h, 100.0, false));
    }

    /** One value per bin of width 1 over [-1000, 1000]: |x| has 2 per bin; each tail loses 0.5%, 10 bins. */
    @Test
    void plantedPercentileOfSignedValues() {
        double[] counts = new double[2000];
        java.util.Arrays.fill(counts, 1);
        ValueHistogram h = new ValueHistogram(counts, 1000, -1000, 999.5);
        assertEquals(new ClipRange(-990, 990), Percentiles.range(h, 99.0, true));
        assertEquals(new ClipRange(-990, 990), Percentiles.range(h, 99.0, false));
    }

    /** One outlier of 1000 among 9999 N(0, 1) values: 99.9% clips it, min/max would not. */
    @Test
    void anOutlierIsClipped() {
        INDArray x = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), new long[] {10000}).castTo(DataType.FLOAT);
        x.putScalar(17, 1000f);
        Accumulator a = extension().accumulator(new PercentileParams(99.9, 2048));
        a.observe(0, x);
        a.observe(1, x);
        ClipRange r = a.range(8, true);
        assertTrue(r.max() > 3 && r.max() < 5, "the 99.9th percentile of |N(0,1)| is 3.29, one bin is 0.98: " + r);
    }
}
