package dev.condense.plugin.calib.minmax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.extension.NoParams;
import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.testkit.CalibratorContract;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class MinMaxCalibratorTest extends CalibratorContract<NoParams> {

    @Override
    protected Calibrator<NoParams> extension() {
        return new MinMaxCalibrator();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    @Override
    protected boolean coversObservedExtremes() {
        return true;
    }

    @Override
    protected long maxRetainedValues() {
        return 2;
    }

    @Test
    void plantedExtremesAcrossBatches() {
        Accumulator a = extension().accumulator(params());
        a.observe(0, Nd4j.createFromArray(new float[] {0.5f, -0.25f, 3f}));
        a.observe(0, Nd4j.createFromArray(new float[][] {{-2f, 1f}, {0.1f, 2.5f}}));
        assertEquals(new ClipRange(-2, 3), a.range(8, false));
        assertEquals(new ClipRange(-3, 3), a.range(8, true));
    }

    @Test
    void positiveDataStartsAtZeroAndAllZeroGetsAUnitRange() {
        Accumulator a = extension().accumulator(params());
        a.observe(0, Nd4j.createFromArray(new float[] {1.5f, 4f}));
        assertEquals(new ClipRange(0, 4), a.range(8, false));
        Accumulator z = extension().accumulator(params());
        z.observe(0, Nd4j.zeros(3));
        assertEquals(new ClipRange(0, 1), z.range(8, false));
        assertEquals(new ClipRange(-1, 1), z.range(8, true));
    }

    @Test
    void nonFiniteValuesAreRejected() {
        Accumulator a = extension().accumulator(params());
        assertThrows(IllegalArgumentException.class,
                () -> a.observe(0, Nd4j.createFromArray(new float[] {1f, Float.NaN})));
    }
}
