package dev.condense.engine.train;

import dev.condense.api.model.Node;
import dev.condense.engine.graph.ConvGeometry;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * SameDiff lowering of 2-D Conv, MaxPool, AveragePool and GlobalAveragePool (NCHW, ONNX weight layout
 * {@code [outC, inC/group, kH, kW]}).
 *
 * <p>Conv: {@code group=1} maps to conv2d with the weight permuted to {@code [kH, kW, inC, outC]} (YXIO: ND4J
 * 1.0.0-M2.1's conv2d_bp fails validation with OIYX weights); {@code group=inC} (depthwise, channel multiplier
 * {@code m = outC/inC}) maps to depthwise conv2d with the weight viewed as {@code [C, m, kH, kW]} and permuted to
 * {@code [kH, kW, C, m]} (output channel {@code c*m + j}, as ONNX orders groups); other groups split input,
 * weight and bias into {@code group} slices, convolve each and concatenate along channels. Asymmetric padding
 * (and MaxPool's ceil_mode) becomes an explicit Pad before a VALID op, with {@code -Float.MAX_VALUE} as the fill
 * for MaxPool. A padded or ceil_mode AveragePool divides window sums by window counts of a static mask, which
 * honours count_include_pad exactly for any padding.
 */
final class ConvLowering {

    private ConvLowering() {
    }

    static SDVariable conv(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        long[] x = c.shape(n.inputs().get(0));
        long[] w = c.shape(n.inputs().get(1));
        check2d(n, x);
        ConvGeometry g = ConvGeometry.of(n, x, new long[] {w[2], w[3]});
        OneDnnGuard.check(g.dilations());
        SDVariable in = a.get(0);
        long[] p = g.pads();
        if (!g.symmetric()) {
            in = TensorLowering.pad(sd, n.output() + ".pad", in, new long[] {0, 0, p[0], p[1], 0, 0, p[2], p[3]}, 0);
            p = new long[4];
        }
        SDVariable bias = a.size() > 2 ? a.get(2) : null;
        long group = n.intAttr("group", 1);
        Conv2DConfig.Conv2DConfigBuilder cfg = Conv2DConfig.builder().kH(w[2]).kW(w[3])
                .sH(g.strides()[0]).sW(g.strides()[1]).pH(p[0]).pW(p[1]).dH(g.dilations()[0]).dW(g.dilations()[1])
                .paddingMode(PaddingMode.VALID).dataFormat("NCHW");
        if (group == 1) {
            Conv2DConfig conf = cfg.weightsFormat(WeightsFormat.YXIO).build();
            SDVariable yxio = sd.permute(a.get(1), 2, 3, 1, 0);
            return ConvOp.conv(sd, n.output(), in, yxio, bias, conf, new long[] {w[2], w[3], w[1], w[0]},
                    g.outSize(0, x[2]) * g.outSize(1, x[3]));
        }
        if (group == x[1]) {
            SDVariable dw = sd.permute(sd.reshape(a.get(1), x[1], w[0] / x[1], w[2], w[3]), 2, 3, 0, 1);
            Conv2DConfig conf = cfg.weightsFormat(WeightsFormat.YXIO).build();
            return bias == null ? sd.cnn.depthWiseConv2d(n.output(), in, dw, conf) : sd.cnn.depthWiseConv2d(n.output(), in, dw, bias, conf);
        }
        Conv2DConfig conf = cfg.weightsFormat(WeightsFormat.YXIO).build();
        int gr = (int) group;
        SDVariable[] xs = sd.split(null, in, gr, 1);
        SDVariable[] ws = sd.split(null, sd.permute(a.get(1), 2, 3, 1, 0), gr, 3);
        SDVariable[] bs = bias == null ? null : sd.split(null, bias, gr, 0);
        SDVariable[] ys = IntStream.range(0, gr).mapToObj(i -> bs == null ? sd.cnn.conv2d(xs[i], ws[i], conf)
                : sd.cnn.conv2d(xs[i], ws[i], bs[i], conf)).toArray(SDVariable[]::new);
        return sd.concat(n.output(), 1, ys);
    }

    static SDVariable pool(LowerContext c, Node n, List<SDVariable> a) {
        SameDiff sd = c.sd();
        long[] x = c.shape(n.inputs().get(0));
        check2d(n, x);
        ConvGeometry g = ConvGeometry.of(n, x, n.intsAttr("kernel_shape", null));
        OneDnnGuard.check(g.dilations());
        boolean max = n.opType().equals("MaxPool");
        long[] p = g.pads();
        boolean padded = Arrays.stream(p).anyMatch(v -> v != 0) || g.ceil();
        if (!max && padded) {
            return averageWithCounts(c, n, a.get(0), x, g);
        }
        SDVariable in = a.get(0);
        if (!g.symmetric() || g.ceil()) {
            in = TensorLowering.pad(sd, n.output() + ".pad", in, endPadded(g, x), -Float.MAX_VALUE);
            p = new long[4];
        }
        Pooling2DConfig cfg = config(g, p);
        return max ? sd.cnn.maxPooling2d(n.output(), in, cfg) : sd.cnn.avgPooling2d(n.output(), in, cfg);
    }

    /**
     * AveragePool with padding or ceil_mode, exactly: {@code sum(window of zero-padded x) / count(window)} where
     * count is the same window sum over a static 0/1 mask of the positions ONNX counts (the input only, or also the
     * declared pads when count_include_pad=1; never the extra ceil_mode overhang). Both sums are average pools
     * over the same explicitly padded extent, so the common 1/k factor cancels.
     */
    private static SDVariable averageWithCounts(LowerContext c, Node n, SDVariable in, long[] x, ConvGeometry g) {
        SameDiff sd = c.sd();
        long[] p = g.pads();
        long[] all = endPadded(g, x);
        boolean includePad = n.intAttr("count_include_pad", 0) != 0;
        long hp = x[2] + all[2] + all[6];
        long wp = x[3] + all[3] + all[7];
        INDArray mask = Nd4j.zeros(DataType.FLOAT, 1, 1, hp, wp);
        long top = includePad ? 0 : p[0];
        long left = includePad ? 0 : p[1];
        long bottom = includePad ? x[2] + p[0] + p[2] : p[0] + x[2];
        long right = includePad ? x[3] + p[1] + p[3] : p[1] + x[3];
        mask.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(top, bottom),
                NDArrayIndex.interval(left, right)).assign(1);
        Pooling2DConfig cfg = config(g, new long[4]);
        SDVariable sums = sd.cnn.avgPooling2d(TensorLowering.pad(sd, n.output() + ".pad", in, all, 0), cfg);
        SDVariable counts = sd.cnn.avgPooling2d(sd.constant(n.output() + ".count_mask", mask), cfg);
        return sums.div(n.output(), counts);
    }

    private static Pooling2DConfig config(ConvGeometry g, long[] p) {
        return Pooling2DConfig.builder().kH(g.kernel()[0]).kW(g.kernel()[1])
                .sH(g.strides()[0]).sW(g.strides()[1]).pH(p[0]).pW(p[1])
                .dH(g.dilations()[0]).dW(g.dilations()[1]).paddingMode(PaddingMode.VALID).isNHWC(false)
                .divisor(Pooling2D.Divisor.INCLUDE_PADDING).build();
    }

    /** ONNX pads of a 4-D input with the ceil_mode overhang added at the end of each spatial axis. */
    private static long[] endPadded(ConvGeometry g, long[] x) {
        long[] p = g.pads();
        return new long[] {0, 0, p[0], p[1], 0, 0, p[2] + extra(g, 0, x[2]), p[3] + extra(g, 1, x[3])};
    }

    static SDVariable globalAveragePool(LowerContext c, Node n, List<SDVariable> a) {
        int rank = c.shape(n.inputs().get(0)).length;
        return c.sd().mean(n.output(), a.get(0), true, IntStream.range(2, rank).toArray());
    }

    /** End padding beyond the declared pads that makes a floor-mode window count equal the ceil-mode one. */
    private static long extra(ConvGeometry g, int axis, long in) {
        long needed = (g.outSize(axis, in) - 1) * g.strides()[axis] + g.dilations()[axis] * (g.kernel()[axis] - 1) + 1;
        long have = in + g.pads()[axis] + g.pads()[axis + 2];
        return Math.max(0, needed - have);
    }

    private static void check2d(Node n, long[] x) {
        if (x.length != 4) {
            throw new IllegalArgumentException(n.opType() + " node '" + n.name() + "': only 2-D spatial inputs "
                    + "[N, C, H, W] are supported, got " + Arrays.toString(x));
        }
    }
}
