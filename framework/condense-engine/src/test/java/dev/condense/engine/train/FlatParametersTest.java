package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * {@link FlatParameters}: every trainable weight becomes a view of one buffer (values kept, in-place changes shared),
 * and one flat step equals one updater per weight (the old per-parameter update) on planted weights and gradients.
 */
class FlatParametersTest {

    /** A tiny MLP graph: x [N,4] -> w1 [4,3] + b1 [3] -> relu -> w2 [3,2]; loss = sum of the output. */
    private static SameDiff mlp(IUpdater updater, double l2) {
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(3);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
        SDVariable w1 = sd.var("w1", Nd4j.randn(rng, new long[] {4, 3}).castTo(DataType.FLOAT));
        SDVariable b1 = sd.var("b1", Nd4j.randn(rng, new long[] {3}).castTo(DataType.FLOAT));
        SDVariable w2 = sd.var("w2", Nd4j.randn(rng, new long[] {3, 2}).castTo(DataType.FLOAT));
        SDVariable out = sd.nn.relu(x.mmul(w1).add(b1), 0).mmul(w2).sum();
        sd.setLossVariables(out.name());
        TrainingConfig.Builder cfg = TrainingConfig.builder().updater(updater).dataSetFeatureMapping("x")
                .markLabelsUnused();
        if (l2 > 0) {
            cfg.l2(l2);
        }
        sd.setTrainingConfig(cfg.build());
        sd.createGradFunction();
        return sd;
    }

    @Test
    void weightsBecomeViewsOfOneBufferWithTheirValues() {
        SameDiff sd = mlp(new Adam(1e-2), 0);
        Map<String, INDArray> before = new LinkedHashMap<>();
        for (String n : new String[] {"w1", "b1", "w2"}) {
            before.put(n, sd.getArrForVarName(n).dup());
        }
        SameDiff grad = sd.getFunction("grad");
        FlatParameters flat = FlatParameters.of(sd, grad, sd.getTrainingConfig());
        assertEquals(java.util.List.of("b1", "w1", "w2"), flat.names(), "by name, as SameDiff keeps variables");
        for (var e : before.entrySet()) {
            INDArray now = sd.getArrForVarName(e.getKey());
            assertTrue(now.isView(), e.getKey());
            assertEquals(e.getValue(), now, e.getKey());
            assertSame(now, grad.getArrForVarName(e.getKey()), "the gradient function reads the same view");
        }
        // an in-place change through one weight (as MaskProjection does) is seen through the graph, and the step
        // updates the weights the graph reads
        sd.getArrForVarName("b1").muli(0);
        assertEquals(Nd4j.zeros(DataType.FLOAT, 3), sd.getArrForVarName("b1"));
        flat.gradient("b1", Nd4j.ones(DataType.FLOAT, 3));
        flat.step(sd.getTrainingConfig(), 0, 0);
        assertNotEquals(Nd4j.zeros(DataType.FLOAT, 3), sd.getArrForVarName("b1"));
        assertEquals(before.get("w1"), sd.getArrForVarName("w1"), "a zero gradient leaves Adam's first step at 0");
    }

    /** Five steps of the flat update against one updater per weight (the old update), planted gradients. */
    private static void assertSameAsPerWeight(IUpdater updater, double l2) {
        SameDiff sd = mlp(updater, l2);
        TrainingConfig cfg = sd.getTrainingConfig();
        Map<String, INDArray> reference = new LinkedHashMap<>();
        Map<String, GradientUpdater<?>> perWeight = new LinkedHashMap<>();
        for (String n : new String[] {"w1", "b1", "w2"}) {
            INDArray w = sd.getArrForVarName(n).dup();
            reference.put(n, w);
            long size = updater.stateSize(w.length());
            INDArray state = size == 0 ? null : Nd4j.createUninitialized(DataType.FLOAT, 1, size);
            GradientUpdater<?> u = updater.instantiate(state, false);
            u.setStateViewArray(state, w.shape(), 'c', true);
            perWeight.put(n, u);
        }
        FlatParameters flat = FlatParameters.of(sd, sd.getFunction("grad"), cfg);
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
        for (int it = 0; it < 5; it++) {
            for (var e : reference.entrySet()) {
                INDArray g = Nd4j.randn(rng, e.getValue().shape()).castTo(DataType.FLOAT);
                flat.gradient(e.getKey(), g);
                INDArray old = g.dup();
                for (Regularization r : cfg.getRegularization() == null ? java.util.List.<Regularization>of() : cfg.getRegularization()) {
                    r.apply(e.getValue(), old, cfg.getUpdater().getLearningRate(it, 0), it, 0);
                }
                perWeight.get(e.getKey()).applyUpdater(old, it, 0);
                e.getValue().subi(old);
            }
            flat.step(cfg, it, 0);
        }
        for (var e : reference.entrySet()) {
            INDArray got = sd.getArrForVarName(e.getKey());
            double diff = got.sub(e.getValue()).norm2Number().doubleValue();
            assertTrue(diff <= 1e-6 * (1 + e.getValue().norm2Number().doubleValue()), e.getKey() + " differs " + diff);
        }
    }

    @Test
    void adamStepEqualsOneAdamPerWeight() {
        assertSameAsPerWeight(new Adam(1e-2), 0);
    }

    @Test
    void nesterovWithL2StepEqualsOneUpdaterPerWeight() {
        assertSameAsPerWeight(new Nesterovs(0.05, 0.9), 1e-3);
    }
}
