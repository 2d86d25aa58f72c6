package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link OrtConv}'s forward kernel against libnd4j's {@code conv2d} (one input channel: LeNet-5's first layer, and a
 * padded, strided 3x3 one with a bias view), and its weight-gradient kernel against libnd4j's {@code conv2d_bp} (NCHW, YXIO weights, as {@link ConvOp} runs it):
 * the weight gradient (as {@code [oC, C*kH*kW]}) and the bias gradient within 1e-5 of each array's largest magnitude,
 * for LeNet-5's first layer (1 channel, 5x5, no padding), and a strided, padded 3x3 convolution of 3 channels; the
 * bias gradient written into a view in the middle of a larger buffer (as the flat gradient buffer holds it).
 */
class OrtConvTest {

    @Test
    void lenet5FirstLayerMatchesConv2dBp() {
        assertSameAsLibnd4j(new long[] {16, 1, 28, 28}, 20, new long[] {5, 5, 1, 1, 0, 0});
    }

    @Test
    void stridedPaddedMultiChannelConvolutionMatchesConv2dBp() {
        assertSameAsLibnd4j(new long[] {6, 3, 9, 11}, 4, new long[] {3, 3, 2, 2, 1, 1});
    }

    @Test
    void oneChannelForwardMatchesConv2d() {
        assertForwardAsLibnd4j(new long[] {16, 1, 28, 28}, 20, new long[] {5, 5, 1, 1, 0, 0});
        assertForwardAsLibnd4j(new long[] {5, 1, 9, 12}, 8, new long[] {3, 3, 2, 2, 1, 1});
    }

    @Test
    void forwardOfSeveralInputChannelsStaysLibnd4j() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        INDArray w = Nd4j.rand(DataType.FLOAT, 3, 3, 3, 4);
        ConvOp op = convOp(new long[] {3, 3, 1, 1, 0, 0});
        try (OrtConv k = new OrtConv()) {
            assertNull(k.forward(op, new INDArray[] {x, w}, new INDArray[] {Nd4j.zeros(DataType.FLOAT, 2, 4, 6, 6)}));
        }
    }

    private static ConvOp convOp(long[] g) {
        ConvOp op = new ConvOp();
        op.addIArgument(g[0], g[1], g[2], g[3], g[4], g[5], 1, 1, 0, 0, 0);
        return op;
    }

    private static void assertForwardAsLibnd4j(long[] xs, long oc, long[] g) {
        Nd4j.getRandom().setSeed(29);
        long oh = (xs[2] + 2 * g[4] - g[0]) / g[2] + 1;
        long ow = (xs[3] + 2 * g[5] - g[1]) / g[3] + 1;
        INDArray x = Nd4j.rand(DataType.FLOAT, xs).subi(0.3);
        INDArray w = Nd4j.randn(DataType.FLOAT, g[0], g[1], 1, oc);
        INDArray flat = Nd4j.randn(DataType.FLOAT, oc + 4);
        INDArray b = flat.get(NDArrayIndex.interval(2, 2 + oc));
        INDArray expected = Nd4j.zeros(DataType.FLOAT, xs[0], oc, oh, ow);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(expected)
                .addIntegerArguments((int) g[0], (int) g[1], (int) g[2], (int) g[3], (int) g[4], (int) g[5], 1, 1, 0, 0,
                        0).build());
        INDArray y = Nd4j.zeros(DataType.FLOAT, xs[0], oc, oh, ow);
        try (OrtConv k = new OrtConv()) {
            Runnable kernel = k.forward(convOp(g), new INDArray[] {x, w, b}, new INDArray[] {y});
            assertNotNull(kernel);
            kernel.run();
        }
        assertEquals(0, y.sub(expected).amaxNumber().doubleValue(), 1e-5 * expected.amaxNumber().doubleValue());
    }

    @Test
    void arraysThatAreNotContiguousFloatGetNoKernel() {
        long[] xs = {2, 1, 6, 6};
        long[] ys = {2, 3, 4, 4};
        var chain = new ConvWeightGradients.Chain(4, -1, Set.of(0, 1, 2, 3), "x", "dy", new long[] {3, 3, 1, 1, 0, 0},
                xs, ys);
        try (OrtConv k = new OrtConv()) {
            INDArray dw = Nd4j.zeros(DataType.FLOAT, 3, 9);
            assertNull(k.kernel(chain, Nd4j.zeros(DataType.DOUBLE, xs), Nd4j.zeros(DataType.FLOAT, ys), dw, null));
            INDArray wide = Nd4j.zeros(DataType.FLOAT, 2, 1, 6, 12).get(NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.interval(0, 6));
            assertNull(k.kernel(chain, wide, Nd4j.zeros(DataType.FLOAT, ys), dw, null), "strided view");
        }
    }

    private static void assertSameAsLibnd4j(long[] xs, long oc, long[] g) {
        Nd4j.getRandom().setSeed(23);
        long oh = (xs[2] + 2 * g[4] - g[0]) / g[2] + 1;
        long ow = (xs[3] + 2 * g[5] - g[1]) / g[3] + 1;
        long[] ys = {xs[0], oc, oh, ow};
        INDArray x = Nd4j.rand(DataType.FLOAT, xs).subi(0.3);
        INDArray dy = Nd4j.randn(DataType.FLOAT, ys);
        INDArray w = Nd4j.randn(DataType.FLOAT, g[0], g[1], xs[1], oc);
        INDArray gi = Nd4j.zeros(DataType.FLOAT, xs);
        INDArray gw = Nd4j.zeros(DataType.FLOAT, g[0], g[1], xs[1], oc);
        INDArray gb = Nd4j.zeros(DataType.FLOAT, oc);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, Nd4j.zeros(DataType.FLOAT, oc), dy)
                .addOutputs(gi, gw, gb).addIntegerArguments((int) g[0], (int) g[1], (int) g[2], (int) g[3], (int) g[4],
                        (int) g[5], 1, 1, 0, 0, 0).build());
        INDArray expectedW = gw.permute(3, 2, 0, 1).dup('c').reshape(oc, xs[1] * g[0] * g[1]);
        var chain = new ConvWeightGradients.Chain(4, 5, Set.of(0, 1, 2, 3), "x", "dy", g, xs, ys);
        INDArray dw = Nd4j.zeros(DataType.FLOAT, oc, xs[1] * g[0] * g[1]);
        INDArray flat = Nd4j.zeros(DataType.FLOAT, oc + 7);
        INDArray db = flat.get(NDArrayIndex.interval(3, 3 + oc));
        try (OrtConv k = new OrtConv()) {
            Runnable kernel = k.kernel(chain, x, dy, dw, db);
            assertNotNull(kernel);
            kernel.run();
        }
        assertEquals(0, dw.sub(expectedW).amaxNumber().doubleValue(), 1e-5 * expectedW.amaxNumber().doubleValue());
        assertEquals(0, db.sub(gb).amaxNumber().doubleValue(), 1e-5 * gb.amaxNumber().doubleValue());
        assertEquals(0, flat.get(NDArrayIndex.interval(0, 3)).amaxNumber().doubleValue(), 0, "nothing outside the view");
    }
}
