package dev.condense.engine.onnx;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ONNX form of a graph's statically quantized activations (QDQ, as ONNX Runtime's quantizer writes it). For an
 * activation {@code t} (a graph input or node output) with a static {@link ActivationQuantization}, the exporter
 * writes right after {@code t}'s producer (or before the graph's nodes for an input):
 * {@code QuantizeLinear(t, t.scale, t.zero_point) -> t.quantized} and
 * {@code DequantizeLinear(t.quantized, t.scale, t.zero_point) -> t.dequantized} ({@code t.scale} a FLOAT scalar,
 * {@code t.zero_point} a UINT8 scalar, INT8 when signed), and every node that read {@code t} reads
 * {@code t.dequantized}; a graph output named {@code t} still reads the float {@code t}. A grid narrower than 8 bits
 * (quantization-aware training's 2-7-bit activations) gets {@code Clip(t.quantized, qmin, qmax) -> t.narrowed}
 * between the two, in the integer domain ({@link #narrow}). ONNX Runtime's graph
 * optimizer then fuses {@code DQ -> Conv/Gemm/MatMul -> Q} (with a DequantizeLinear weight) into integer kernels
 * and drops QDQ pairs around Relu, MaxPool, Flatten and Reshape. Generated names that collide get {@code _1},
 * {@code _2}, ... Deterministic; a graph with no activation quantization adds nothing.
 *
 * <p>A Relu is not written at all ({@link #drops}) when its input {@code t} and its output {@code r} carry the same
 * grid whose zero point is the lowest code of the 8-bit type (0 for uint8, -128 for int8), {@code t} is read by the
 * Relu only, and neither is a graph output: {@code QuantizeLinear} already clamps every negative value of {@code t}
 * to the code of 0, so {@code Q(Relu(t)) = Q(t)} exactly; {@code t} gets the QDQ pair and the readers of {@code r}
 * read {@code t.dequantized}. ONNX Runtime's own QDQ quantizer removes such a Relu the same way
 * ({@code QDQRemovableActivation}); left in, ONNX Runtime 1.20 removes it only after its double-QDQ cleanup has
 * run, so a {@code DequantizeLinear -> QuantizeLinear} pair stays in float between the layer and its readers
 * whenever the Relu output is read twice (a residual block's input: docs/benchmarks.md, "Issue 14: int8 CNN
 * latency").
 */
final class ActivationQdq {
    private final Map<String, String> dequantized = new HashMap<>();
    private final Map<String, List<NodeProto>> after = new HashMap<>();
    private final List<NodeProto> atInputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Set<String> used = new HashSet<>();
    private final Set<Node> dropped = new HashSet<>();

    private ActivationQdq() {
    }

    /** The QDQ form of {@code g}'s static activation quantizations; names avoid {@code taken} and the graph's. */
    static ActivationQdq of(ModelGraph g, Set<String> taken) {
        ActivationQdq e = new ActivationQdq();
        if (g.activationQuantization().values().stream().allMatch(ActivationQuantization::isDynamic)) {
            return e;
        }
        e.used.addAll(taken);
        e.used.addAll(g.initializers().keySet());
        g.inputs().forEach(v -> e.used.add(v.name()));
        g.outputs().forEach(v -> e.used.add(v.name()));
        for (Node n : g.nodes()) {
            e.used.add(n.name());
            e.used.addAll(n.inputs());
            e.used.addAll(n.outputs());
        }
        Set<String> inputs = new HashSet<>();
        g.inputs().forEach(v -> inputs.add(v.name()));
        Map<String, String> alias = new java.util.LinkedHashMap<>();   // graph order: a Relu after a Relu resolves
        for (Node n : g.nodes()) {
            if (clampsLikeRelu(g, n)) {
                e.dropped.add(n);
                alias.put(n.output(), n.inputs().get(0));
            }
        }
        for (var a : g.activationQuantization().entrySet()) {
            if (a.getValue().isDynamic() || alias.containsKey(a.getKey())) {
                // DynamicMatMul writes its run-time quantization; a dropped Relu's output reads its input's pair
                continue;
            }
            List<NodeProto> qdq = e.qdq(a.getKey(), a.getValue().affine());
            if (inputs.contains(a.getKey())) {
                e.atInputs.addAll(qdq);
            } else {
                e.after.put(a.getKey(), qdq);
            }
        }
        alias.forEach((r, t) -> e.dequantized.put(r, e.read(t)));
        return e;
    }

    /** Whether {@code n} is a Relu the export leaves out (see the class comment). */
    static boolean clampsLikeRelu(ModelGraph g, Node n) {
        if (!n.opType().equals("Relu") || n.inputs().isEmpty()) {
            return false;
        }
        String t = n.inputs().get(0);
        ActivationQuantization in = g.activationQuantization().get(t);
        ActivationQuantization out = g.activationQuantization().get(n.output());
        if (in == null || out == null || in.isDynamic() || out.isDynamic() || g.consumers(t).size() != 1
                || g.outputs().stream().anyMatch(v -> v.name().equals(t) || v.name().equals(n.output()))) {
            return false;
        }
        AffineQuantization a = in.affine();
        AffineQuantization b = out.affine();
        long lowest = a.signed() ? Byte.MIN_VALUE : 0;
        return a.signed() == b.signed() && a.scale().getFloat(0) == b.scale().getFloat(0)
                && a.zeroPoint().getLong(0) == b.zeroPoint().getLong(0) && a.zeroPoint().getLong(0) == lowest;
    }

    /** Whether the export leaves node {@code n} out (a Relu that the quantization of its input already is). */
    boolean drops(Node n) {
        return dropped.contains(n);
    }

    /** The name a consumer of activation {@code tensor} reads. */
    String read(String tensor) {
        return dequantized.getOrDefault(tensor, tensor);
    }

    /** Nodes to write before the graph's own (for quantized graph inputs). */
    List<NodeProto> inputNodes() {
        return atInputs;
    }

    /** Nodes to write right after the node that produces {@code tensor}. */
    List<NodeProto> after(String tensor) {
        return after.getOrDefault(tensor, List.of());
    }

    /** The scales and zero points. */
    List<TensorProto> initializers() {
        return initializers;
    }

    private List<NodeProto> qdq(String t, AffineQuantization a) {
        String scale = fresh(t + ".scale");
        String zp = fresh(t + ".zero_point");
        String q = fresh(t + ".quantized");
        String dq = fresh(t + ".dequantized");
        initializers.add(OnnxTensors.toProto(scale, Nd4j.scalar(DataType.FLOAT, a.scale().getFloat(0))));
        initializers.add(OnnxTensors.toProto(zp, Nd4j.scalar(DataType.INT64, a.zeroPoint().getLong(0))
                .castTo(a.signed() ? DataType.INT8 : DataType.UINT8)));
        dequantized.put(t, dq);
        List<NodeProto> out = new ArrayList<>();
        out.add(NodeProto.newBuilder().setName(fresh(t + ".quantize")).setOpType("QuantizeLinear")
                .addInput(t).addInput(scale).addInput(zp).addOutput(q).build());
        String codes = q;
        if (a.bits() < 8) {
            codes = fresh(t + ".narrowed");
            out.add(narrow(t, a, q, codes));
        }
        out.add(NodeProto.newBuilder().setName(fresh(t + ".dequantize")).setOpType("DequantizeLinear")
                .addInput(codes).addInput(scale).addInput(zp).addOutput(dq).build());
        return out;
    }

    /**
     * {@code Clip(q, qmin, qmax)} on the 8-bit codes of a grid narrower than 8 bits ({@code [0, 2^bits - 1]} unsigned,
     * {@code [-2^(bits-1), 2^(bits-1) - 1]} signed): QuantizeLinear saturates at the 8-bit type's ends only, so
     * without it values beyond the narrow grid would keep codes the training never saw. An integer Clip between the
     * QuantizeLinear and the DequantizeLinear leaves ONNX Runtime's fusion of the producer ({@code -> Q}) and of the
     * consumers ({@code DQ ->}) possible.
     */
    private NodeProto narrow(String t, AffineQuantization a, String q, String out) {
        DataType type = a.signed() ? DataType.INT8 : DataType.UINT8;
        String lo = fresh(t + ".code_min");
        String hi = fresh(t + ".code_max");
        initializers.add(OnnxTensors.toProto(lo, Nd4j.scalar(DataType.INT64, a.qmin()).castTo(type)));
        initializers.add(OnnxTensors.toProto(hi, Nd4j.scalar(DataType.INT64, a.qmax()).castTo(type)));
        return NodeProto.newBuilder().setName(fresh(t + ".narrow")).setOpType("Clip").addInput(q).addInput(lo)
                .addInput(hi).addOutput(out).build();
    }

    private String fresh(String base) {
        String name = base;
        for (int i = 1; !used.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
