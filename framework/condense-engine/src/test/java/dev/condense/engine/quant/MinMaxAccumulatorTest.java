package dev.condense.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.quant.MinMaxAccumulator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class MinMaxAccumulatorTest {

    @Test
    void rangeIsTheExtremesOverAllBatchesWhateverTheBatching() {
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(11).nextDouble(new long[] {100, 3}).muli(4).subi(1)
                .castTo(DataType.FLOAT);
        double lo = x.minNumber().doubleValue();
        double hi = x.maxNumber().doubleValue();
        MinMaxAccumulator whole = new MinMaxAccumulator();
        whole.observe(0, x);
        MinMaxAccumulator batched = new MinMaxAccumulator();
        for (int s = 90; s >= 0; s -= 10) {          // reversed order, batches of 10
            batched.observe(0, x.get(NDArrayIndex.interval(s, s + 10)));
        }
        assertEquals(new ClipRange(lo, hi), whole.range(8, false));
        assertEquals(whole.range(8, false), batched.range(8, false));
        double m = Math.max(-lo, hi);
        assertEquals(new ClipRange(-m, m), batched.range(8, true));
    }

    @Test
    void rangeAlwaysContainsZero() {
        MinMaxAccumulator a = new MinMaxAccumulator();
        a.observe(0, Nd4j.createFromArray(2f, 3f, 5f));
        assertEquals(new ClipRange(0, 5), a.range(8, false));
        MinMaxAccumulator b = new MinMaxAccumulator();
        b.observe(0, Nd4j.createFromArray(-2f, -1f));
        assertEquals(new ClipRange(-2, 0), b.range(8, false));
        assertEquals(new ClipRange(-2, 2), b.range(8, true));
    }

    @Test
    void allZeroTensorGetsATinyRangeAndNothingObservedFails() {
        MinMaxAccumulator a = new MinMaxAccumulator();
        a.observe(0, Nd4j.zeros(DataType.FLOAT, 4));
        assertEquals(new ClipRange(0, 1), a.range(8, false));
        assertThrows(IllegalStateException.class, () -> new MinMaxAccumulator().range(8, false));
        assertThrows(IllegalArgumentException.class, () -> a.observe(1, Nd4j.zeros(DataType.FLOAT, 4)));
        assertThrows(IllegalArgumentException.class, () -> a.observe(0, Nd4j.createFromArray(Float.NaN)));
    }
}
