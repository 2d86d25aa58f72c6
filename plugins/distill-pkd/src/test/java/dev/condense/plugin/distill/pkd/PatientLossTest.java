package dev.condense.plugin.distill.pkd;

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
import org.nd4j.linalg.factory.Nd4j;

class PatientLossTest extends FeatureLossContract<NoParams> {

    @Override
    protected LossFunction<NoParams> extension() {
        return new PatientLoss();
    }

    @Override
    protected NoParams params() {
        return new NoParams();
    }

    @Override
    protected long[] featureShape() {
        return new long[] {4, 6};
    }

    private static double loss(float[][] s, float[][] t) {
        SameDiff sd = SameDiff.create();
        SDVariable sv = sd.var("s", Nd4j.createFromArray(s));
        Map<String, SDVariable> f = Map.of(FeatureKeys.student(0), sv,
                FeatureKeys.teacher(0), sd.constant("t", Nd4j.createFromArray(t)));
        return new PatientLoss().loss(new LossInputs(sd, sv, sv, null, f), new NoParams()).eval().getDouble(0);
    }

    /** (3, 4)/5 against (4, 3)/5: (0.2^2 + 0.2^2) = 0.08; the second row is a scaled copy (0); mean 0.04. */
    @Test
    void handComputedValue() {
        assertEquals(0.04, loss(new float[][] {{3, 4}, {1, 1}}, new float[][] {{4, 3}, {7, 7}}), 1e-6);
    }

    /** Opposite directions are the maximum, 4, whatever the magnitudes. */
    @Test
    void oppositeRepresentationsCostFour() {
        assertEquals(4.0, loss(new float[][] {{10, 0}}, new float[][] {{-0.5f, 0}}), 1e-6);
    }
}
