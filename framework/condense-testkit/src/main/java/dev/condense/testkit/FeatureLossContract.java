package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.loss.FeatureKeys;
import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contract tests for feature losses ({@link LossFunction}s over {@link FeatureKeys} pairs, used in a distill stage's
 * layer map): on two seeded pairs of shape {@link #featureShape()} the loss is a finite, deterministic scalar whose
 * gradient reaches the student features; a student equal to the teacher gives loss 0 and zero gradient; inputs
 * without features are rejected with {@link IllegalArgumentException}; the ranks it declares
 * ({@link LossFunction#featureRanks()}) are layer-map ranks (2, 3, 4) and include the rank it is tested with.
 *
 * @param <P> the loss's params record
 */
public abstract class FeatureLossContract<P extends Record> extends ExtensionContract<LossFunction<P>> {

    @Override
    protected abstract P params();

    /** Shape of every planted feature, batch first; {@code [4, 3, 2, 2]} by default. */
    protected long[] featureShape() {
        return new long[] {4, 3, 2, 2};
    }

    private static INDArray seeded(long seed, long[] shape) {
        return Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(seed), shape).castTo(DataType.FLOAT);
    }

    /** @return [loss, |gradient wrt the student features|] */
    private double[] evaluate(boolean sameAsTeacher) {
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> f = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            INDArray t = seeded(10 + i, featureShape());
            f.put(FeatureKeys.student(i), sd.var("s" + i, sameAsTeacher ? t.dup() : seeded(20 + i, featureShape())));
            f.put(FeatureKeys.teacher(i), sd.constant("t" + i, t));
        }
        SDVariable logits = sd.var("logits", seeded(3, new long[] {featureShape()[0], 3}));
        SDVariable labels = sd.constant("labels", Nd4j.eye(3).getRows(0, 1, 2, 0).castTo(DataType.FLOAT));
        SDVariable loss = extension().loss(new LossInputs(sd, logits, labels, null, f), params());
        sd.setLossVariables(loss);
        INDArray value = loss.eval();
        assertEquals(1, value.length(), "the loss must be a scalar");
        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "s0", "s1");
        double norm = Math.hypot(g.get("s0").norm2Number().doubleValue(), g.get("s1").norm2Number().doubleValue());
        return new double[] {value.getDouble(0), norm};
    }

    @Test
    void lossIsAFiniteDeterministicScalarWithGradients() {
        double[] a = evaluate(false);
        assertTrue(Double.isFinite(a[0]) && a[0] > 0, "loss " + a[0]);
        assertEquals(a[0], evaluate(false)[0], 0.0);
        assertTrue(a[1] > 0, "no gradient reaches the student features");
    }

    @Test
    void studentEqualToTheTeacherCostsNothing() {
        double[] r = evaluate(true);
        assertEquals(0.0, r[0], 1e-6);
        assertEquals(0.0, r[1], 1e-4);
    }

    @Test
    void inputsWithoutFeaturesAreRejected() {
        SameDiff sd = SameDiff.create();
        LossInputs none = new LossInputs(sd, sd.var("s", Nd4j.zeros(DataType.FLOAT, 1, 3)), sd.constant("y",
                Nd4j.zeros(DataType.FLOAT, 1, 3)), null, Map.of());
        assertThrows(IllegalArgumentException.class, () -> extension().loss(none, params()));
    }

    @Test
    void declaredFeatureRanksAreLayerMapRanksAndIncludeTheTestedOne() {
        java.util.Set<Integer> ranks = extension().featureRanks();
        assertTrue(!ranks.isEmpty() && java.util.Set.of(2, 3, 4).containsAll(ranks), "feature ranks " + ranks);
        assertTrue(ranks.contains(featureShape().length), "feature ranks " + ranks + " exclude the tested rank "
                + featureShape().length);
    }
}
