package dev.condense.engine.onnx;

import dev.condense.engine.text.Quote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Everything in an ONNX graph that Condense cannot import, found in one pass so a user learns the whole gap at once
 * instead of one op per attempt: op types outside {@link SupportedOps} (or outside the default domain) and tensor
 * element types other than FLOAT and INT64 (in initializers, {@code Constant} values, graph inputs and outputs).
 * Nodes the importer folds into annotated weights ({@link DequantizedWeights}, {@link CodebookWeights}) and the
 * integer initializers only they read are not reported. Quantized ops ({@link #quantizedOp}: QuantizeLinear, DequantizeLinear of anything but a
 * constant weight, QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger, DynamicQuantizeLinear and com.microsoft's
 * QLinear*, QGemm, ... ) are reported first, as {@code already quantized: 2 ops (QLinearConv x2 at node 'c', ...)},
 * with what Condense does read.
 *
 * <p>The message is one line: {@code unsupported: 3 ops (Einsum x4 at node 'e0', ..., com.microsoft:FusedConv x1 at
 * node 'f') and 1 tensor type (DOUBLE x2 at initializer 'w')}, then the supported sets. Entries are sorted by count,
 * most frequent first, then by name; each names its first occurrence, so it is located. At most
 * {@link #MAX_LISTED} entries of each kind are spelled out, the rest summed as {@code ... and k more}.
 */
final class UnsupportedContent {
    /** Entries of each kind spelled out in the message. */
    static final int MAX_LISTED = 20;

    /** The tail of the already-quantized part of the message: what can be read instead. */
    static final String QUANTIZED_HINT = "Condense reads float models, and quantized weights only as DequantizeLinear "
            + "of a constant INT8/UINT8/INT32 initializer (weight-only quantization)";

    private final Map<String, Entry> quantized = new LinkedHashMap<>();
    private final Map<String, Entry> ops = new LinkedHashMap<>();
    private final Map<String, Entry> types = new LinkedHashMap<>();

    private UnsupportedContent() {
    }

    /** Scans {@code graph}; returns the one-line description of what is unsupported, or null when nothing is. */
    static String describe(GraphProto graph, java.util.function.IntPredicate foldedNode,
                           java.util.function.Predicate<String> droppedInitializer) {
        UnsupportedContent u = new UnsupportedContent();
        for (TensorProto t : graph.getInitializerList()) {
            if (droppedInitializer.test(t.getName())) {
                continue;
            }
            u.tensorType(t.getDataType(), "initializer '" + Quote.cut(t.getName()) + "'");
        }
        for (ValueInfoProto v : graph.getInputList()) {
            u.valueType(v, "graph input");
        }
        for (ValueInfoProto v : graph.getOutputList()) {
            u.valueType(v, "graph output");
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto np = graph.getNode(i);
            if (foldedNode.test(i)) {
                continue;
            }
            String name = Quote.cut(np.getName().isEmpty() ? np.getOpType() + "_" + i : np.getName());
            boolean defaultDomain = np.getDomain().isEmpty() || np.getDomain().equals("ai.onnx");
            if (QuantizedOps.is(np.getOpType())) {
                String op = Quote.cut(defaultDomain ? np.getOpType() : np.getDomain() + ":" + np.getOpType());
                u.quantized.computeIfAbsent(op, k -> new Entry(k, "node '" + name + "'")).count++;
            } else if (!defaultDomain || !SupportedOps.isSupported(np.getOpType())) {
                String op = Quote.cut(defaultDomain ? np.getOpType() : np.getDomain() + ":" + np.getOpType());
                u.ops.computeIfAbsent(op, k -> new Entry(k, "node '" + name + "'")).count++;
            } else if (np.getOpType().equals("Constant")) {
                for (AttributeProto a : np.getAttributeList()) {
                    if (a.getType() == AttributeProto.AttributeType.TENSOR) {
                        u.tensorType(a.getT().getDataType(), "Constant node '" + name + "'");
                    }
                }
            }
        }
        if (u.quantized.isEmpty() && u.ops.isEmpty() && u.types.isEmpty()) {
            return null;
        }
        String prefix = u.quantized.isEmpty() ? ""
                : "already quantized: " + list(u.quantized, "op") + "; " + QUANTIZED_HINT + "; ";
        if (u.ops.isEmpty() && u.types.isEmpty()) {
            return prefix.substring(0, prefix.length() - 2);
        }
        List<String> parts = new ArrayList<>();
        if (!u.ops.isEmpty()) {
            parts.add(list(u.ops, "op"));
        }
        if (!u.types.isEmpty()) {
            parts.add(list(u.types, "tensor type"));
        }
        return prefix + "unsupported: " + String.join(" and ", parts) + "; supported ops: " + SupportedOps.describe()
                + "; supported tensor types: [FLOAT, INT64]";
    }

    private void valueType(ValueInfoProto v, String role) {
        if (v.getType().hasTensorType()) {
            tensorType(v.getType().getTensorType().getElemType(), role + " '" + Quote.cut(v.getName()) + "'");
        }
    }

    private void tensorType(int dataType, String where) {
        if (dataType != TensorProto.DataType.FLOAT_VALUE && dataType != TensorProto.DataType.INT64_VALUE) {
            TensorProto.DataType t = TensorProto.DataType.forNumber(dataType);
            String name = t == null ? "data type " + dataType : t.name();
            types.computeIfAbsent(name, k -> new Entry(k, where)).count++;
        }
    }

    private static String list(Map<String, Entry> entries, String noun) {
        List<Entry> sorted = entries.values().stream()
                .sorted(Comparator.comparingInt((Entry e) -> -e.count).thenComparing(e -> e.name)).toList();
        List<String> shown = sorted.stream().limit(MAX_LISTED).map(e -> e.name + " x" + e.count + " at " + e.first)
                .toList();
        String more = sorted.size() > MAX_LISTED ? ", ... and " + (sorted.size() - MAX_LISTED) + " more" : "";
        return sorted.size() + " " + noun + (sorted.size() == 1 ? "" : "s") + " (" + String.join(", ", shown) + more
                + ")";
    }

    /** One unsupported op or type: how often it occurs and where first. */
    private static final class Entry {
        final String name;
        final String first;
        int count;

        Entry(String name, String first) {
            this.name = name;
            this.first = first;
        }
    }
}
