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

class LogitRegressionLossTest extends LossFunctionContract<LogitRegressionParams> {

    @Override
    protected LossFunction<LogitRegressionParams> extension() {
        return new LogitRegressionLoss();
    }

    @Override
    protected LogitRegressionParams params() {
        return new LogitRegressionParams(0.5);
    }

    /** Loss and gradient with respect to the student of the loss on constant rows. */
    private static Object[] lossAndGradient(float[][] s, float[][] y, float[][] t, double alpha) {
        SameDiff sd = SameDiff.create();
        SDVariable student = sd.var("s", Nd4j.createFromArray(s));
        SDVariable loss = new LogitRegressionLoss().loss(new LossInputs(sd, student,
                sd.constant("y", Nd4j.createFromArray(y)), sd.constant("t", Nd4j.createFromArray(t)), Map.of()),
                new LogitRegressionParams(alpha));
        sd.setLossVariables(loss);
        return new Object[] {loss.eval().getDouble(0), sd.calculateGradients(Map.of(), "s").get("s")};
    }

    /**
     * Two rows, C = 2, alpha 1: residuals (1, -2) and (3, 0) cost (1 + 4) / 4 and 9 / 4, mean 14 / 8; the gradient is
     * {@code (s - t) / (C N)}.
     */
    @Test
    void regressionTermIsHalfTheMeanSquaredResidualPerClass() {
        Object[] r = lossAndGradient(new float[][] {{1, 0}, {3, 1}}, new float[][] {{1, 0}, {0, 1}},
                new float[][] {{0, 2}, {0, 1}}, 1.0);
        assertEquals(14.0 / 8, (double) r[0], 1e-6);
        INDArray g = (INDArray) r[1];
        assertEquals(0.25, g.getDouble(0, 0), 1e-6);
        assertEquals(-0.5, g.getDouble(0, 1), 1e-6);
        assertEquals(0.75, g.getDouble(1, 0), 1e-6);
        assertEquals(0.0, g.getDouble(1, 1), 1e-6);
    }

    /**
     * Hinton et al.'s (2015) high-temperature limit: for zero-mean logits the soft-label gradient at T 100 is within
     * 2% of this loss's gradient (the gap shrinks as 1/T), so the two losses train at the same scale.
     */
    @Test
    void gradientIsTheSoftLabelGradientsHighTemperatureLimit() {
        float[][] s = {{1, -1, 0}};
        float[][] t = {{3, -3, 0}};
        float[][] y = {{1, 0, 0}};
        INDArray regression = (INDArray) lossAndGradient(s, y, t, 1.0)[1];
        SameDiff sd = SameDiff.create();
        SDVariable student = sd.var("s", Nd4j.createFromArray(s));
        sd.setLossVariables(new SoftLabelLoss().loss(new LossInputs(sd, student, sd.constant("y",
                Nd4j.createFromArray(y)), sd.constant("t", Nd4j.createFromArray(t)), Map.of()),
                new SoftLabelParams(100.0, 1.0)));
        INDArray soft = sd.calculateGradients(Map.of(), "s").get("s");
        double scale = regression.norm2Number().doubleValue();
        assertEquals(0.0, soft.sub(regression).norm2Number().doubleValue(), 0.02 * scale);
    }

    /** Alpha 0 is plain cross-entropy with the labels whatever the teacher: ln 2 for a uniform two-class student. */
    @Test
    void alphaZeroIsPlainCrossEntropy() {
        Object[] r = lossAndGradient(new float[][] {{0, 0}}, new float[][] {{0, 1}}, new float[][] {{9, -9}}, 0.0);
        assertEquals(Math.log(2), (double) r[0], 1e-6);
    }

    @Test
    void defaultsAndInvalidParams() {
        assertEquals(0.9, new LogitRegressionParams().alpha());
        assertThrows(IllegalArgumentException.class, () -> new LogitRegressionParams(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new LogitRegressionParams(Double.NaN));
    }

    @Test
    void needsTeacherLogits() {
        SameDiff sd = SameDiff.create();
        LossInputs noTeacher = new LossInputs(sd, sd.var("s", Nd4j.zeros(1, 3)), sd.constant("y", Nd4j.zeros(1, 3)),
                null, Map.of());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LogitRegressionLoss().loss(noTeacher, params()));
        assertTrue(e.getMessage().contains("teacher"), e.getMessage());
    }
}
