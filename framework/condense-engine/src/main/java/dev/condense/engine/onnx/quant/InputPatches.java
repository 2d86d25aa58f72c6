package dev.condense.engine.onnx.quant;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Lowers an int8 convolution over a narrow freshly quantized input (a model's 1- or 3-channel image) to shifted
 * slices of the quantized input and a 1x1 int8 convolution over them: {@code x -> QuantizeLinear -> DequantizeLinear
 * -> Conv(k_h x k_w, C -> M)} becomes {@code x -> QuantizeLinear -> Pad(zero point) -> Slice x P -> Concat ->
 * DequantizeLinear -> Conv(1x1, P' -> M)}, where slice {@code (y, x)} holds, for every output pixel, the input value
 * that kernel tap {@code (y, x)} reads (stride and dilation in the slice's start and step) and {@code P = C k_h k_w}
 * patch channels are rounded up to {@code P'}, a multiple of 4, with copies of the first slice under zero weights.
 *
 * <p>Why: ONNX Runtime's QLinearConv takes MLAS's symmetric kernel only for input channels a multiple of 4 (see
 * {@link ChannelPadding}); a 1-channel 3x3 convolution otherwise runs im2col and a u8s8 GEMM image by image, and
 * padding its input to 4 channels ({@link InputChannelPadding}) quadruples its work. The slices are byte copies of
 * the uint8 input (at 28x28 and batch 128: 12 copies of 100 KB), the 1x1 convolution is a GEMM with {@code K = P'}.
 * Measured on vgg-small in ORT 1.20 (docs/benchmarks.md, "Issue 14", fourteenth session).
 *
 * <p>Exact: the integer accumulators sum the same products ({@code w[m, c, y, x] q[c, i + y, j + x]} for the same
 * {@code (m, i, j)}), the padding value is the input's zero point, which is what the Conv's own zero padding
 * quantizes to, and the added channels have zero weights. Weight scales are per output channel and do not move.
 * Only for a Conv with {@code group = 1}, explicit (or no) pads, a symmetric int8 weight read by nothing else, and a
 * per-tensor Q/DQ pair read by nothing else; only when {@code P' <= }{@value #MAX_PATCH_CHANNELS} and the 1x1
 * convolution meets MLAS's kernel condition while the original does not.
 */
public final class InputPatches {
    /** The widest patch tensor built: the slices multiply the input's bytes by {@code P'}. */
    public static final int MAX_PATCH_CHANNELS = 32;

    private InputPatches() {
    }

    /** {@code m} with every eligible Conv lowered; {@link ChannelPadding.Result#widened} lists them as {@code name: C x kh x kw -> P'}. */
    public static ChannelPadding.Result lower(ModelProto m) {
        QdqGraph g = new QdqGraph(m.getGraph());
        List<String> changed = lower(g);
        if (changed.isEmpty()) {
            return new ChannelPadding.Result(m, List.of());
        }
        return new ChannelPadding.Result(m.toBuilder().setGraph(g.toProto(m.getGraph())).build(), changed);
    }

    /** Lowers every eligible Conv of {@code g} in place; returns them as {@code name: C x kh x kw -> P'}. */
    static List<String> lower(QdqGraph g) {
        List<String> changed = new ArrayList<>();
        for (NodeProto c : List.copyOf(g.nodes)) {
            String done = lower(g, c);
            if (done != null) {
                changed.add(done);
                g.reindex();
            }
        }
        return changed;
    }

    private static String lower(QdqGraph g, NodeProto c) {
        if (!ChannelPadding.isConv(c) || c.getInputCount() < 2 || !attrString(c, "auto_pad", "NOTSET").equals("NOTSET")) {
            return null;
        }
        NodeProto wdq = g.weightDq(c.getInput(1));
        NodeProto dq = g.activationDq(c.getInput(0));
        NodeProto q = dq == null ? null : g.producer(dq.getInput(0));
        if (wdq == null || !g.isQuantize(q) || !c.equals(g.soleConsumer(dq.getOutput(0))) || !dq.equals(g.soleConsumer(q.getOutput(0)))
                || !g.params(q).perTensor() || !g.params(dq).perTensor() || g.consumers(c.getInput(1)).size() != 1) {
            return null;
        }
        TensorProto w = g.initializers.get(wdq.getInput(0));
        QParams wq = g.params(wdq);
        if (w.getDataType() != TensorProto.DataType.INT8_VALUE || w.getDimsCount() != 4 || g.consumers(w.getName()).size() != 1
                || java.util.Arrays.stream(wq.zeroPoint()).anyMatch(z -> z != 0)) {
            return null;
        }
        int out = (int) w.getDims(0);
        int cin = (int) w.getDims(1);
        int kh = (int) w.getDims(2);
        int kw = (int) w.getDims(3);
        int taps = cin * kh * kw;
        int to = (taps + 3) / 4 * 4;
        if (kh * kw == 1 || cin % 4 == 0 || to > MAX_PATCH_CHANNELS || !ChannelPadding.symmetricKernel(to, out)) {
            return null;
        }
        long[] pads = ints(c, "pads", new long[] {0, 0, 0, 0});
        long[] strides = ints(c, "strides", new long[] {1, 1});
        long[] dilations = ints(c, "dilations", new long[] {1, 1});
        String source = q.getOutput(0);
        List<NodeProto> added = new ArrayList<>();
        if (java.util.Arrays.stream(pads).anyMatch(p -> p != 0)) {
            String padsName = g.fresh(c.getName() + ".patch_pads");
            g.initializers.put(padsName, QTensors.int64(padsName, new long[] {0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]}));
            String padded = g.fresh(source + ".padded");
            NodeProto.Builder pad = NodeProto.newBuilder().setName(g.fresh(c.getName() + ".patch_pad")).setOpType("Pad")
                    .addInput(source).addInput(padsName).addOutput(padded);
            if (q.getInputCount() > 2 && !q.getInput(2).isEmpty()) {
                pad.addInput(q.getInput(2));   // pad with the zero point: the quantized 0.0 the Conv would pad with
            }
            added.add(pad.build());
            source = padded;
        }
        List<String> slices = new ArrayList<>();
        for (int tap = 0; tap < kh * kw; tap++) {
            slices.add(slice(g, c, added, source, tap / kw, tap % kw, kh, kw, strides, dilations, cin, cin));
        }
        for (int extra = to - taps; extra > 0; extra -= Math.min(extra, cin)) {
            slices.add(slice(g, c, added, source, 0, 0, kh, kw, strides, dilations, cin, Math.min(extra, cin)));
        }
        String patches = g.fresh(c.getName() + ".patches");
        NodeProto.Builder concat = NodeProto.newBuilder().setName(g.fresh(c.getName() + ".patch_concat"))
                .setOpType("Concat").addOutput(patches)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
        slices.forEach(concat::addInput);
        added.add(concat.build());
        int at = g.indexOf(q);
        g.nodes.addAll(at + 1, added);
        g.nodes.set(g.nodes.indexOf(dq), dq.toBuilder().setInput(0, patches).build());
        g.nodes.set(g.nodes.indexOf(c), pointwise(c));
        g.initializers.put(w.getName(), reordered(w, out, cin, kh * kw, to));
        return c.getName() + ": " + cin + "x" + kh + "x" + kw + " -> " + to + " patch channels";
    }

    /** Slice of {@code source} with kernel tap {@code (y, x)}'s input for every output pixel, its first {@code take} channels. */
    private static String slice(QdqGraph g, NodeProto c, List<NodeProto> added, String source, int y, int x, int kh,
            int kw, long[] strides, long[] dilations, int cin, int take) {
        String base = g.fresh(c.getName() + ".patch_" + y + "_" + x);
        long endY = end(dilations[0] * (kh - 1 - y));
        long endX = end(dilations[1] * (kw - 1 - x));
        boolean part = take < cin;
        long[] starts = part ? new long[] {0, y * dilations[0], x * dilations[1]} : new long[] {y * dilations[0], x * dilations[1]};
        long[] ends = part ? new long[] {take, endY, endX} : new long[] {endY, endX};
        long[] axes = part ? new long[] {1, 2, 3} : new long[] {2, 3};
        long[] steps = part ? new long[] {1, strides[0], strides[1]} : new long[] {strides[0], strides[1]};
        NodeProto.Builder s = NodeProto.newBuilder().setName(base).setOpType("Slice").addInput(source).addOutput(base);
        for (var arg : List.of(java.util.Map.entry("starts", starts), java.util.Map.entry("ends", ends),
                java.util.Map.entry("axes", axes), java.util.Map.entry("steps", steps))) {
            String name = g.fresh(base + "." + arg.getKey());
            g.initializers.put(name, QTensors.int64(name, arg.getValue()));
            s.addInput(name);
        }
        added.add(s.build());
        return base;
    }

    /** A Slice end that leaves {@code fromEnd} elements off the end (0: to the end). */
    private static long end(long fromEnd) {
        return fromEnd == 0 ? Long.MAX_VALUE : -fromEnd;
    }

    /** {@code c} as a 1x1, stride-1, unpadded Conv (its other attributes kept). */
    private static NodeProto pointwise(NodeProto c) {
        NodeProto.Builder b = c.toBuilder().clearAttribute();
        for (AttributeProto a : c.getAttributeList()) {
            if (!List.of("kernel_shape", "pads", "strides", "dilations").contains(a.getName())) {
                b.addAttribute(a);
            }
        }
        return b.addAttribute(AttributeProto.newBuilder().setName("kernel_shape").setType(AttributeProto.AttributeType.INTS)
                .addInts(1).addInts(1)).build();
    }

    /** {@code w [M, C, kh, kw]} as {@code [M, P', 1, 1]}: channel {@code tap C + c} holds {@code w[m, c, tap]}, the rest 0. */
    static TensorProto reordered(TensorProto w, int out, int cin, int taps, int to) {
        int[] v = QTensors.ints(w);
        int[] r = new int[out * to];
        for (int m = 0; m < out; m++) {
            for (int ch = 0; ch < cin; ch++) {
                for (int tap = 0; tap < taps; tap++) {
                    r[m * to + tap * cin + ch] = v[(m * cin + ch) * taps + tap];
                }
            }
        }
        TensorProto t = QTensors.bytes(w.getName(), new long[] {out, to, 1, 1}, w.getDataType(), r);
        return w.getDocString().isEmpty() ? t : t.toBuilder().setDocString(w.getDocString()).build();
    }

    private static long[] ints(NodeProto n, String name, long[] otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray()).orElse(otherwise);
    }

    private static String attrString(NodeProto n, String name, String otherwise) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(a -> a.getS().toStringUtf8()).orElse(otherwise);
    }
}
