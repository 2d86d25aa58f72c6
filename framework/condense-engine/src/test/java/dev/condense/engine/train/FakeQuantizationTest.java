package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.afterEveryStep;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static dev.condense.engine.train.HookFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
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

class FakeQuantizationTest {
    private static final List<String> WEIGHTS = List.of("fc1.weight", "fc2.weight");

    /** Coarse (3-bit symmetric) grids fitted to the initial weights, so quantized and float models differ. */
    private static Map<String, AffineQuantization> grids(ModelGraph g) {
        Map<String, AffineQuantization> out = new LinkedHashMap<>();
        WEIGHTS.forEach(w -> out.put(w, AffineQuantization.symmetric(g.initializers().get(w), 3)));
        return out;
    }

    /** {@code g} with the given float weights, each weight replaced by its quantized value. */
    private static ModelGraph quantized(ModelGraph g, Map<String, INDArray> floats, Map<String, AffineQuantization> grids) {
        Map<String, INDArray> q = new LinkedHashMap<>(floats);
        grids.forEach((w, grid) -> q.put(w, grid.project(floats.get(w))));
        return with(g, q);
    }

    /**
     * After every step, the training graph's forward output equals (within float rounding of the same ops) the
     * output of the model whose weights are the quantized current float weights, and differs from the float model;
     * after training the float weights have moved and are not on the grid (the gradient reached the float weights).
     */
    @Test
    void theForwardPassUsesQuantizedWeightsWhileFloatWeightsTrain() {
        ModelGraph g = mlp(3);
        Map<String, AffineQuantization> grids = grids(g);
        DataSplit probe = planted(16, 7);
        List<double[]> diffs = new ArrayList<>();
        var r = Trainer.fit(g, planted(256, 1), 2, new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0), 5,
                Trainer.CROSS_ENTROPY, List.of(new FakeQuantization(grids), afterEveryStep(s -> {
                    Map<String, INDArray> now = new LinkedHashMap<>();
                    List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias").forEach(n -> now.put(n, s.weight(n).dup()));
                    INDArray forward = s.sd().output(Map.of("input", probe.features()), "logits").get("logits");
                    INDArray q = Inference.predict(quantized(g, now, grids), probe.features());
                    INDArray f = Inference.predict(with(g, now), probe.features());
                    diffs.add(new double[] {forward.distance1(q), forward.distance1(f)});
                })));
        assertEquals(16, diffs.size());
        for (double[] d : diffs) {
            assertTrue(d[0] < 1e-4, "forward vs quantized model " + d[0]);
            assertTrue(d[1] > 1e-2, "forward vs float model " + d[1]);
        }
        for (String w : WEIGHTS) {
            INDArray trained = r.graph().initializers().get(w);
            assertTrue(!trained.equals(g.initializers().get(w)), w + " moved");
            assertTrue(!trained.equals(grids.get(w).project(trained)), w + " stays float, off the grid");
        }
    }

    /** The STE trains: a 4-bit quantized model of the fake-quantized float weights learns the planted rule. */
    @Test
    void theQuantizedModelLearns() {
        ModelGraph g = mlp(3);
        Map<String, AffineQuantization> grids = new LinkedHashMap<>();
        WEIGHTS.forEach(w -> grids.put(w, AffineQuantization.symmetric(g.initializers().get(w), 4)));
        var r = Trainer.fit(g, planted(1024, 1), 2, new TrainSpec(20, 32, OptimizerSpec.adam(1e-2), 0), 5,
                Trainer.CROSS_ENTROPY, List.of(new FakeQuantization(grids)));
        ModelGraph q = quantized(g, r.graph().initializers(), grids);
        double acc = HookFixtures.accuracy(q, planted(512, 2));
        assertTrue(acc > 0.9, "quantized accuracy " + acc);
    }

    /** Per channel (axis 0 of a [3, 2] weight): SameDiff and ND4J quantize alike, onto each row's own grid. */
    @Test
    void perChannelGridsQuantizeEachRowOnItsOwnScale() {
        INDArray w = Nd4j.createFromArray(new float[][] {{0.26f, -0.9f}, {0.04f, 0.11f}, {-5.1f, 3.6f}});
        AffineQuantization grid = AffineQuantization.perChannel(new float[] {0.5f, 0.1f, 1f}, new long[] {0, 1, 0}, 0,
                3, true);
        INDArray expected = Nd4j.createFromArray(new float[][] {{0.5f, -1f}, {0f, 0.1f}, {-4f, 3f}});
        assertEquals(expected, grid.project(w));
        SameDiff sd = SameDiff.create();
        SDVariable v = sd.constant("w", w);
        assertEquals(expected, FakeQuantization.projected(sd, v, grid, 2).eval());
    }

    /**
     * At exact ties the export (ONNX QuantizeLinear) rounds half to even and the training graph half away from zero
     * (SameDiff's Rint has no gradient); everywhere else they agree.
     */
    @Test
    void onlyExactTiesRoundDifferentlyInTraining() {
        AffineQuantization grid = AffineQuantization.perTensor(0.5f, 0, 4, true);
        INDArray w = Nd4j.createFromArray(0.25f, -0.25f, 0.75f, 1.25f, 0.3f, -1.1f);
        assertEquals(Nd4j.createFromArray(0f, 0f, 1f, 1f, 0.5f, -1f), grid.project(w));
        SameDiff sd = SameDiff.create();
        assertEquals(Nd4j.createFromArray(0.5f, -0.5f, 1f, 1.5f, 0.5f, -1f),
                FakeQuantization.projected(sd, sd.constant("w", w), grid, 1).eval());
    }

    @Test
    void aWeightThatIsNotTrainableIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(mlp(3), planted(32, 1), 2,
                new TrainSpec(1, 32, OptimizerSpec.adam(1e-2), 0), 5, Trainer.CROSS_ENTROPY, List.of(
                        new FakeQuantization(Map.of("norm.mean", AffineQuantization.symmetric(Nd4j.ones(DataType.FLOAT, 1), 8))))));
        assertTrue(e.getMessage().contains("'norm.mean' is not a trainable weight"), e.getMessage());
    }
}
