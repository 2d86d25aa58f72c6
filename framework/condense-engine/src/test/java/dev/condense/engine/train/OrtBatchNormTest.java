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
 * with gamma and beta views into the middle of a larger buffer (as the flat parameter buffer holds them).
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
            assertNull(bn.kernel(moments, new INDArray[] {x}, new INDArray[] {mean.like(), var.like()}),
                    "the moments stay libnd4j's");
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
