package dev.condense.engine.onnx;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.HalfPrecision;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.TensorAnnotation;
import java.util.ArrayList;
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
 * The ONNX form of a graph's quantized weights, the only place annotations become tensors. For an initializer
 * {@code w} (float32 in the IR) the exporter writes, instead of {@code w}:
 * <ul>
 *   <li>{@link AffineQuantization}: {@code w.quantized} (INT8 for signed 2-8 bits, UINT8 unsigned, INT32 for 32
 *       bits), {@code w.scale} (FLOAT, a scalar per tensor or {@code [C]} per channel), {@code w.zero_point} (the
 *       quantized type, shaped as the scale; omitted for INT32, whose zero point is 0) and a node
 *       {@code w.dequantize}: {@code DequantizeLinear(w.quantized, w.scale, w.zero_point) -> w}, with {@code axis}
 *       when per channel; 2-7 bit values carry {@link #bitsNote} as {@code doc_string}. ONNX Runtime computes {@code (q - zp) * scale} in float32, which is exactly the IR's float
 *       value (the {@link AffineQuantization} invariant).</li>
 *   <li>{@link Codebook}: {@code w.codebook} (FLOAT {@code [k]}), {@code w.indices} (UINT8, {@code w}'s shape),
 *       {@code w.cast}: {@code Cast(w.indices, to=INT32) -> w.indices.int32} (Gather takes int32/int64 indices) and
 *       {@code w.gather}: {@code Gather(w.codebook, w.indices.int32, axis=0) -> w}. About a quarter of the float
 *       bytes; ONNX Runtime folds the constant Cast and Gather when it loads the model, so inference runs on a float
 *       weight at float speed (checked by OnnxExporterQuantizedTest on ORT's optimized graph).</li>
 *   <li>{@link HalfPrecision}: {@code w.float16} (FLOAT16, {@code w}'s shape: half the bytes) and {@code w.cast}:
 *       {@code Cast(w.float16, to=FLOAT) -> w}; the values are the IR's exactly (they are float16 values), and ONNX
 *       Runtime folds the constant Cast at load, so inference runs at float speed.</li>
 * </ul>
 * Masks are not written (the values already hold the zeros). The nodes come first in the graph, in initializer
 * order, so every consumer of {@code w} still reads {@code w}. A generated name already used by the graph gets a
 * suffix {@code _1}, {@code _2}, ... Deterministic: the same graph gives the same tensors and nodes.
 */
final class QuantizedExport {
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, List<TensorProto>> replaced = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    private QuantizedExport() {
    }

    /** The quantized form of every affine- or codebook-annotated initializer of {@code g}. */
    static QuantizedExport of(ModelGraph g) {
        return of(g, Set.of());
    }

    /** As {@link #of(ModelGraph)}, leaving out the initializers in {@code skip} (written by another form). */
    static QuantizedExport of(ModelGraph g, Set<String> skip) {
        QuantizedExport e = new QuantizedExport();
        if (g.annotations().isEmpty()) {
            return e;
        }
        e.used.addAll(g.initializers().keySet());
        g.inputs().forEach(v -> e.used.add(v.name()));
        g.outputs().forEach(v -> e.used.add(v.name()));
        for (Node n : g.nodes()) {
            e.used.add(n.name());
            e.used.addAll(n.outputs());
        }
        for (var w : g.initializers().entrySet()) {
            if (skip.contains(w.getKey())) {
                continue;
            }
            for (TensorAnnotation a : g.annotations().getOrDefault(w.getKey(), List.of())) {
                if (a instanceof AffineQuantization q) {
                    e.affine(w.getKey(), w.getValue(), q);
                } else if (a instanceof Codebook c) {
                    e.codebook(w.getKey(), c);
                } else if (a instanceof HalfPrecision) {
                    e.half(w.getKey(), w.getValue());
                }
            }
        }
        return e;
    }

    /** The names this export generated (nodes and tensors), for later generated names to avoid. */
    Set<String> names() {
        Set<String> out = new HashSet<>();
        nodes.forEach(n -> {
            out.add(n.getName());
            out.addAll(n.getOutputList());
        });
        replaced.values().forEach(ts -> ts.forEach(t -> out.add(t.getName())));
        return out;
    }

    /** Nodes to write before the graph's own. */
    List<NodeProto> nodes() {
        return nodes;
    }

    /** The tensors written in place of initializer {@code name} ({@code value}): its quantized form, or itself. */
    List<TensorProto> initializers(String name, INDArray value) {
        return replaced.getOrDefault(name, List.of(OnnxTensors.toProto(name, value)));
    }

    private void affine(String w, INDArray value, AffineQuantization a) {
        DataType type = a.bits() == 32 ? DataType.INT32 : a.signed() ? DataType.INT8 : DataType.UINT8;
        String q = fresh(w + ".quantized");
        String scale = fresh(w + ".scale");
        List<TensorProto> tensors = new ArrayList<>();
        TensorProto ints = OnnxTensors.toProto(q, a.quantize(value).castTo(type));
        if (a.bits() != 8 && a.bits() != 32) {
            ints = ints.toBuilder().setDocString(bitsNote(a)).build();
        }
        tensors.add(ints);
        INDArray s = a.perTensor() ? Nd4j.scalar(DataType.FLOAT, a.scale().getFloat(0)) : a.scale();
        tensors.add(OnnxTensors.toProto(scale, s));
        NodeProto.Builder dq = NodeProto.newBuilder().setName(fresh(w + ".dequantize")).setOpType("DequantizeLinear")
                .addInput(q).addInput(scale).addOutput(w);
        if (type != DataType.INT32) {
            String zp = fresh(w + ".zero_point");
            INDArray z = a.perTensor() ? Nd4j.scalar(DataType.INT64, a.zeroPoint().getLong(0)) : a.zeroPoint();
            tensors.add(OnnxTensors.toProto(zp, z.castTo(type)));
            dq.addInput(zp);
        }
        if (!a.perTensor()) {
            dq.addAttribute(OnnxAttributes.toProto("axis", (long) a.axis()));
        }
        nodes.add(dq.build());
        replaced.put(w, tensors);
    }

    /**
     * The {@code doc_string} of a 2-7 bit tensor's integers, e.g. {@code condense: 4-bit signed}: opset 13 has no
     * narrower type than INT8, so the width is noted for {@link DequantizedWeights} to read back.
     */
    static String bitsNote(AffineQuantization a) {
        return "condense: " + a.bits() + "-bit " + (a.signed() ? "signed" : "unsigned");
    }

    private void codebook(String w, Codebook c) {
        String centroids = fresh(w + ".codebook");
        String indices = fresh(w + ".indices");
        String wide = fresh(w + ".indices.int32");
        replaced.put(w, List.of(OnnxTensors.toProto(centroids, c.centroids()),
                OnnxTensors.toProto(indices, c.indices().castTo(DataType.UINT8))));
        nodes.add(NodeProto.newBuilder().setName(fresh(w + ".cast")).setOpType("Cast").addInput(indices)
                .addOutput(wide).addAttribute(OnnxAttributes.toProto("to", (long) TensorProto.DataType.INT32_VALUE))
                .build());
        nodes.add(NodeProto.newBuilder().setName(fresh(w + ".gather")).setOpType("Gather").addInput(centroids)
                .addInput(wide).addOutput(w).addAttribute(OnnxAttributes.toProto("axis", 0L)).build());
    }

    private void half(String w, INDArray value) {
        String stored = fresh(w + ".float16");
        replaced.put(w, List.of(OnnxTensors.toProto(stored, value.castTo(DataType.FLOAT16))));
        nodes.add(NodeProto.newBuilder().setName(fresh(w + ".cast")).setOpType("Cast").addInput(stored).addOutput(w)
                .addAttribute(OnnxAttributes.toProto("to", (long) TensorProto.DataType.FLOAT_VALUE)).build());
    }

    private String fresh(String base) {
        String name = base;
        for (int i = 1; !used.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }
}
