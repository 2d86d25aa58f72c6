package dev.condense.engine.train;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.Upsampling;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SameDiff lowering of Resize and ConvTranspose ({@link Upsampling} states what is supported), built from ops whose
 * forward and backward passes the engine already relies on, so both are exact and trainable.
 *
 * <p>Resize (nearest, whole factors {@code sH, sW}): {@code x [N, C, H, W]} is viewed as {@code [N, C, H, 1, W, 1]},
 * multiplied by ones {@code [1, 1, 1, sH, 1, sW]} (a broadcast repeat) and viewed as {@code [N, C, H*sH, W*sW]}.
 *
 * <p>ConvTranspose (group 1) is the convolution of the stride-dilated input with the spatially flipped kernel: the
 * input is zero-stuffed to {@code [N, C, H*sH, W*sW]} (each pixel followed by {@code s-1} zeros, by the same view
 * trick with a zero pad), padded by {@code d*(k-1) - padBegin} at the start and
 * {@code d*(k-1) - padEnd + output_padding - (s-1)} at the end (negative amounts crop), then convolved at stride 1
 * with dilation {@code d} and the weight {@code [inC, outC, kH, kW]} reversed on H, W and permuted to YXIO
 * {@code [kH, kW, inC, outC]}.
 */
final class UpsampleLowering {

    private UpsampleLowering() {
    }

    static SDVariable resize(LowerContext c, Node n, List<SDVariable> a) {
        long[] x = c.shape(n.inputs().get(0));
        long[] f = Upsampling.resizeFactors(n, x, c.consts());
        SameDiff sd = c.sd();
        SDVariable v = sd.reshape(a.get(0), -1, x[1], x[2], 1, x[3], 1);
        SDVariable ones = sd.constant(n.output() + ".repeat", Nd4j.ones(DataType.FLOAT, 1, 1, 1, f[2], 1, f[3]));
        return sd.reshape(n.output(), v.mul(ones), -1, x[1], x[2] * f[2], x[3] * f[3]);
    }

    static SDVariable convTranspose(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        long[] x = c.shape(n.inputs().get(0));
        long[] w = c.shape(n.inputs().get(1));
        Upsampling.checkConvTranspose(n, x, w);
        long[] s = n.intsAttr("strides", new long[] {1, 1});
        long[] d = n.intsAttr("dilations", new long[] {1, 1});
        long[] p = n.intsAttr("pads", new long[4]);
        long[] op = n.intsAttr("output_padding", new long[2]);
        OneDnnGuard.check(d);
        SDVariable in = a.get(0);
        if (s[0] > 1 || s[1] > 1) {
            SDVariable v = sd.reshape(in, -1, x[1], x[2], 1, x[3], 1);
            v = TensorLowering.pad(sd, n.output() + ".stuff", v,
                    new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, s[0] - 1, 0, s[1] - 1}, 0);
            in = sd.reshape(v, -1, x[1], x[2] * s[0], x[3] * s[1]);
        }
        long[] begin = new long[2];
        long[] end = new long[2];
        for (int i = 0; i < 2; i++) {
            begin[i] = d[i] * (w[2 + i] - 1) - p[i];
            end[i] = d[i] * (w[2 + i] - 1) - p[i + 2] + op[i] - (s[i] - 1);
        }
        long[] grow = {0, 0, Math.max(0, begin[0]), Math.max(0, begin[1]), 0, 0, Math.max(0, end[0]), Math.max(0, end[1])};
        if (grow[2] + grow[3] + grow[6] + grow[7] > 0) {
            in = TensorLowering.pad(sd, n.output() + ".pad", in, grow, 0);
        }
        if (begin[0] < 0 || begin[1] < 0 || end[0] < 0 || end[1] < 0) {
            long h = x[2] * s[0] + grow[2] + grow[6];
            long wd = x[3] * s[1] + grow[3] + grow[7];
            in = sd.stridedSlice(in, new long[] {0, 0, Math.max(0, -begin[0]), Math.max(0, -begin[1])},
                    new long[] {0, 0, h - Math.max(0, -end[0]), wd - Math.max(0, -end[1])},
                    new long[] {1, 1, 1, 1}, 3, 3, 0, 0, 0);
        }
        SDVariable kernel = sd.permute(sd.reverse(a.get(1), 2, 3), 2, 3, 0, 1);
        Conv2DConfig conf = Conv2DConfig.builder().kH(w[2]).kW(w[3]).sH(1).sW(1).pH(0).pW(0).dH(d[0]).dW(d[1])
                .paddingMode(PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        SDVariable bias = a.size() > 2 ? a.get(2) : null;
        return bias == null ? sd.cnn.conv2d(n.output(), in, kernel, conf) : sd.cnn.conv2d(n.output(), in, kernel, bias, conf);
    }
}
