package dev.condense.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.loss.LossFunction;
import dev.condense.api.loss.LossInputs;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Contract tests for {@link LossFunction}s: the loss is a finite scalar on seeded logits, labels and teacher logits
 * {@code [4, 3]}, the same inputs give the same value, and gradients reach the student logits.
 *
 * @param <P> the loss's params record
 */
public abstract class LossFunctionContract<P extends Record> extends ExtensionContract<LossFunction<P>> {

    @Override
    protected abstract P params();

    private double evaluate(boolean gradients) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("logits", Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(3), new long[] {4, 3}).castTo(DataType.FLOAT));
        SDVariable labels = sd.constant("labels", Nd4j.eye(3).getRows(0, 1, 2, 0).castTo(DataType.FLOAT));
        SDVariable teacher = sd.constant("teacher", Nd4j.randn(Nd4j.getRandomFactory().getNewRandomInstance(4), new long[] {4, 3}).castTo(DataType.FLOAT));
        SDVariable loss = extension().loss(new LossInputs(sd, logits, labels, teacher, Map.of()), params());
        sd.setLossVariables(loss);
        INDArray value = loss.eval();
        assertEquals(1, value.length(), "the loss must be a scalar");
        if (gradients) {
            INDArray g = sd.calculateGradients(Map.of(), "logits").get("logits");
            assertTrue(g.norm2Number().doubleValue() > 0, "no gradient reaches the student logits");
        }
        return value.getDouble(0);
    }

    @Test
    void lossIsAFiniteDeterministicScalar() {
        double a = evaluate(false);
        assertTrue(Double.isFinite(a), "loss " + a);
        assertEquals(a, evaluate(false), 0.0);
    }

    @Test
    void gradientsReachTheStudentLogits() {
        evaluate(true);
    }
}
