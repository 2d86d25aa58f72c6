package dev.condense.engine.rewrite;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rewrites one 2-d convolution {@code Conv(x, W [out, in, kH, kW], b)} of group 1 into the three convolutions of a
 * Tucker-2 decomposition of its channel modes (the {@code conv-tucker2} layout of {@code api.decomp.Factorization};
 * Kim et al., ICLR 2016, figure 1): a 1x1 conv {@code name.in} from in to r1 channels (weight {@code U_in^T} as
 * {@code [r1, in, 1, 1]}), a kH x kW conv {@code name.core} from r1 to r2 channels with the original strides, pads,
 * dilations and auto_pad (weight the core {@code [r2, r1, kH, kW]}), and a 1x1 conv {@code name.out} from r2 to out
 * channels with the bias (weight {@code U_out} as {@code [out, r2, 1, 1]}). The intermediate tensors are
 * {@code name.in.out} and {@code name.core.out}; the original output keeps its name (a BatchNormalization after it
 * keeps working), and the old weight is dropped unless another node reads it.
 *
 * <p>A factor at full rank ({@code r1 = in}: {@code U_in} square; {@code r2 = out}: {@code U_out} square) is folded
 * into the core instead: its 1x1 conv would only mix channels without reducing them, so the core takes
 * {@code G x_1 U_in} ({@code [r2, in, kH, kW]}) or {@code U_out G} ({@code [out, r1, kH, kW]}) and the chain is two
 * convolutions (the same function: one gemm of the factors, no approximation). With both ranks full the chain is the
 * core alone, the original kernel.
 *
 * <p>MACs per sample, with input {@code [in, H, W]} and output {@code [out, oH, oW]}: from
 * {@code out in kH kW oH oW} to {@code in r1 H W + r2 r1 kH kW oH oW + out r2 oH oW}, without the first term when
 * {@code r1 = in} and the last when {@code r2 = out} ({@link #tucker2Macs}).
 *
 * <p>The same chain rewrite serves the {@code conv-cp} layout ({@link #applyCp}: 1x1, kH x 1 depthwise, 1 x kW
 * depthwise, 1x1; Lebedev et al., ICLR 2015) and the {@code conv-separable} layout ({@link #applySeparable}: kH x 1
 * then 1 x kW; Jaderberg et al., BMVC 2014, scheme 2). Splitting a kH x kW conv into a vertical and a horizontal one
 * is exact for a separable kernel: the vertical conv takes the vertical stride, dilation and pads (top, bottom), the
 * horizontal one the horizontal ones, each conv on its own axis; a conv with {@code auto_pad} other than NOTSET is
 * refused (its pads are not written out).
 */
public final class ConvFactorization {

    private ConvFactorization() {
    }

    /**
     * The kernel {@code [out, in, kH, kW]} of 2-d convolution {@code node}.
     *
     * @throws IllegalArgumentException naming the node when it is not a Conv of group 1 with a 4-d initializer weight
     */
    public static INDArray weight(ModelGraph graph, Node node) {
        String at = "layer '" + node.name() + "' (" + node.opType() + ")";
        if (!node.opType().equals("Conv")) {
            throw new IllegalArgumentException(at + " is not a Conv");
        }
        if (node.intAttr("group", 1) != 1) {
            throw new IllegalArgumentException(at + " is a grouped convolution (group " + node.intAttr("group", 1)
                    + "); only group 1 is factorized");
        }
        INDArray w = node.inputs().size() < 2 ? null : graph.initializers().get(node.inputs().get(1));
        if (w == null || w.rank() != 4) {
            throw new IllegalArgumentException(at + ": its second input is not a 4-d weight initializer");
        }
        return w;
    }

    /**
     * MACs per sample of a Tucker-2 factorized conv.
     *
     * @param kernel the original kernel's shape {@code [out, in, kH, kW]}
     * @param inPixels {@code H W} of its input
     * @param outPixels {@code oH oW} of its output
     */
    public static long tucker2Macs(long[] kernel, long inPixels, long outPixels, long r1, long r2) {
        long first = r1 == kernel[1] ? 0 : kernel[1] * r1 * inPixels; // a full-rank U_in is folded into the core
        long last = r2 == kernel[0] ? 0 : kernel[0] * r2 * outPixels;
        return first + r2 * r1 * kernel[2] * kernel[3] * outPixels + last;
    }

    /**
     * {@code graph} with conv {@code node} replaced by its Tucker-2 factors.
     *
     * @param uIn  {@code [in, r1]}
     * @param core {@code [r2, r1, kH, kW]}
     * @param uOut {@code [out, r2]}
     * @throws IllegalArgumentException naming the node for a layer this rewrite does not take or factors whose shapes
     *                                  do not match its kernel
     */
    public static ModelGraph applyTucker2(ModelGraph graph, String node, INDArray uIn, INDArray core, INDArray uOut) {
        Node n = find(graph, node);
        long[] k = weight(graph, n).shape();
        if (uIn.rank() != 2 || core.rank() != 4 || uOut.rank() != 2 || uIn.size(0) != k[1] || uOut.size(0) != k[0]
                || core.size(0) != uOut.size(1) || core.size(1) != uIn.size(1) || core.size(2) != k[2]
                || core.size(3) != k[3]) {
            throw new IllegalArgumentException("layer '" + node + "' has a kernel " + Arrays.toString(k)
                    + "; Tucker-2 factors U_in " + Arrays.toString(uIn.shape()) + ", core "
                    + Arrays.toString(core.shape()) + " and U_out " + Arrays.toString(uOut.shape()) + " are not ["
                    + k[1] + ", r1], [r2, r1, " + k[2] + ", " + k[3] + "] and [" + k[0] + ", r2]");
        }
        long r1 = uIn.size(1);
        long r2 = uOut.size(1);
        INDArray in = uIn.castTo(DataType.FLOAT);
        INDArray out = uOut.castTo(DataType.FLOAT);
        INDArray g = core.castTo(DataType.FLOAT).dup('c');
        List<Step> chain = new ArrayList<>();
        if (r1 == k[1]) {
            g = foldIn(g, in);
        } else {
            chain.add(new Step("in", in.transpose().dup('c').reshape('c', r1, k[1], 1, 1), pointwise()));
        }
        if (r2 == k[0]) {
            g = out.mmul(g.reshape('c', r2, g.length() / r2)).reshape('c', k[0], g.size(1), k[2], k[3]);
        }
        chain.add(new Step("core", g, spatial(n)));
        if (r2 != k[0]) {
            chain.add(new Step("out", out.dup('c').reshape('c', k[0], r2, 1, 1), pointwise()));
        }
        return replace(graph, n, chain);
    }

    /** {@code G x_1 U_in}: core {@code [r2, r1, kH, kW]} and {@code U_in [in, r1]} to {@code [r2, in, kH, kW]}. */
    private static INDArray foldIn(INDArray core, INDArray uIn) {
        long r2 = core.size(0);
        long r1 = core.size(1);
        INDArray t = core.permute(1, 0, 2, 3).dup('c').reshape('c', r1, core.length() / r1); // [r1, r2 kk]
        return uIn.mmul(t).reshape('c', uIn.size(0), r2, core.size(2), core.size(3)).permute(1, 0, 2, 3).dup('c');
    }

    /** MACs per sample of a CP factorized conv: 1x1, vertical depthwise (output {@code oH x W}), horizontal, 1x1. */
    public static long cpMacs(long[] kernel, long[] inHw, long[] outHw, long r) {
        long out = outHw[0] * outHw[1];
        return kernel[1] * r * inHw[0] * inHw[1] + r * kernel[2] * outHw[0] * inHw[1] + r * kernel[3] * out
                + kernel[0] * r * out;
    }

    /** MACs per sample of a separable factorized conv: kH x 1 to K channels (output {@code oH x W}), 1 x kW. */
    public static long separableMacs(long[] kernel, long[] inHw, long[] outHw, long k) {
        return k * kernel[1] * kernel[2] * outHw[0] * inHw[1] + kernel[0] * k * kernel[3] * outHw[0] * outHw[1];
    }

    /**
     * {@code graph} with conv {@code node} replaced by its CP factors: 1x1 {@code name.in} (in to R), depthwise
     * {@code name.v} (kH x 1), depthwise {@code name.h} (1 x kW), 1x1 {@code name.out} (R to out, the bias).
     *
     * @param uIn  {@code [in, R]}
     * @param ky   {@code [kH, R]}
     * @param kx   {@code [kW, R]}
     * @param uOut {@code [out, R]}
     */
    public static ModelGraph applyCp(ModelGraph graph, String node, INDArray uIn, INDArray ky, INDArray kx,
                                     INDArray uOut) {
        Node n = find(graph, node);
        long[] k = weight(graph, n).shape();
        long r = uIn.size(1);
        if (uIn.rank() != 2 || ky.rank() != 2 || kx.rank() != 2 || uOut.rank() != 2 || uIn.size(0) != k[1]
                || ky.size(0) != k[2] || kx.size(0) != k[3] || uOut.size(0) != k[0] || ky.size(1) != r
                || kx.size(1) != r || uOut.size(1) != r) {
            throw new IllegalArgumentException("layer '" + node + "' has a kernel " + Arrays.toString(k)
                    + "; CP factors " + Arrays.toString(uIn.shape()) + ", " + Arrays.toString(ky.shape()) + ", "
                    + Arrays.toString(kx.shape()) + ", " + Arrays.toString(uOut.shape()) + " are not [" + k[1]
                    + ", R], [" + k[2] + ", R], [" + k[3] + ", R], [" + k[0] + ", R]");
        }
        if (n.intsAttr("kernel_shape", null) == null) {
            n = withKernelShape(n, k);
        }
        Map<String, Object> v = axis(n, 0);
        v.put("group", r);
        Map<String, Object> h = axis(n, 1);
        h.put("group", r);
        return replace(graph, n, List.of(
                new Step("in", uIn.castTo(DataType.FLOAT).transpose().dup('c').reshape('c', r, k[1], 1, 1),
                        pointwise()),
                new Step("v", ky.castTo(DataType.FLOAT).transpose().dup('c').reshape('c', r, 1, k[2], 1), v),
                new Step("h", kx.castTo(DataType.FLOAT).transpose().dup('c').reshape('c', r, 1, 1, k[3]), h),
                new Step("out", uOut.castTo(DataType.FLOAT).dup('c').reshape('c', k[0], r, 1, 1), pointwise())));
    }

    /**
     * {@code graph} with conv {@code node} replaced by a vertical conv {@code name.v} (weight {@code [K, in, kH, 1]})
     * and a horizontal conv {@code name.h} (weight {@code [out, K, 1, kW]}, the bias).
     */
    public static ModelGraph applySeparable(ModelGraph graph, String node, INDArray v, INDArray h) {
        Node n = find(graph, node);
        long[] k = weight(graph, n).shape();
        if (v.rank() != 4 || h.rank() != 4 || v.size(1) != k[1] || v.size(2) != k[2] || v.size(3) != 1
                || h.size(0) != k[0] || h.size(1) != v.size(0) || h.size(2) != 1 || h.size(3) != k[3]) {
            throw new IllegalArgumentException("layer '" + node + "' has a kernel " + Arrays.toString(k)
                    + "; separable factors " + Arrays.toString(v.shape()) + " and " + Arrays.toString(h.shape())
                    + " are not [K, " + k[1] + ", " + k[2] + ", 1] and [" + k[0] + ", K, 1, " + k[3] + "]");
        }
        Node m = n.intsAttr("kernel_shape", null) == null ? withKernelShape(n, k) : n;
        return replace(graph, n, List.of(
                new Step("v", v.castTo(DataType.FLOAT).dup('c'), axis(m, 0)),
                new Step("h", h.castTo(DataType.FLOAT).dup('c'), axis(m, 1))));
    }

    /** {@code n} with {@code kernel_shape} written out from its kernel (ONNX lets a Conv leave it to the weight). */
    static Node withKernelShape(Node n, long[] kernel) {
        Map<String, Object> a = new HashMap<>(n.attributes());
        a.put("kernel_shape", new long[] {kernel[2], kernel[3]});
        return new Node(n.name(), n.opType(), n.inputs(), n.outputs(), a);
    }

    /**
     * The attributes of a conv over one spatial axis of {@code n} (0 vertical, 1 horizontal): its kernel extent,
     * stride, dilation and two pads on that axis, 1 / 0 on the other.
     */
    static Map<String, Object> axis(Node n, int a) {
        String autoPad = n.attributes().containsKey("auto_pad") ? n.attributes().get("auto_pad").toString() : "NOTSET";
        if (!autoPad.equals("NOTSET")) {
            throw new IllegalArgumentException("layer '" + n.name() + "' has auto_pad " + autoPad
                    + "; only explicit pads are split into vertical and horizontal convs");
        }
        long[] kernel = n.intsAttr("kernel_shape", null);
        if (kernel == null) {
            throw new IllegalArgumentException("layer '" + n.name() + "' has no kernel_shape");
        }
        long[] strides = n.intsAttr("strides", new long[] {1, 1});
        long[] dilations = n.intsAttr("dilations", new long[] {1, 1});
        long[] pads = n.intsAttr("pads", new long[] {0, 0, 0, 0});
        Map<String, Object> m = new HashMap<>();
        m.put("kernel_shape", a == 0 ? new long[] {kernel[0], 1} : new long[] {1, kernel[1]});
        m.put("strides", a == 0 ? new long[] {strides[0], 1} : new long[] {1, strides[1]});
        m.put("dilations", a == 0 ? new long[] {dilations[0], 1} : new long[] {1, dilations[1]});
        m.put("pads", a == 0 ? new long[] {pads[0], 0, pads[2], 0} : new long[] {0, pads[1], 0, pads[3]});
        return m;
    }

    /** One convolution of a replacement chain: the name suffix, its weight and its attributes. */
    record Step(String suffix, INDArray weight, Map<String, Object> attributes) {
    }

    /**
     * {@code graph} with conv {@code n} replaced by a chain of convolutions {@code name.<suffix>} in data-flow order:
     * the first reads n's input, each the previous one's output {@code name.<suffix>.out}, the last writes n's output
     * and takes its bias.
     */
    static ModelGraph replace(ModelGraph graph, Node n, List<Step> chain) {
        ModelGraph.Builder b = graph.toBuilder();
        String x = n.inputs().get(0);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            Step s = chain.get(i);
            String name = n.name() + "." + s.suffix();
            boolean last = i == chain.size() - 1;
            List<String> inputs = last && n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()
                    ? List.of(x, name + ".weight", n.inputs().get(2)) : List.of(x, name + ".weight");
            List<String> outputs = last ? n.outputs() : List.of(name + ".out");
            nodes.add(new Node(name, "Conv", inputs, outputs, s.attributes()));
            b.initializer(name + ".weight", s.weight());
            x = name + ".out";
        }
        b.replaceNode(n.name(), nodes);
        String old = n.inputs().get(1);
        if (graph.consumers(old).size() == 1) {
            b.removeInitializer(old);
        }
        return b.build();
    }

    /** A 1x1 convolution: stride 1, no padding. */
    static Map<String, Object> pointwise() {
        return Map.of("kernel_shape", new long[] {1, 1});
    }

    /** The original conv's attributes (strides, pads, dilations, auto_pad, kernel_shape) for its spatial part. */
    static Map<String, Object> spatial(Node n) {
        Map<String, Object> a = new HashMap<>(n.attributes());
        a.remove("group");
        return a;
    }

    static Node find(ModelGraph graph, String node) {
        return graph.nodes().stream().filter(x -> x.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node named '" + node + "'"));
    }
}
