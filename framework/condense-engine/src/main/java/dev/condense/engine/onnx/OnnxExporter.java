package dev.condense.engine.onnx;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Writes a {@link ModelGraph} as an ONNX model: IR version 8, default-domain opset 13, producer "condense".
 *
 * <p>Initializers are written in the graph's insertion order as little-endian {@code raw_data} of their real element
 * type (float32 for floating arrays, FLOAT16, INT8, UINT8, INT32, INT64, ... as they are: {@link OnnxTensors}); node
 * attributes are written sorted by name; a {@code -1} dimension of a graph input or output becomes the symbolic
 * dimension {@code "N"}. The output is therefore a pure function of the graph: the same graph always gives the same
 * bytes. Masks are not exported: the initializers already hold the zeros. Affine-quantized and codebook weights are
 * written in their integer form with the nodes that turn them back into the float weight ({@link QuantizedExport});
 * a graph without such annotations is written exactly as before they existed.
 */
public final class OnnxExporter {

    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;
    public static final String PRODUCER = "condense";
    /** The symbolic name given to dynamic ({@code -1}) dimensions. */
    public static final String DYNAMIC_DIM = "N";

    /** The serialized ONNX model of {@code g}. */
    public byte[] toBytes(ModelGraph g) {
        return toProto(g).toByteArray();
    }

    /**
     * Writes {@code g} to {@code file}: the bytes go to a temporary file in the same directory, which is then moved
     * atomically onto {@code file}, so a reader never sees a partial model.
     */
    public void write(ModelGraph g, Path file) {
        write(toBytes(g), file);
    }

    /** Writes {@code bytes} (a serialized model) to {@code file} through a temporary file and an atomic move. */
    public static void write(byte[] bytes, Path file) {
        Path abs = file.toAbsolutePath();
        try {
            Files.createDirectories(abs.getParent());
            // not createTempFile: its owner-only permissions would carry over to the user's model file
            Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "-"
                    + System.nanoTime() + ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write ONNX model to " + abs, e);
        }
    }

    /** The ONNX ModelProto of {@code g}. */
    public ModelProto toProto(ModelGraph g) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(g.name());
        DynamicMatMul dynamic = DynamicMatMul.of(g);
        QuantizedExport quantized = QuantizedExport.of(g, dynamic.weights());
        quantized.nodes().forEach(graph::addNode);
        ActivationQdq activations = ActivationQdq.of(g, quantized.names());
        activations.inputNodes().forEach(graph::addNode);
        for (Node n : g.nodes()) {
            if (activations.drops(n)) {
                continue;
            }
            if (dynamic.replaces(n)) {
                dynamic.nodes(n).forEach(graph::addNode);
                continue;
            }
            NodeProto.Builder np = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
                    .addAllOutput(n.outputs());
            n.inputs().forEach(i -> np.addInput(activations.read(i)));
            for (Map.Entry<String, Object> a : new TreeMap<>(n.attributes()).entrySet()) {
                np.addAttribute(OnnxAttributes.toProto(a.getKey(), a.getValue()));
            }
            graph.addNode(np);
            n.outputs().forEach(o -> activations.after(o).forEach(graph::addNode));
        }
        g.initializers().forEach((name, value) -> (dynamic.weights().contains(name) ? dynamic.initializers(name)
                : quantized.initializers(name, value)).forEach(graph::addInitializer));
        activations.initializers().forEach(graph::addInitializer);
        g.inputs().forEach(v -> graph.addInput(valueInfo(v)));
        g.outputs().forEach(v -> graph.addOutput(valueInfo(v)));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .addOpsetImport(onnx.Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : v.shape()) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            shape.addDim(d < 0 ? dim.setDimParam(DYNAMIC_DIM) : dim.setDimValue(d));
        }
        int elem = v.type() == ValueInfo.ElementType.INT64
                ? TensorProto.DataType.INT64_VALUE : TensorProto.DataType.FLOAT_VALUE;
        return ValueInfoProto.newBuilder().setName(v.name())
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elem).setShape(shape)))
                .build();
    }
}
