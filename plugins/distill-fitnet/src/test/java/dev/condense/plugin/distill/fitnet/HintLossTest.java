package dev.condense.plugin.distill.fitnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.condense.api.extension.NoParams;
import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.testkit.FeatureLossContract;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HintLossTest extends FeatureLossContract<NoParams> {

    @Override
    protected LossFunction<NoParams> extension() {
        return new HintLoss();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    /** Half the element mean of squared differences, summed over pairs: 1/2 (1 + 4)/2 + 1/2 (9 + 0 + 1 + 4)/4. */
    @Test
    void handComputedValueAndGradient() {
        SameDiff sd = SameDiff.create();
        SDVariable s0 = sd.var("s0", Nd4j.createFromArray(new float[][] {{1, 2}}));
        SDVariable s1 = sd.var("s1", Nd4j.createFromArray(new float[][] {{3, 0}, {1, 2}}));
        Map<String, SDVariable> f = Map.of(FeatureKeys.student(0), s0,
                FeatureKeys.teacher(0), sd.constant("t0", Nd4j.createFromArray(new float[][] {{0, 0}})),
                FeatureKeys.student(1), s1,
                FeatureKeys.teacher(1), sd.constant("t1", Nd4j.createFromArray(new float[][] {{0, 0}, {0, 0}})));
        SDVariable loss = new HintLoss().loss(new LossInputs(sd, s0, s0, null, f), new NoParams());
        sd.setLossVariables(loss);
        assertEquals(0.5 * 5 / 2 + 0.5 * 14 / 4, loss.eval().getDouble(0), 1e-6);
        INDArray g = sd.calculateGradients(Map.of(), "s0").get("s0");
        // d/ds of 1/2 mean(s^2) over 2 elements is s / 2
        assertEquals(0.5, g.getDouble(0, 0), 1e-6);
        assertEquals(1.0, g.getDouble(0, 1), 1e-6);
    }
}
