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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** {@code tinybert-attention} on scores {@code [N, h, L, L]}: the contract, and eq. 7's per-head average planted. */
class TinyBertAttentionLossTest extends FeatureLossContract<NoParams> {

    @Override
    protected LossFunction<NoParams> extension() {
        return new TinyBertAttentionLoss();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    /**
     * Planted: 2 heads of 2x2 scores; head 0 differs by 1 everywhere (MSE 1), head 1 by 3 at one entry (MSE 9/4):
     * eq. 7's 1/h sum of per-head MSEs is (1 + 2.25) / 2 = 1.625, and the element mean over all heads is the same.
     */
    @Test
    void plantedValueIsTheMeanOfPerHeadMeanSquaredErrors() {
        SameDiff sd = SameDiff.create();
        float[][][][] t = {{{{0, 1}, {2, 3}}, {{4, 5}, {6, 7}}}};
        float[][][][] s = {{{{1, 2}, {3, 4}}, {{4, 5}, {6, 10}}}};
        SDVariable sv = sd.var("s0", Nd4j.createFromArray(s));
        Map<String, SDVariable> f = Map.of(FeatureKeys.student(0), sv,
                FeatureKeys.teacher(0), sd.constant("t0", Nd4j.createFromArray(t)));
        SDVariable loss = new TinyBertAttentionLoss().loss(new LossInputs(sd, sd.var("z", Nd4j.zeros(DataType.FLOAT, 1, 3)),
                sd.constant("y", Nd4j.zeros(DataType.FLOAT, 1, 3)), null, f), new NoParams());
        assertEquals(1.625, loss.eval().getDouble(0), 1e-6);
        assertEquals(Set.of(4), new TinyBertAttentionLoss().featureRanks());
    }
}
