package dev.condense.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.fixtures.TinyMlp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

class ActivationCalibrationTest {

    /** Records, per pass, the rows seen, the largest batch and the extremes; range = [min, max] of pass 0. */
    private static final class Recording implements Accumulator {
        final int passes;
        final long[] rows = new long[2];
        final long[] largestBatch = new long[2];
        final double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        final double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};

        Recording(int passes) {
            this.passes = passes;
        }

        public int passes() {
            return passes;
        }

        public void observe(int pass, INDArray values) {
            rows[pass] += values.size(0);
            largestBatch[pass] = Math.max(largestBatch[pass], values.size(0));
            lo[pass] = Math.min(lo[pass], values.minNumber().doubleValue());
            hi[pass] = Math.max(hi[pass], values.maxNumber().doubleValue());
        }

        public ClipRange range(int bits, boolean symmetric) {
            return new ClipRange(Math.min(0, lo[0]), Math.max(0, hi[0]));
        }
    }

    @Test
    void everyTapSeesEveryRowInEveryPassWithTheFloatModelsValues() {
        TinyMlp mlp = new TinyMlp(3);
        INDArray x = TinyMlp.input(5, 23).subi(0.5).muli(4);
        Map<String, Accumulator> acc = new LinkedHashMap<>();
        Recording input = new Recording(1);
        Recording h1 = new Recording(2);
        Recording a1 = new Recording(2);
        Recording logits = new Recording(1);
        acc.put("x", input);
        acc.put("h1", h1);
        acc.put("a1", a1);
        acc.put("logits", logits);
        ActivationCalibration.observe(mlp.graph, x, acc, 5);

        INDArray flat = x.reshape(23, 16);
        INDArray refH1 = flat.sub(mlp.mean.getFloat(0)).divRowVector(mlp.std).mmul(mlp.w1.transpose()).addRowVector(mlp.b1);
        INDArray refA1 = Transforms.relu(refH1, true);
        INDArray refLogits = mlp.reference(x);
        assertEquals(23, input.rows[0]);
        assertEquals(0, input.rows[1], "a one-pass accumulator is not fed a second pass");
        for (Recording r : List.of(h1, a1)) {
            assertEquals(23, r.rows[0]);
            assertEquals(23, r.rows[1]);
            assertEquals(5, r.largestBatch[1]);
            assertEquals(r.lo[0], r.lo[1], 0.0, "both passes see the same values");
        }
        assertEquals(refH1.minNumber().doubleValue(), h1.lo[0], 1e-5);
        assertEquals(refH1.maxNumber().doubleValue(), h1.hi[0], 1e-5);
        assertEquals(0.0, a1.lo[0], 0.0);
        assertEquals(refA1.maxNumber().doubleValue(), a1.hi[0], 1e-5);
        assertEquals(refLogits.minNumber().doubleValue(), logits.lo[0], 1e-5);
        assertEquals(x.maxNumber().doubleValue(), input.hi[0], 0.0);
        assertTrue(h1.lo[0] < 0, "the fixture must exercise negative pre-activations");
    }

    @Test
    void rangesDoNotDependOnTheBatchSize() {
        TinyMlp mlp = new TinyMlp(3);
        INDArray x = TinyMlp.input(5, 17);
        Map<String, ClipRange> one = ActivationCalibration.calibrate(mlp.graph, x, List.of("h1", "a1"),
                () -> new Recording(2), 17, 8, false);
        Map<String, ClipRange> small = ActivationCalibration.calibrate(mlp.graph, x, List.of("h1", "a1"),
                () -> new Recording(2), 4, 8, false);
        assertEquals(List.of("h1", "a1"), List.copyOf(one.keySet()));
        assertEquals(one, small);
    }

    @Test
    void weightsUnknownTensorsAndBadBatchSizesAreRejected() {
        TinyMlp mlp = new TinyMlp(3);
        INDArray x = TinyMlp.input(5, 4);
        var weight = assertThrows(IllegalArgumentException.class, () -> ActivationCalibration.calibrate(mlp.graph, x,
                List.of("fc1.weight"), () -> new Recording(1), 2, 8, false));
        assertTrue(weight.getMessage().contains("fc1.weight") && weight.getMessage().contains("weight"), weight.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> ActivationCalibration.calibrate(mlp.graph, x,
                List.of("nope"), () -> new Recording(1), 2, 8, false));
        assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ActivationCalibration.calibrate(mlp.graph, x,
                List.of("h1"), () -> new Recording(1), 0, 8, false));
    }
}
