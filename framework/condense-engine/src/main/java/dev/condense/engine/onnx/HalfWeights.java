package dev.condense.engine.onnx;

import dev.condense.api.model.HalfPrecision;
import dev.condense.engine.text.Quote;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
 * Float16 weights read at import, the form {@link QuantizedExport} writes for {@link HalfPrecision}: a default-domain
 * {@code Cast(to=FLOAT)} of a FLOAT16 initializer that only this Cast reads is folded into a float32 initializer named
 * after the Cast's output, annotated {@link HalfPrecision} (the values convert exactly). The FLOAT16 initializer is
 * dropped. Any other FLOAT16 tensor stays unsupported (the importer reads float models).
 */
final class HalfWeights {
    private final Map<Integer, NodeProto> casts = new HashMap<>();
    private final Set<String> dropped = new HashSet<>();
    private final Map<String, TensorProto> inits = new HashMap<>();

    private HalfWeights() {
    }

    /** The foldable Casts of {@code g}. O(nodes + edges). */
    static HalfWeights find(GraphProto g) {
        HalfWeights h = new HalfWeights();
        g.getInitializerList().forEach(t -> h.inits.putIfAbsent(t.getName(), t));
        Set<String> boundary = new HashSet<>();
        g.getInputList().stream().map(ValueInfoProto::getName).forEach(boundary::add);
        g.getOutputList().stream().map(ValueInfoProto::getName).forEach(boundary::add);
        Map<String, Integer> readers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            if (!defaultDomain || !n.getOpType().equals("Cast") || n.getInputCount() != 1 || n.getOutputCount() != 1
                    || n.getOutput(0).isEmpty()) {
                continue;
            }
            String in = n.getInput(0);
            TensorProto t = h.inits.get(in);
            boolean toFloat = n.getAttributeList().stream().allMatch(a -> a.getName().equals("to")
                    && a.getType() == AttributeProto.AttributeType.INT && a.getI() == TensorProto.DataType.FLOAT_VALUE)
                    && n.getAttributeCount() == 1;
            if (t != null && t.getDataType() == TensorProto.DataType.FLOAT16_VALUE && toFloat
                    && !boundary.contains(in) && readers.get(in) == 1) {
                h.casts.put(i, n);
                h.dropped.add(in);
            }
        }
        return h;
    }

    /** True when node {@code index} of the graph is a folded Cast. */
    boolean folds(int index) {
        return casts.containsKey(index);
    }

    /** True when initializer {@code name} is a folded FLOAT16 weight (dropped from the IR). */
    boolean drops(String name) {
        return dropped.contains(name);
    }

    /** The float32 weight of folded Cast {@code index}; {@code where} names the node. */
    DequantizedWeights.Folded fold(int index, String where) {
        NodeProto n = casts.get(index);
        TensorProto t = inits.get(n.getInput(0));
        return new DequantizedWeights.Folded(n.getOutput(0), halves(t, where + " input '" + Quote.cut(t.getName()) + "'"),
                new HalfPrecision());
    }

    /** The float32 values of FLOAT16 tensor {@code t} (raw data, or 16-bit patterns in int32_data). */
    static INDArray halves(TensorProto t, String where) {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        ByteBuffer bytes;
        if (!t.getRawData().isEmpty()) {
            bytes = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        } else {
            List<Integer> bits = t.getInt32DataList();
            bytes = ByteBuffer.allocate(bits.size() * 2).order(ByteOrder.LITTLE_ENDIAN);
            bits.forEach(b -> bytes.putShort((short) (int) b));
            bytes.flip();
        }
        if (bytes.remaining() != count * 2) {
            throw new OnnxFormatException(where + " holds " + bytes.remaining() / 2 + " float16 values, its shape "
                    + java.util.Arrays.toString(shape) + " needs " + count);
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            direct.put(bytes);                       // same byte order: one bulk copy
        } else {
            while (bytes.hasRemaining()) {
                direct.putShort(bytes.getShort());   // swap each 16-bit value
            }
        }
        direct.flip();
        INDArray half = Nd4j.create(Nd4j.createBuffer(direct, DataType.FLOAT16, Math.toIntExact(count)), shape);
        return half.castTo(DataType.FLOAT);
    }
}
