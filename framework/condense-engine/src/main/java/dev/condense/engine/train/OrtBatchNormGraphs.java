package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ONNX graphs {@link OrtBatchNorm} runs for training batch normalization of {@code x [N, C, ...]} (channel axis
 * 1, reduced over every other axis, {@code M} elements per channel), each a few of ONNX Runtime's vectorized CPU
 * kernels in place of one libnd4j op, given the batch mean and biased variance (libnd4j {@code moments}; Ioffe &amp;
 * Szegedy 2015, section 3, for the gradient):
 * <ul>
 * <li>forward: {@code y = BatchNormalization(x, gamma, beta, mean, var, eps)} (one fused pass);</li>
 * <li>backward: with {@code xhat = (x - mean) / sqrt(var + eps)}, {@code dgamma = sum(dy xhat)},
 * {@code dbeta = sum(dy)}, {@code k = gamma / sqrt(var + eps)}:
 * {@code dx = k dy + BatchNormalization(x, -k dgamma / M, -k dbeta / M, mean, var, eps)}, which is
 * {@code k (dy - dbeta / M - xhat dgamma / M)}, the full training gradient with the paths through the batch
 * statistics, as libnd4j {@code batchnorm_bp} returns it.</li>
 * </ul>
 * Per-channel inputs and outputs are {@code [C]}; every other value has x's shape. Every sum over a channel is taken
 * over the array seen as {@code [N, C, R]} ({@code R} the product of the spatial dimensions, 1 for {@code [N, C]}): first
 * along the contiguous R, then along N, the two reductions ONNX Runtime has fast paths for.
 */
final class OrtBatchNormGraphs {
    private static final ValueInfo.ElementType F = ValueInfo.ElementType.FLOAT;

    private OrtBatchNormGraphs() {
    }

    /**
     * Input {@code x}; outputs {@code mean} and the biased {@code var}, both {@code [C]}: two passes, as libnd4j
     * {@code moments}: {@code mean = sum(x) / M}, {@code var = sum((x - mean)^2) / M}, each sum along R then N.
     */
    static ModelGraph moments(long[] shape) {
        long c = shape[1];
        long[] ch = {c};
        return ModelGraph.builder("bn-moments").input(new ValueInfo("x", F, shape))
                .initializer("m", Nd4j.createFromArray((float) perChannel(shape)))
                .initializer("ncr", Nd4j.createFromArray(shape[0], c, perChannel(shape) / shape[0]))
                .initializer("c1", Nd4j.createFromArray(1L, c, 1L))
                .initializer("r", Nd4j.createFromArray(2L)).initializer("n", Nd4j.createFromArray(0L))
                .node(op("Reshape", "x3", "x", "ncr"))
                .node(sum("s1", "x3", "r")).node(sum("s", "s1", "n")).node(op("Div", "mean", "s", "m"))
                .node(op("Reshape", "mc", "mean", "c1")).node(op("Sub", "xc", "x3", "mc"))
                .node(new Node("q1", "ReduceSumSquare", List.of("xc"), List.of("q1"),
                        Map.of("axes", new long[] {2}, "keepdims", 0L)))
                .node(sum("q", "q1", "n")).node(op("Div", "var", "q", "m"))
                .output(new ValueInfo("mean", F, ch)).output(new ValueInfo("var", F, ch)).build();
    }

    /** Inputs {@code x, mean, var, gamma, beta}; output {@code y}. */
    static ModelGraph forward(long[] shape, float eps) {
        long[] ch = {shape[1]};
        return ModelGraph.builder("bn-forward").input(new ValueInfo("x", F, shape))
                .input(new ValueInfo("mean", F, ch)).input(new ValueInfo("var", F, ch))
                .input(new ValueInfo("gamma", F, ch)).input(new ValueInfo("beta", F, ch))
                .node(new Node("y", "BatchNormalization", List.of("x", "gamma", "beta", "mean", "var"), List.of("y"),
                        Map.of("epsilon", eps)))
                .output(new ValueInfo("y", F, shape)).build();
    }

    /** Inputs {@code x, mean, var, gamma, dy}; outputs {@code dx, dgamma, dbeta}. */
    static ModelGraph backward(long[] shape, float eps) {
        long[] ch = {shape[1]};
        float[] ones = new float[(int) shape[1]];
        Arrays.fill(ones, 1f);
        return ModelGraph.builder("bn-backward").input(new ValueInfo("x", F, shape))
                .input(new ValueInfo("mean", F, ch)).input(new ValueInfo("var", F, ch))
                .input(new ValueInfo("gamma", F, ch)).input(new ValueInfo("dy", F, shape))
                .initializer("one", Nd4j.createFromArray(ones)).initializer("zero", Nd4j.zeros(DataType.FLOAT, shape[1]))
                .initializer("eps", Nd4j.createFromArray(eps)).initializer("negM", Nd4j.createFromArray(
                        (float) -perChannel(shape)))
                .initializer("axes", Nd4j.createFromArray(axes(shape)))
                .initializer("ncr", Nd4j.createFromArray(shape[0], shape[1], perChannel(shape) / shape[0]))
                .initializer("r", Nd4j.createFromArray(2L)).initializer("n", Nd4j.createFromArray(0L))
                .node(new Node("xhat", "BatchNormalization", List.of("x", "one", "zero", "mean", "var"), List.of("xhat"),
                        Map.of("epsilon", eps)))
                .node(op("Reshape", "dy3", "dy", "ncr")).node(op("Reshape", "xhat3", "xhat", "ncr"))
                .node(op("Mul", "p", "dy3", "xhat3"))
                .node(sum("p1", "p", "r")).node(sum("dgamma", "p1", "n"))
                .node(sum("dy1", "dy3", "r")).node(sum("dbeta", "dy1", "n"))
                .node(op("Add", "ve", "var", "eps")).node(op("Sqrt", "sd", "ve")).node(op("Div", "k", "gamma", "sd"))
                .node(op("Mul", "kg", "k", "dgamma")).node(op("Div", "s", "kg", "negM"))
                .node(op("Mul", "kb", "k", "dbeta")).node(op("Div", "b", "kb", "negM"))
                .node(new Node("t", "BatchNormalization", List.of("x", "s", "b", "mean", "var"), List.of("t"),
                        Map.of("epsilon", eps)))
                .node(op("Unsqueeze", "kc", "k", "axes")).node(op("Mul", "u", "dy", "kc")).node(op("Add", "dx", "u", "t"))
                .output(new ValueInfo("dx", F, shape)).output(new ValueInfo("dgamma", F, ch))
                .output(new ValueInfo("dbeta", F, ch)).build();
    }

    /** Elements per channel: the product of every dimension but the channel's. */
    static long perChannel(long[] shape) {
        long m = 1;
        for (int i = 0; i < shape.length; i++) {
            m *= i == 1 ? 1 : shape[i];
        }
        return m;
    }

    /**
     * Every axis but the channel's (reduced; also where a {@code [C]} value is unsqueezed to broadcast; libnd4j
     * {@code moments}' axes for channel axis 1).
     */
    static long[] axes(long[] shape) {
        long[] a = new long[shape.length - 1];
        for (int i = 1; i < a.length; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    /** {@code ReduceSum} of {@code in} over the one axis in initializer {@code axis}, that axis dropped. */
    private static Node sum(String out, String in, String axis) {
        return new Node(out, "ReduceSum", List.of(in, axis), List.of(out), Map.of("keepdims", 0L));
    }

    private static Node op(String type, String out, String... in) {
        return new Node(out, type, List.of(in), List.of(out), Map.of());
    }
}
