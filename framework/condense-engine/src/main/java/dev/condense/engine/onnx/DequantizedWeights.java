package dev.condense.engine.onnx;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.TensorAnnotation;
import dev.condense.engine.text.Quote;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight-only quantization read at import: a default-domain {@code DequantizeLinear} whose quantized input is an
 * INT8, UINT8 or INT32 initializer read by no other kind of node, whose scale is a FLOAT initializer and whose zero
 * point, if any, is an initializer of the quantized type, is folded into a float initializer named after its output
 * (the dequantized values, computed as ONNX Runtime does) carrying an {@link AffineQuantization} (8 bits, or 32 for
 * INT32, or 2-7 when the integers carry the exporter's {@code condense: k-bit} note; signed for INT8 and INT32; per tensor for a scalar scale, per channel along {@code axis} for a 1-D one).
 * The exporter writes it back as the same integers, scale, zero point and DequantizeLinear. Initializers read only
 * by folded nodes are dropped. Any other DequantizeLinear (of activations, of a computed tensor) is left for
 * {@link UnsupportedContent}, which reports the model as already quantized.
 */
final class DequantizedWeights {
    static final String OP = "DequantizeLinear";

    /** A folded node's float weight, named after its output, and the annotation it carries. */
    record Folded(String name, INDArray value, TensorAnnotation annotation) {
    }

    private final Map<Integer, NodeProto> folded = new LinkedHashMap<>();
    private final Set<String> dropped = new HashSet<>();
    private final Map<String, TensorProto> inits = new HashMap<>();

    private DequantizedWeights() {
    }

    /** The foldable DequantizeLinear nodes of {@code g} and the initializers only they read. O(nodes + edges). */
    static DequantizedWeights find(GraphProto g) {
        DequantizedWeights d = new DequantizedWeights();
        g.getInitializerList().forEach(t -> d.inits.putIfAbsent(t.getName(), t));
        Set<String> boundary = new HashSet<>();
        g.getInputList().stream().map(ValueInfoProto::getName).forEach(boundary::add);
        g.getOutputList().stream().map(ValueInfoProto::getName).forEach(boundary::add);
        Map<Integer, NodeProto> candidates = new LinkedHashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (d.candidate(g.getNode(i), boundary)) {
                candidates.put(i, g.getNode(i));
            }
        }
        Map<String, Set<Integer>> readers = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String in : g.getNode(i).getInputList()) {
                readers.computeIfAbsent(in, k -> new HashSet<>()).add(i);
            }
        }
        candidates.forEach((i, n) -> {
            if (candidates.keySet().containsAll(readers.get(n.getInput(0)))) {
                d.folded.put(i, n);
            }
        });
        for (NodeProto n : d.folded.values()) {
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && d.folded.keySet().containsAll(readers.get(in))) {
                    d.dropped.add(in);
                }
            }
        }
        return d;
    }

    private boolean candidate(NodeProto n, Set<String> boundary) {
        boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
        if (!defaultDomain || !n.getOpType().equals(OP) || n.getInputCount() < 2 || n.getInputCount() > 3
                || n.getOutputCount() != 1 || n.getOutput(0).isEmpty()) {
            return false;
        }
        TensorProto x = inits.get(n.getInput(0));
        TensorProto scale = inits.get(n.getInput(1));
        String zp = n.getInputCount() == 3 ? n.getInput(2) : "";
        return x != null && !boundary.contains(x.getName()) && integer(x.getDataType())
                && scale != null && scale.getDataType() == TensorProto.DataType.FLOAT_VALUE
                && (zp.isEmpty() || inits.containsKey(zp) && inits.get(zp).getDataType() == x.getDataType());
    }

    private static boolean integer(int type) {
        return type == TensorProto.DataType.INT8_VALUE || type == TensorProto.DataType.UINT8_VALUE
                || type == TensorProto.DataType.INT32_VALUE;
    }

    /** True when node {@code index} of the graph is folded. */
    boolean folds(int index) {
        return folded.containsKey(index);
    }

    /** True when initializer {@code name} is read only by folded nodes (and is dropped from the IR). */
    boolean drops(String name) {
        return dropped.contains(name);
    }

    /** The float weight of folded node {@code index}; {@code where} names file, node and op. */
    Folded fold(int index, long opset, String where) {
        NodeProto n = folded.get(index);
        if (opset < 10) {
            throw new OnnxFormatException(where + ": DequantizeLinear is an opset-10 op; the model imports opset " + opset);
        }
        long axis = 1;
        for (AttributeProto a : n.getAttributeList()) {
            if (!a.getName().equals("axis") || opset < 13 || a.getType() != AttributeProto.AttributeType.INT) {
                throw new OnnxFormatException(where + ": unexpected attribute '" + Quote.cut(a.getName())
                        + "' (DequantizeLinear takes an int 'axis' from opset 13)");
            }
            axis = a.getI();
        }
        TensorProto xp = inits.get(n.getInput(0));
        INDArray x = OnnxTensors.integers(xp, where + " input '" + Quote.cut(xp.getName()) + "'");
        INDArray scale = OnnxTensors.fromProto(inits.get(n.getInput(1)), where + " scale");
        String zpName = n.getInputCount() == 3 ? n.getInput(2) : "";
        INDArray zp = zpName.isEmpty() ? null : OnnxTensors.integers(inits.get(zpName), where + " zero point");
        if (scale.rank() > 1) {
            throw new OnnxFormatException(where + ": scale of shape " + Arrays.toString(scale.shape())
                    + "; a scale is a scalar (per tensor) or 1-D (per channel)");
        }
        if (zp != null && !Arrays.equals(zp.shape(), scale.shape())) {
            throw new OnnxFormatException(where + ": zero point of shape " + Arrays.toString(zp.shape())
                    + " but scale of shape " + Arrays.toString(scale.shape()) + "; they must agree");
        }
        boolean perTensor = scale.rank() == 0;
        int ax = (int) (axis < 0 ? axis + x.rank() : axis);
        if (!perTensor && (opset < 13 || ax < 0 || ax >= x.rank() || x.size(ax) != scale.length())) {
            throw new OnnxFormatException(where + ": a 1-D scale of " + scale.length() + " needs opset 13 and an axis"
                    + " of the input " + Arrays.toString(x.shape()) + " with that many entries (axis "
                    + axis + ", opset " + opset + ")");
        }
        DataType type = x.dataType();
        int bits = type == DataType.INT32 ? 32 : 8;
        for (int b = 2; b < 8 && type != DataType.INT32; b++) {
            if (xp.getDocString().equals(QuantizedExport.bitsNote(
                    AffineQuantization.perTensor(1f, 0, b, type == DataType.INT8)))) {
                bits = b;
            }
        }
        AffineQuantization q;
        try {
            if (bits < 8) {
                long lo = AffineQuantization.perTensor(1f, 0, bits, type == DataType.INT8).qmin();
                long hi = AffineQuantization.perTensor(1f, 0, bits, type == DataType.INT8).qmax();
                if (x.length() > 0 && (x.minNumber().longValue() < lo || x.maxNumber().longValue() > hi)) {
                    throw new IllegalArgumentException("values outside the " + bits + "-bit range [" + lo + ", " + hi
                            + "] its doc_string declares");
                }
            }
            q = new AffineQuantization(scale, zp == null ? Nd4j.zeros(DataType.INT64, scale.length()) : zp,
                    perTensor ? AffineQuantization.PER_TENSOR : ax, bits, type != DataType.UINT8);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(where + ": " + Quote.message(e.getMessage()), e);
        }
        return new Folded(n.getOutput(0), q.dequantize(x), q);
    }
}
