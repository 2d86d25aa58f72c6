package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReluOp's forward and backward against the definition: {@code y = max(x, 0)}, {@code dL/dx = dL/dy} where x &gt; 0
 * and 0 elsewhere (at 0 too). Computed with plain INDArray ops: once ReluOp is loaded, SameDiff rebuilds every
 * {@code relu} as ReluOp, so ND4J's own relu is no independent reference.
 */
class ReluOpTest {

    @Test
    void forwardAndBackwardEqualNd4jRelu() {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5);
        x.putScalar(0, 0f);   // the derivative at 0 is 0 in both
        INDArray r = Nd4j.randn(DataType.FLOAT, 4, 3, 5, 5);
        SameDiff sd = SameDiff.create();
        SDVariable w = sd.var("w", x.dup());
        ReluOp.relu(sd, "y", w).mul(sd.constant(r)).sum("loss");
        sd.setLossVariables("loss");
        INDArray positive = x.gt(0).castTo(DataType.FLOAT);
        assertEquals(x.mul(positive), sd.output(Map.of(), "y").get("y"));
        INDArray dx = sd.calculateGradients(Map.of(), "w").get("w");
        assertEquals(r.mul(positive), dx);
        assertEquals(0.0, dx.getDouble(0), 0.0);
    }
}
