package dev.condense.engine.onnx;

import dev.condense.api.model.ActivationQuantization;
import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ONNX form of dynamically quantized Gemm/MatMul layers, as ONNX Runtime's {@code quantize_dynamic} writes
 * them: a layer whose activation input {@code x} is {@link ActivationQuantization#isDynamic dynamic} and whose
 * weight {@code w} carries an 8-bit-or-narrower {@link AffineQuantization} (per tensor, or per output channel) is
 * written as
 * <pre>
 * DynamicQuantizeLinear(x) -> x.dynamic_quantized (uint8), x.dynamic_scale, x.dynamic_zero_point
 * MatMulInteger(x.dynamic_quantized, w.integers [in, out], x.dynamic_zero_point, w.integers_zero_point) -> int32
 * Mul(x.dynamic_scale, w.integers_scale) -> multiplier;  Cast(int32 -> float);  Mul(float, multiplier)
 * Add(..., bias) -> y   (when the layer has a bias)
 * </pre>
 * which ONNX Runtime fuses into {@code com.microsoft:DynamicQuantizeMatMul} (integer GEMM, activations quantized
 * per call from their own min/max). The weight's integers are stored once, transposed to {@code [in, out]} for a
 * Gemm with {@code transB = 1}; {@link QuantizedExport} skips those weights. Only plain layers qualify (Gemm with
 * {@code alpha = beta = 1}, {@code transA = 0}, rank-2 weight initializer; MatMul with a rank-2 weight); others are
 * written as before.
 */
final class DynamicMatMul {
    private final Map<Node, List<NodeProto>> replaced = new HashMap<>();
    private final Map<String, List<TensorProto>> weights = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    private DynamicMatMul() {
    }

    static DynamicMatMul of(ModelGraph g) {
        DynamicMatMul d = new DynamicMatMul();
        if (g.activationQuantization().values().stream().noneMatch(ActivationQuantization::isDynamic)) {
            return d;
        }
        d.used.addAll(g.initializers().keySet());
        g.inputs().forEach(v -> d.used.add(v.name()));
        g.outputs().forEach(v -> d.used.add(v.name()));
        for (Node n : g.nodes()) {
            d.used.add(n.name());
            d.used.addAll(n.outputs());
            d.used.addAll(n.inputs());
        }
        for (Node n : g.nodes()) {
            if (qualifies(g, n)) {
                d.write(g, n);
            }
        }
        return d;
    }

    /** True when {@code n} is a plain Gemm/MatMul with a dynamic input and an annotated weight read only by it. */
    static boolean qualifies(ModelGraph g, Node n) {
        boolean gemm = n.opType().equals("Gemm");
        if (!gemm && !n.opType().equals("MatMul") || n.inputs().size() < 2) {
            return false;
        }
        ActivationQuantization x = g.activationQuantization().get(n.inputs().get(0));
        String w = n.inputs().get(1);
        AffineQuantization q = g.annotation(w, AffineQuantization.class).orElse(null);
        if (x == null || !x.isDynamic() || q == null || q.bits() == 32 || g.initializers().get(w).rank() != 2
                || g.consumers(w).size() != 1) {
            return false;
        }
        if (gemm && (n.floatAttr("alpha", 1) != 1 || n.floatAttr("beta", 1) != 1 || n.intAttr("transA", 0) != 0)) {
            return false;
        }
        int outAxis = gemm && n.intAttr("transB", 0) == 1 ? 0 : 1;
        return q.perTensor() || q.axis() == outAxis;
    }

    /** Whether {@code n} is written as a dynamic integer subgraph. */
    boolean replaces(Node n) {
        return replaced.containsKey(n);
    }

    /** The nodes written in place of {@code n}. */
    List<NodeProto> nodes(Node n) {
        return replaced.get(n);
    }

    /** The weights written here (their integers, scale and zero point), which {@link QuantizedExport} skips. */
    Set<String> weights() {
        return weights.keySet();
    }

    /** The tensors written in place of weight {@code w}. */
    List<TensorProto> initializers(String w) {
        return weights.get(w);
    }

    private void write(ModelGraph g, Node n) {
        String x = n.inputs().get(0);
        String w = n.inputs().get(1);
        AffineQuantization q = g.annotation(w, AffineQuantization.class).orElseThrow();
        boolean transposed = n.opType().equals("Gemm") && n.intAttr("transB", 0) == 1;
        INDArray ints = q.quantize(g.initializers().get(w));
        if (transposed) {
            ints = ints.transpose().dup('c');
        }
        DataType type = q.signed() ? DataType.INT8 : DataType.UINT8;
        String wq = fresh(w + ".integers");
        String ws = fresh(w + ".integers_scale");
        String wz = fresh(w + ".integers_zero_point");
        INDArray scale = q.perTensor() ? Nd4j.scalar(DataType.FLOAT, q.scale().getFloat(0)) : q.scale();
        INDArray zp = q.perTensor() ? Nd4j.scalar(DataType.INT64, q.zeroPoint().getLong(0)) : q.zeroPoint();
        weights.put(w, List.of(OnnxTensors.toProto(wq, ints.castTo(type)), OnnxTensors.toProto(ws, scale),
                OnnxTensors.toProto(wz, zp.castTo(type))));
        String p = n.name();
        String xq = fresh(x + ".dynamic_quantized");
        String xs = fresh(x + ".dynamic_scale");
        String xz = fresh(x + ".dynamic_zero_point");
        String acc = fresh(p + ".int32");
        String mult = fresh(p + ".multiplier");
        String fl = fresh(p + ".float");
        boolean bias = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty();
        String scaled = bias ? fresh(p + ".scaled") : n.output();
        List<NodeProto> out = new ArrayList<>();
        out.add(NodeProto.newBuilder().setName(fresh(p + ".quantize_input")).setOpType("DynamicQuantizeLinear")
                .addInput(x).addOutput(xq).addOutput(xs).addOutput(xz).build());
        out.add(NodeProto.newBuilder().setName(fresh(p + ".matmul_integer")).setOpType("MatMulInteger")
                .addInput(xq).addInput(wq).addInput(xz).addInput(wz).addOutput(acc).build());
        out.add(NodeProto.newBuilder().setName(fresh(p + ".scale")).setOpType("Mul").addInput(xs).addInput(ws)
                .addOutput(mult).build());
        out.add(NodeProto.newBuilder().setName(fresh(p + ".cast")).setOpType("Cast").addInput(acc).addOutput(fl)
                .addAttribute(OnnxAttributes.toProto("to", (long) TensorProto.DataType.FLOAT_VALUE)).build());
        out.add(NodeProto.newBuilder().setName(fresh(p + ".rescale")).setOpType("Mul").addInput(fl).addInput(mult)
                .addOutput(scaled).build());
        if (bias) {
            out.add(NodeProto.newBuilder().setName(fresh(p + ".bias")).setOpType("Add").addInput(scaled)
                    .addInput(n.inputs().get(2)).addOutput(n.output()).build());
        }
        replaced.put(n, out);
    }

    private String fresh(String base) {
        String name = base;
        for (int i = 1; !used.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
