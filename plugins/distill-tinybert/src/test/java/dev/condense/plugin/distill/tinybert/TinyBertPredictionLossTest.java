package dev.condense.plugin.distill.tinybert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.testkit.LossFunctionContract;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code tinybert-prediction}: the contract, a hand-computed soft cross-entropy and its gradient. */
class TinyBertPredictionLossTest extends LossFunctionContract<TinyBertPredictionParams> {

    @Override
    protected LossFunction<TinyBertPredictionParams> extension() {
        return new TinyBertPredictionLoss();
    }

    @Override
    protected TinyBertPredictionParams params() {
        return new TinyBertPredictionParams();
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new TinyBertPredictionParams(0.0), () -> new TinyBertPredictionParams(101.0),
                () -> new TinyBertPredictionParams(Double.NaN));
    }

    /**
     * Planted, one row, t = 2: teacher logits (2, 0) give p = softmax((1, 0)) = (0.7311, 0.2689); student logits
     * (0, 2) give log softmax((0, 1)) = (-1.3133, -0.3133); loss = 0.7311 * 1.3133 + 0.2689 * 0.3133 = 1.0444.
     * Gradient wrt the student logits: (softmax(s/t) - p) / t = ((0.2689, 0.7311) - (0.7311, 0.2689)) / 2.
     */
    @Test
    void plantedSoftCrossEntropyAndGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("s", Nd4j.createFromArray(new float[][] {{0, 2}}));
        SDVariable t = sd.constant("t", Nd4j.createFromArray(new float[][] {{2, 0}}));
        SDVariable loss = new TinyBertPredictionLoss().loss(new LossInputs(sd, s, t, t, Map.of()),
                new TinyBertPredictionParams(2.0));
        sd.setLossVariables(loss);
        double p0 = 1 / (1 + Math.exp(-1));
        double expected = -(p0 * Math.log(1 - p0) + (1 - p0) * Math.log(p0));
        assertEquals(expected, loss.eval().getDouble(0), 1e-5);
        assertEquals(1.0444, expected, 1e-4);
        INDArray g = sd.calculateGradients(Map.of(), "s").get("s");
        assertEquals(((1 - p0) - p0) / 2, g.getDouble(0, 0), 1e-5);
        assertEquals((p0 - (1 - p0)) / 2, g.getDouble(0, 1), 1e-5);
    }

    @Test
    void studentEqualToTheTeacherHasZeroGradientAndNoTeacherIsRefused() {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("s", Nd4j.createFromArray(new float[][] {{1, -1, 3}}));
        SDVariable loss = new TinyBertPredictionLoss().loss(new LossInputs(sd, s, s, sd.constant("t",
                Nd4j.createFromArray(new float[][] {{1, -1, 3}})), Map.of()), params());
        sd.setLossVariables(loss);
        assertTrue(sd.calculateGradients(Map.of(), "s").get("s").norm2Number().doubleValue() < 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> new TinyBertPredictionLoss().loss(
                new LossInputs(sd, s, s, null, Map.of()), params()));
        assertTrue(e.getMessage().contains("teacher logits"));
    }
}
