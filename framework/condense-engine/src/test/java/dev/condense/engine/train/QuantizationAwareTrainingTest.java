package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.afterEveryStep;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.AffineWeightGrid;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class QuantizationAwareTrainingTest {

    /**
     * Planted activations on the 8-bit asymmetric grid of [-0.5, 1.0] (scale 1.5/255, zero point 85, representable
     * [-0.5, 1.0]): forward values are grid points, clipped outside; the gradient of their sum is 1 inside the range
     * and 0 outside (the clipped straight-through estimator).
     */
    @Test
    void activationsSnapToTheGridAndTheGradientIsClipped() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(-1.0f, -0.3f, 0.1f, 0.5f, 0.999f, 2.0f));
        SDVariable q = FakeQuantization.activation(sd, x, sd.constant(-0.5f), sd.constant(1.0f), 8, false);
        SDVariable loss = q.sum();
        sd.setLossVariables(loss);
        INDArray fwd = q.eval();
        float scale = 1.5f / 255;
        INDArray codes = fwd.div(scale).add(85);
        assertEquals(0, codes.sub(Nd4j.math.round(codes)).amaxNumber().doubleValue(), 1e-3, "on the grid: " + codes);
        assertEquals(-0.5f, fwd.getFloat(0), 1e-6, "clipped below");
        assertEquals(1.0f, fwd.getFloat(5), 1e-6, "clipped above");
        assertEquals(-0.3f, fwd.getFloat(1), scale / 2 + 1e-6);
        INDArray grad = sd.calculateGradients(Map.of(), "x").get("x");
        assertEquals(Nd4j.createFromArray(0f, 1f, 1f, 1f, 1f, 0f), grad);
    }

    /** Symmetric activations: signed 8 bits, zero point 0, scale max(-lo, hi) / 127. */
    @Test
    void symmetricActivationsUseTheSignedGrid() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.createFromArray(-3f, -1.27f, 0.5f, 1.3f));
        INDArray fwd = FakeQuantization.activation(sd, x, sd.constant(-1.27f), sd.constant(0.6f), 8, true).eval();
        assertEquals(Nd4j.createFromArray(-1.28f, -1.27f, 0.5f, 1.27f), fwd); // scale 0.01: codes -128, -127, 50, 127
    }

    /** A weight's fake quantization is the export's grid of its current values; its gradient passes unchanged. */
    @Test
    void weightsUseTheGridOfTheirCurrentValues() {
        INDArray w = Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(5), new long[] {4, 3, 3, 3})
                .castTo(DataType.FLOAT).mul(0.2);
        for (boolean symmetric : new boolean[] {true, false}) {
            SameDiff sd = SameDiff.create();
            SDVariable v = sd.var("w", w.dup());
            SDVariable q = FakeQuantization.weight(sd, v, 4, 0, 4, symmetric);
            sd.setLossVariables(q.sum());
            INDArray expected = AffineWeightGrid.of(w, 4, 0, symmetric, false).project(w);
            assertTrue(q.eval().sub(expected).amaxNumber().doubleValue() < 1e-6, "symmetric " + symmetric);
            assertEquals(Nd4j.onesLike(w), sd.calculateGradients(Map.of(), "w").get("w"));
        }
    }

    /**
     * Training the MLP with 4-bit weights and 8-bit activations: each calibrated range's average moves from a
     * deliberately wide start towards the observed batch ranges (by exactly the EMA step of the observed batch
     * min/max), and the quantized model learns the planted rule.
     */
    @Test
    void rangesFollowTheBatchesByMovingAverageAndTheModelLearns() {
        ModelGraph g = mlp(3);
        Map<String, QuantizationAwareTraining.WeightFormat> weights = new LinkedHashMap<>();
        weights.put("fc1.weight", new QuantizationAwareTraining.WeightFormat(0, 4, true));
        weights.put("fc2.weight", new QuantizationAwareTraining.WeightFormat(0, 4, true));
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("x0", "x0");
        sources.put("fc1.out", "fc1.act");   // shares the Relu output's grid, as QdqPlacement does
        sources.put("fc1.act", "fc1.act");
        Map<String, ClipRange> initial = Map.of("x0", new ClipRange(-100, 100), "fc1.act", new ClipRange(0, 100));
        var qat = new QuantizationAwareTraining(weights, sources, initial, 8, false, 0.9);
        List<double[]> seen = new ArrayList<>();
        var r = Trainer.fit(g, planted(1024, 1), 2, new TrainSpec(10, 32, OptimizerSpec.adam(1e-2), 0), 5,
                Trainer.CROSS_ENTROPY, List.of(qat, afterEveryStep(s -> seen.add(new double[] {
                        qat.ranges().get("fc1.act").max()}))));
        assertEquals(320, seen.size());
        assertTrue(seen.get(0)[0] < 100 && seen.get(0)[0] > 90, "one EMA step from 100: " + seen.get(0)[0]);
        double finalMax = qat.ranges().get("fc1.act").max();
        assertTrue(finalMax < 20, "converged towards the batch maxima: " + finalMax);
        assertTrue(qat.ranges().get("x0").min() > -20, "input range shrank: " + qat.ranges().get("x0"));
        double acc = HookFixtures.accuracy(r.graph(), planted(512, 2));
        assertTrue(acc > 0.9, "accuracy " + acc);
    }

    @Test
    void aSourceWithoutAnInitialRangeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new QuantizationAwareTraining(Map.of(),
                Map.of("x0", "x0"), Map.of(), 8, false, 0.9));
        assertTrue(e.getMessage().contains("no initial range"), e.getMessage());
    }
}
