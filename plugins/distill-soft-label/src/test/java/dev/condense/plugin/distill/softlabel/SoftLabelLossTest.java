package dev.condense.plugin.distill.softlabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import dev.condense.testkit.LossFunctionContract;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SoftLabelLossTest extends LossFunctionContract<SoftLabelParams> {

    @Override
    protected LossFunction<SoftLabelParams> extension() {
        return new SoftLabelLoss();
    }

    @Override
    protected SoftLabelParams params() {
        return new SoftLabelParams(2.0, 0.5);
    }

    private static final float LN2 = (float) Math.log(2);

    /** Builds the loss on constant student, label and teacher rows; returns [loss, |d loss / d student|]. */
    private static double[] lossAndGradient(float[][] s, float[][] y, float[][] t, double temperature, double alpha) {
        SameDiff sd = SameDiff.create();
        SDVariable student = sd.var("s", Nd4j.createFromArray(s));
        SDVariable labels = sd.constant("y", Nd4j.createFromArray(y));
        SDVariable teacher = sd.constant("t", Nd4j.createFromArray(t));
        SDVariable loss = new SoftLabelLoss().loss(new LossInputs(sd, student, labels, teacher, Map.of()),
                new SoftLabelParams(temperature, alpha));
        sd.setLossVariables(loss);
        double value = loss.eval().getDouble(0);
        INDArray g = sd.calculateGradients(Map.of(), "s").get("s");
        return new double[] {value, g.norm2Number().doubleValue()};
    }

    /** A uniform student costs ln 3 in both terms whatever the teacher says: 2.5 ln 3 at T = 2, alpha = 0.5. */
    @Test
    void uniformStudentCostsLnThreeScaledByTemperatureSquared() {
        double[] r = lossAndGradient(new float[][] {{0, 0, 0}}, new float[][] {{0, 1, 0}},
                new float[][] {{5, -1, 2}}, 2.0, 0.5);
        assertEquals(0.5 * 4 * Math.log(3) + 0.5 * Math.log(3), r[0], 1e-5);
    }

    /**
     * A student equal to teacher logits (0, ln 2, 0), whose softmax is (1/4, 1/2, 1/4): with alpha 1 the loss is that
     * distribution's entropy, 1.5 ln 2, and its gradient vanishes (the soft term's minimum).
     */
    @Test
    void studentMatchingTheTeacherSitsAtTheMinimum() {
        float[][] t = {{0, LN2, 0}};
        double[] r = lossAndGradient(t, new float[][] {{1, 0, 0}}, t, 1.0, 1.0);
        assertEquals(1.5 * Math.log(2), r[0], 1e-5);
        assertEquals(0.0, r[1], 1e-6);
    }

    /** Alpha 0 is plain cross-entropy with the labels: -ln(1/4) for the row above with label 0. */
    @Test
    void alphaZeroIsPlainCrossEntropy() {
        double[] r = lossAndGradient(new float[][] {{0, LN2, 0}}, new float[][] {{1, 0, 0}},
                new float[][] {{9, 0, 0}}, 3.0, 0.0);
        assertEquals(Math.log(4), r[0], 1e-5);
        assertTrue(r[1] > 0);
    }

    /**
     * The soft term's gradient for one row is {@code alpha T (softmax(s/T) - softmax(t/T))} (the T^2 factor times the
     * 1/T of the softened logits): for s = 0, t = (5, -1, 2), T = 4, alpha 1 its norm is
     * {@code 4 |1/3 - softmax(t/4)|}.
     */
    @Test
    void softGradientIsAlphaTTimesTheSoftenedResidual() {
        float[][] t = {{5, -1, 2}};
        double[] q = softmax(t[0], 4.0);
        double expected = 0;
        for (double qc : q) {
            expected += Math.pow(4.0 * (1.0 / 3 - qc), 2);
        }
        double[] r = lossAndGradient(new float[][] {{0, 0, 0}}, new float[][] {{1, 0, 0}}, t, 4.0, 1.0);
        assertEquals(Math.sqrt(expected), r[1], 1e-5);
    }

    /**
     * Hinton et al.'s (2015) high-temperature limit: with zero-mean logits the T^2-scaled soft gradient tends to
     * {@code (s - t) / C}, whatever T, so T 20 and T 100 train at the same scale (t = (3, -3, 0), s = 0: norm
     * {@code |t| / 3 = sqrt(18) / 3}); without the T^2 factor it would shrink as 1/T^2.
     */
    @Test
    void softGradientScaleDoesNotShrinkWithTemperature() {
        float[][] t = {{3, -3, 0}};
        double limit = Math.sqrt(18) / 3;
        for (double temperature : new double[] {20, 100}) {
            double[] r = lossAndGradient(new float[][] {{0, 0, 0}}, new float[][] {{1, 0, 0}}, t, temperature, 1.0);
            assertEquals(limit, r[1], 0.02 * limit, "T " + temperature);
        }
    }

    private static double[] softmax(float[] z, double temperature) {
        double[] e = new double[z.length];
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            e[c] = Math.exp(z[c] / temperature);
            sum += e[c];
        }
        for (int c = 0; c < z.length; c++) {
            e[c] /= sum;
        }
        return e;
    }

    @Test
    void defaultsAndInvalidParams() {
        assertEquals(4.0, new SoftLabelParams().temperature());
        assertEquals(0.9, new SoftLabelParams().alpha());
        assertThrows(IllegalArgumentException.class, () -> new SoftLabelParams(0.0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new SoftLabelParams(2.0, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new SoftLabelParams(Double.NaN, 0.5));
    }

    @Test
    void needsTeacherLogits() {
        SameDiff sd = SameDiff.create();
        LossInputs noTeacher = new LossInputs(sd, sd.var("s", Nd4j.zeros(1, 3)), sd.constant("y", Nd4j.zeros(1, 3)),
                null, Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> new SoftLabelLoss().loss(noTeacher, params()));
        assertTrue(e.getMessage().contains("teacher"), e.getMessage());
    }
}
