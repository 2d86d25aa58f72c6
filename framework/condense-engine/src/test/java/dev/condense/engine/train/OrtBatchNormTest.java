package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link OrtBatchNorm}'s kernels against the libnd4j ops they replace in a planned step ({@code batchnorm},
 * {@code batchnorm_bp}, as {@link BatchNormOps} calls them, on libnd4j's {@code moments}): same values within float
 * rounding (relative 1e-5 of each array's largest magnitude), for NCHW and [N, C] inputs whose mean is far from zero,
 * with gamma and beta views into the middle of a larger buffer (as the flat parameter buffer holds them); and the
 * moments ({@code moments}) no further from a float64 evaluation than libnd4j's.
 */
class OrtBatchNormTest {
    private static final double EPS = 1e-5;

    @Test
    void convolutionalShapeMatchesLibnd4j() {
        assertSameAsLibnd4j(new long[] {6, 3, 5, 7});
    }

    @Test
    void denseShapeMatchesLibnd4j() {
        assertSameAsLibnd4j(new long[] {33, 4});
    }

    @Test
    void otherOpsAndDoubleArraysGetNoKernel() {
        try (OrtBatchNorm bn = new OrtBatchNorm()) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3, 2, 2);
            SameDiff sd = SameDiff.create();
            SDVariable v = sd.var("x", x);
            var moments = new BatchNormOps.Moments(sd, v, new int[] {0, 2, 3});
            assertNull(bn.kernel(moments, new INDArray[] {x}, new INDArray[] {Nd4j.zeros(DataType.DOUBLE, 3),
                    Nd4j.zeros(DataType.DOUBLE, 3)}), "float32 only");
            INDArray xf = x.castTo(DataType.FLOAT);
            assertNull(bn.kernel(new ReluOp(), new INDArray[] {xf}, new INDArray[] {xf.like()}), "not a batch-norm op");
        }
    }

    private static void assertSameAsLibnd4j(long[] shape) {
        Nd4j.getRandom().setSeed(19);
        long c = shape[1];
        INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(4).addi(3);
        INDArray dy = Nd4j.randn(DataType.FLOAT, shape);
        INDArray flat = Nd4j.rand(DataType.FLOAT, 1, 2 * c + 5).subi(0.5).muli(2);
        INDArray gamma = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(3, 3 + c));
        INDArray beta = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(3 + c, 3 + 2 * c));
        assertTrue(gamma.isView() && gamma.offset() == 3, "gamma is a view with an offset");
        int[] axes = new int[shape.length - 1];
        for (int i = 1; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.var("x", x);
        SDVariable[] in = {xv, sd.var("m", Nd4j.zeros(DataType.FLOAT, c)), sd.var("v", Nd4j.ones(DataType.FLOAT, c)),
                sd.var("g", gamma.dup()), sd.var("b", beta.dup())};
        var moments = new BatchNormOps.Moments(sd, xv, axes);
        var forward = new BatchNormOps.Forward(sd, in, EPS);
        var backward = new BatchNormOps.Backward(sd, new SDVariable[] {in[0], in[1], in[2], in[3], in[4], xv}, EPS);

        INDArray[] refMoments = exec("moments", new INDArray[] {x}, axes, 0, Nd4j.zeros(DataType.FLOAT, c),
                Nd4j.zeros(DataType.FLOAT, c));
        INDArray mean = refMoments[0];
        INDArray var = refMoments[1];
        INDArray[] bnIn = {x, mean, var, gamma, beta};
        INDArray[] refY = exec("batchnorm", bnIn, new int[] {1, 1, 1}, EPS, x.like());
        INDArray[] bpIn = {x, mean, var, gamma, beta, dy};
        INDArray[] refBp = exec("batchnorm_bp", bpIn, new int[] {1, 1, 1}, EPS, x.like(), mean.like(), var.like(),
                gamma.like(), beta.like());

        try (OrtBatchNorm bn = new OrtBatchNorm()) {
            INDArray[] gotY = {x.like()};
            INDArray[] gotBp = {x.like(), Nd4j.ones(DataType.FLOAT, c), Nd4j.ones(DataType.FLOAT, c),
                    Nd4j.zeros(DataType.FLOAT, c), Nd4j.zeros(DataType.FLOAT, c)};
            INDArray[] gotMoments = {mean.like(), var.like()};
            run(bn.kernel(moments, new INDArray[] {x}, gotMoments));
            assertCloserToFloat64(x, axes, mean, var, gotMoments);
            run(bn.kernel(forward, bnIn, gotY));
            run(bn.kernel(backward, bpIn, gotBp));
            assertClose(refY[0], gotY[0], "y");
            assertClose(refBp[0], gotBp[0], "dL/dx");
            assertClose(refBp[3], gotBp[3], "dL/dgamma");
            assertClose(refBp[4], gotBp[4], "dL/dbeta");
            assertEquals(0, gotBp[1].amaxNumber().doubleValue(), "dL/dmean is zero (its path is in dL/dx)");
            assertEquals(0, gotBp[2].amaxNumber().doubleValue(), "dL/dvar is zero (its path is in dL/dx)");
        }
    }

    /**
     * A channel whose mean is 2,000 times its spread (x = 1000 + 0.5 u, u uniform in [0, 1)): the moments' kernel
     * stays within 1e-6 of a float64 evaluation in the mean and 1e-5 in the variance (relative). libnd4j's variance
     * is closer here (it accumulates in double: 4e-8 against the kernel's 1.2e-6, which is the float32 rounding of the
     * mean squared); on activations like a network's (the other tests) the kernel is the closer one.
     */
    @Test
    void momentsOfAChannelFarFromZeroStayCloseToFloat64() {
        Nd4j.getRandom().setSeed(23);
        long[] shape = {32, 4, 14, 14};
        INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(0.5).addi(1000);
        int[] axes = {0, 2, 3};
        INDArray[] lib = exec("moments", new INDArray[] {x}, axes, 0, Nd4j.zeros(DataType.FLOAT, 4),
                Nd4j.zeros(DataType.FLOAT, 4));
        SameDiff sd = SameDiff.create();
        var moments = new BatchNormOps.Moments(sd, sd.var("x", x), axes);
        try (OrtBatchNorm bn = new OrtBatchNorm(true)) {
            INDArray[] got = {Nd4j.zeros(DataType.FLOAT, 4), Nd4j.zeros(DataType.FLOAT, 4)};
            run(bn.kernel(moments, new INDArray[] {x}, got));
            double[] err = errors(x, axes, got[0], got[1]);
            assertTrue(err[0] <= 1e-6 && err[1] <= 1e-5, "mean " + err[0] + ", variance " + err[1]);
        }
        try (OrtBatchNorm bn = new OrtBatchNorm(false)) {
            assertNull(bn.kernel(moments, new INDArray[] {x}, new INDArray[] {lib[0].like(), lib[1].like()}),
                    "moments off: libnd4j's");
        }
    }

    /**
     * The kernel's mean and variance are no further from a float64 evaluation (relative to the largest magnitude)
     * than libnd4j's {@code lib} ones, up to 1e-7 of rounding either way.
     */
    private static double[] assertCloserToFloat64(INDArray x, int[] axes, INDArray libMean, INDArray libVar,
                                                  INDArray[] got) {
        double[] err = errors(x, axes, got[0], got[1]);
        double[] libErr = errors(x, axes, libMean, libVar);
        assertTrue(err[0] <= libErr[0] + 1e-7, "mean off float64 by " + err[0] + ", libnd4j's by " + libErr[0]);
        assertTrue(err[1] <= libErr[1] + 1e-7, "variance off float64 by " + err[1] + ", libnd4j's by " + libErr[1]);
        return err;
    }

    /** Relative errors {mean, var} of {@code mean}, {@code var} against a float64 evaluation of x's moments. */
    private static double[] errors(INDArray x, int[] axes, INDArray gotMean, INDArray gotVar) {
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray mean = xd.mean(axes);
        long[] b = new long[x.rank()];
        java.util.Arrays.fill(b, 1);
        b[1] = x.size(1);
        INDArray centered = xd.sub(mean.reshape(b).broadcast(x.shape()));
        INDArray var = centered.mul(centered).mean(axes);
        double[] err = {relative(mean, gotMean), relative(var, gotVar)};
        System.out.printf("moments of %s off float64 by %.2e (mean), %.2e (variance)%n",
                java.util.Arrays.toString(x.shape()), err[0], err[1]);
        return err;
    }

    private static double relative(INDArray exact, INDArray got) {
        return exact.sub(got.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / exact.amaxNumber().doubleValue();
    }

    private static void run(Runnable kernel) {
        assertNotNull(kernel, "a kernel for the op");
        kernel.run();
    }

    private static INDArray[] exec(String op, INDArray[] ins, int[] iArgs, double tArg, INDArray... outs) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(op).addInputs(ins).addOutputs(outs)
                .addIntegerArguments(iArgs);
        if (tArg != 0) {
            b.addFloatingPointArguments(tArg);
        }
        Nd4j.exec(b.build());
        return outs;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * scale, what + ": max difference " + diff + " at scale " + scale);
    }
}
