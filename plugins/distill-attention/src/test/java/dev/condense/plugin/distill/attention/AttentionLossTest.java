package dev.condense.plugin.distill.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.testkit.FeatureLossContract;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

class AttentionLossTest extends FeatureLossContract<AttentionParams> {

    @Override
    protected LossFunction<AttentionParams> extension() {
        return new AttentionLoss();
    }

    @Override
    protected AttentionParams params() {
        return new AttentionParams();
    }

    @Override
    protected List<Supplier<? extends Record>> invalidParams() {
        return List.of(() -> new AttentionParams(0.5), () -> new AttentionParams(Double.NaN));
    }

    /** Student {@code [1, Cs, 1, 2]}, teacher {@code [1, Ct, 1, 2]} given as channel rows. */
    private static double loss(float[][] s, float[][] t, double p) {
        SameDiff sd = SameDiff.create();
        SDVariable sv = sd.var("s", Nd4j.createFromArray(s).reshape(1, s.length, 1, 2));
        Map<String, SDVariable> f = Map.of(FeatureKeys.student(0), sv,
                FeatureKeys.teacher(0), sd.constant("t", Nd4j.createFromArray(t).reshape(1, t.length, 1, 2)));
        return new AttentionLoss().loss(new LossInputs(sd, sv, sv, null, f), new AttentionParams(p)).eval()
                .getDouble(0);
    }

    /** Attention on disjoint positions: maps (1, 0) and (0, 1), distance^2 2. */
    @Test
    void disjointAttentionCostsTwo() {
        assertEquals(2.0, loss(new float[][] {{1, 0}}, new float[][] {{0, 2}}, 2), 1e-6);
    }

    /**
     * p = 2 sums squares over channels: student channels (3, 0), (0, -4) give Q = (9, 16)/sqrt(337); a one-channel
     * teacher (1, 1) gives (1, 1)/sqrt(2). Channel counts differ: no projection is needed.
     */
    @Test
    void handComputedValueAcrossChannelCounts() {
        double a = 9 / Math.sqrt(337) - 1 / Math.sqrt(2);
        double b = 16 / Math.sqrt(337) - 1 / Math.sqrt(2);
        assertEquals(a * a + b * b, loss(new float[][] {{3, 0}, {0, -4}}, new float[][] {{1, 1}}, 2), 1e-6);
    }

    /** p = 1 sums magnitudes: Q = (3, 4)/5 against (1, 1)/sqrt(2). */
    @Test
    void exponentOne() {
        double a = 0.6 - 1 / Math.sqrt(2);
        double b = 0.8 - 1 / Math.sqrt(2);
        assertEquals(a * a + b * b, loss(new float[][] {{3, 0}, {0, -4}}, new float[][] {{1, 1}}, 1), 1e-6);
    }

    @Test
    void rankTwoFeaturesAreRejected() {
        SameDiff sd = SameDiff.create();
        SDVariable sv = sd.var("s", Nd4j.ones(2, 3));
        Map<String, SDVariable> f = Map.of(FeatureKeys.student(0), sv, FeatureKeys.teacher(0),
                sd.constant("t", Nd4j.ones(2, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> new AttentionLoss().loss(new LossInputs(sd, sv, sv, null, f), new AttentionParams()));
    }
}
