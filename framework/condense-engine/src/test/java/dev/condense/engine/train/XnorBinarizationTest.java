package dev.condense.engine.train;

import static dev.condense.engine.train.HookFixtures.afterEveryStep;
import static dev.condense.engine.train.HookFixtures.inferTensor;
import static dev.condense.engine.train.HookFixtures.mlp;
import static dev.condense.engine.train.HookFixtures.planted;
import static dev.condense.engine.train.HookFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * XNOR training on the tiny MLP (input -> fc1 -> Relu -> fc2): fc1 and fc2 weights binarized per output channel, and
 * fc2's input activation {@code fc1.act} binarized to its sign.
 */
class XnorBinarizationTest {
    private static final Set<String> WEIGHTS = Set.of("fc1.weight", "fc2.weight");
    private static final Set<String> ACTS = Set.of("fc1.act");

    @Test
    void weightsBecomeSignsTimesTheMeanMagnitudeOfTheirOutputChannel() {
        INDArray w = Nd4j.createFromArray(new float[][] {{0.5f, -1.5f, 1f}, {-0.2f, 0f, 0.4f}});
        INDArray expected = Nd4j.createFromArray(new float[][] {{1f, -1f, 1f}, {-0.2f, 0f, 0.2f}});
        SameDiff sd = SameDiff.create();
        assertEquals(expected, XnorBinarization.binaryWeight(sd, sd.constant("w", w), 2).eval());
    }

    /** The training forward pass equals the binarized model computed by hand; the real-valued weights move. */
    @Test
    void theForwardPassIsBinaryWhileRealWeightsTrain() {
        ModelGraph g = mlp(3);
        DataSplit probe = planted(16, 7);
        List<Double> diffs = new ArrayList<>();
        var r = Trainer.fit(g, planted(256, 1), 2, new TrainSpec(2, 32, OptimizerSpec.adam(1e-2), 0), 5,
                Trainer.CROSS_ENTROPY, List.of(new XnorBinarization(WEIGHTS, ACTS), afterEveryStep(s -> {
                    Map<String, INDArray> now = new LinkedHashMap<>();
                    List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias").forEach(n -> now.put(n, s.weight(n).dup()));
                    INDArray forward = s.sd().output(Map.of("input", probe.features()), "logits").get("logits");
                    diffs.add(forward.distance1(binarizedLogits(with(g, now), probe.features())));
                })));
        assertEquals(16, diffs.size());
        diffs.forEach(d -> assertTrue(d < 1e-4, "forward vs binarized model " + d));
        for (String w : WEIGHTS) {
            INDArray trained = r.graph().initializers().get(w);
            assertTrue(!trained.equals(g.initializers().get(w)), w + " moved");
            assertTrue(Transforms.abs(trained).getRow(0).sub(Transforms.abs(trained).getDouble(0, 0)).amaxNumber()
                    .doubleValue() > 0, w + " stays real-valued");
        }
    }

    /** The straight-through estimator trains: the binarized model learns the planted rule. */
    @Test
    void theBinarizedModelLearns() {
        ModelGraph g = mlp(3);
        var r = Trainer.fit(g, planted(1024, 1), 2, new TrainSpec(20, 32, OptimizerSpec.adam(1e-2), 0), 5,
                Trainer.CROSS_ENTROPY, List.of(new XnorBinarization(WEIGHTS, ACTS)));
        DataSplit test = planted(512, 2);
        INDArray pred = binarizedLogits(r.graph(), test.features()).argMax(1).castTo(DataType.FLOAT);
        double acc = pred.eq(test.labels()).castTo(DataType.FLOAT).meanNumber().doubleValue();
        assertTrue(acc > 0.85, "binarized accuracy " + acc);
    }

    @Test
    void anActivationThatIsNotProducedIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.fit(mlp(3), planted(32, 1), 2,
                new TrainSpec(1, 32, OptimizerSpec.adam(1e-2), 0), 5, Trainer.CROSS_ENTROPY,
                List.of(new XnorBinarization(Set.of(), Set.of("fc2.weight")))));
        assertTrue(e.getMessage().contains("'fc2.weight' is not an activation"), e.getMessage());
    }

    /** logits = sign(fc1.act) . binary(fc2.weight)^T + fc2.bias, with fc1.act from the model with binary fc1.weight. */
    private static INDArray binarizedLogits(ModelGraph g, INDArray x) {
        Map<String, INDArray> b = new LinkedHashMap<>();
        SameDiff sd = SameDiff.create();
        for (String w : WEIGHTS) {
            b.put(w, XnorBinarization.binaryWeight(sd, sd.constant(g.initializers().get(w)), 2).eval());
        }
        ModelGraph bin = with(g, b);
        INDArray act = Transforms.sign(inferTensor(bin, "fc1.act", x));
        return act.mmul(b.get("fc2.weight").transpose()).addRowVector(g.initializers().get("fc2.bias"));
    }
}
