package dev.condense.plugin.distill.tinybert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.testkit.FeatureLossContract;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code tinybert-hidden} on token states {@code [N, L, D]}: the contract, and a planted value and gradient. */
class TinyBertHiddenLossTest extends FeatureLossContract<NoParams> {

    @Override
    protected LossFunction<NoParams> extension() {
        return new TinyBertHiddenLoss();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    @Override
    protected long[] featureShape() {
        return new long[] {4, 5, 6};
    }

    /**
     * Planted: one pair [1, 2, 2], student {{1, 2}, {3, 4}} against teacher zeros: mean of squares (1+4+9+16)/4 = 7.5
     * (no 1/2, unlike FitNets), gradient 2 s / 4; a second pair of zeros adds nothing.
     */
    @Test
    void plantedValueAndGradientAreTheElementMeanSquaredError() {
        SameDiff sd = SameDiff.create();
        SDVariable s0 = sd.var("s0", Nd4j.createFromArray(new float[][][] {{{1, 2}, {3, 4}}}));
        SDVariable s1 = sd.var("s1", Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 2, 3));
        Map<String, SDVariable> f = Map.of(FeatureKeys.student(0), s0,
                FeatureKeys.teacher(0), sd.constant("t0", Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 2, 2)),
                FeatureKeys.student(1), s1,
                FeatureKeys.teacher(1), sd.constant("t1", Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 2, 3)));
        SDVariable loss = new TinyBertHiddenLoss().loss(new LossInputs(sd, s0, s0, null, f), new NoParams());
        sd.setLossVariables(loss);
        assertEquals(7.5, loss.eval().getDouble(0), 1e-6);
        INDArray g = sd.calculateGradients(Map.of(), "s0").get("s0");
        assertEquals(0.5, g.getDouble(0, 0, 0), 1e-6);
        assertEquals(2.0, g.getDouble(0, 1, 1), 1e-6);
        assertEquals(Set.of(3), new TinyBertHiddenLoss().featureRanks());
    }
}
