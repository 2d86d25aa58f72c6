package dev.condense.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ConvOp's two backward paths against libnd4j's conv2d_bp run directly on arrays: the weight-only path (the input is
 * a placeholder: im2col + tensormmul) and the full path (the input depends on a trainable variable), with stride,
 * padding and bias.
 */
class ConvOpTest {

    private static final Conv2DConfig CONF = Conv2DConfig.builder().kH(3).kW(2).sH(2).sW(1).pH(1).pW(0).dH(1).dW(1)
            .paddingMode(PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();

    @Test
    void weightGradientWithoutAnInputGradientEqualsConv2dBp() {
        check(false);
    }

    @Test
    void fullBackwardWhenTheInputIsTrainedEqualsConv2dBp() {
        check(true);
    }

    private static void check(boolean inputTrained) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 3, 9, 7);
        INDArray w = Nd4j.randn(DataType.FLOAT, 3, 2, 3, 5);
        INDArray b = Nd4j.randn(DataType.FLOAT, 5);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.FLOAT, 4, 3, 9, 7);
        if (inputTrained) {
            in = in.mul(sd.var("one", Nd4j.scalar(DataType.FLOAT, 1f)));
        }
        SDVariable y = ConvOp.conv(sd, "y", in, sd.var("w", w.dup()), sd.var("b", b.dup()), CONF, w.shape(), 5 * 6);
        INDArray yv = sd.output(Map.of("x", x), "y").get("y");
        INDArray r = Nd4j.randn(DataType.FLOAT, yv.shape());
        y.mul(sd.constant("r", r)).sum("loss");
        sd.setLossVariables("loss");
        Map<String, INDArray> g = inputTrained ? sd.calculateGradients(Map.of("x", x), "w", "b", "one")
                : sd.calculateGradients(Map.of("x", x), "w", "b");
        boolean im2col = java.util.Arrays.stream(sd.getFunction("grad").ops())
                .anyMatch(op -> op.opName().equals("im2col"));
        assertEquals(!inputTrained, im2col, "the weight-only backward is used exactly when x needs no gradient");
        INDArray dx = x.ulike();
        INDArray dw = w.ulike();
        INDArray db = b.ulike();
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, r).addOutputs(dx, dw, db)
                .addIntegerArguments(3, 2, 2, 1, 1, 0, 1, 1, 0, 0, 0).build());
        assertClose(dw, g.get("w"), "dL/dW");
        assertClose(db, g.get("b"), "dL/db");
        if (inputTrained) {
            double expected = dx.mul(x).sumNumber().doubleValue();
            assertClose(Nd4j.scalar(expected), Nd4j.scalar(g.get("one").getDouble(0)), "dL/d(input scale)");
            assertNotEquals(0.0, expected);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        double err = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).norm2Number().doubleValue()
                / expected.norm2Number().doubleValue();
        assertTrue(err < 1e-5, () -> what + ": relative L2 error " + err);
    }
}
