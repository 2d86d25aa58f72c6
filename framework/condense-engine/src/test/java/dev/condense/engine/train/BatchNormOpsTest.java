package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused training batch norm (moments, batchnorm, batchnorm_bp) against the same normalization written with
 * elementwise SameDiff ops, whose gradient SameDiff derives through the batch mean and variance: outputs, moments and
 * the gradients of the input, gamma and beta agree within float rounding, for NCHW and [N, C] inputs.
 */
class BatchNormOpsTest {

    private static final double EPS = 1e-5;

    @Test
    void convolutionalInputMatchesTheElementwiseTrainingGradient() {
        assertSameTraining(new long[] {6, 3, 4, 5});
    }

    @Test
    void denseInputMatchesTheElementwiseTrainingGradient() {
        assertSameTraining(new long[] {9, 4});
    }

    private static void assertSameTraining(long[] shape) {
        Nd4j.getRandom().setSeed(19);
        INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(3).addi(1);
        INDArray r = Nd4j.randn(DataType.FLOAT, shape);
        Map<String, INDArray> ph = Map.of("in", x);
        SameDiff fused = net(true, shape, r);
        SameDiff plain = net(false, shape, r);
        Map<String, INDArray> gf = fused.calculateGradients(ph, "one", "gamma", "beta");
        Map<String, INDArray> gp = plain.calculateGradients(ph, "one", "gamma", "beta");
        INDArray yf = fused.output(ph, "y").get("y");
        INDArray yp = plain.output(ph, "y").get("y");
        assertClose(yp, yf, 1e-5, "output");
        assertClose(x.mean(axes(shape)), fused.output(ph, "y.batch").get("y.batch"), 1e-6, "batch mean");
        assertClose(x.var(false, axes(shape)), fused.output(ph, "y.batch:1").get("y.batch:1"), 1e-5, "biased variance");
        for (String p : new String[] {"gamma", "beta"}) {
            assertClose(gp.get(p), gf.get(p), 1e-4, "dL/d" + p);
        }
        // d/d(one) = sum(dL/dx * in): the input gradient, including the paths through the moments (it is 0 for BN
        // when those paths are included, since BN is invariant to scaling its input; nonzero if they were dropped)
        assertEquals(gp.get("one").getDouble(0), gf.get("one").getDouble(0), 1e-3, "dL/d(input scale)");
        assertEquals(0, gf.get("one").getDouble(0), 1e-2, "BN is invariant to the input's scale");
    }

    private static SameDiff net(boolean fused, long[] shape, INDArray r) {
        SameDiff sd = SameDiff.create();
        long c = shape[1];
        SDVariable x = sd.placeHolder("in", DataType.FLOAT, shape).mul(sd.var("one", Nd4j.scalar(DataType.FLOAT, 1f)));
        SDVariable gamma = sd.var("gamma", Nd4j.linspace(0.5, 1.5, c, DataType.FLOAT));
        SDVariable beta = sd.var("beta", Nd4j.linspace(-0.2, 0.2, c, DataType.FLOAT));
        SDVariable y;
        if (fused) {
            y = BatchNormOps.training(sd, "y", x, gamma, beta, shape.length, EPS)[0];
        } else {
            long[] b = new long[shape.length];
            java.util.Arrays.fill(b, 1);
            b[1] = c;
            SDVariable mean = sd.mean(x, false, axes(shape));
            SDVariable centered = x.sub(sd.reshape(mean, b));
            SDVariable var = sd.mean(centered.mul(centered), false, axes(shape));
            SDVariable inv = gamma.div(sd.math.sqrt(var.add(EPS)));
            y = x.mul(sd.reshape(inv, b)).add("y", sd.reshape(beta.sub(mean.mul(inv)), b));
        }
        sd.nn.relu(y, 0).mul(sd.constant("r", r)).sum("loss");
        sd.setLossVariables("loss");
        return sd;
    }

    private static int[] axes(long[] shape) {
        int[] a = new int[shape.length - 1];
        for (int i = 1; i < a.length; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double err = expected.sub(actual).norm2Number().doubleValue() / Math.max(1e-12, expected.norm2Number().doubleValue());
        assertTrue(err < tol, () -> what + ": relative L2 error " + err);
    }
}
