package dev.condense.engine.codec;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.onnx.OnnxExporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Between a model and its {@code model.cz} container: every initializer that carries a {@link Codebook} is stored as a
 * {@link CodedLayer}, every binarized weight (an {@link AffineQuantization} whose codes are all +1 or -1: XNOR-Net)
 * as a {@link SignLayer} of its int8 codes; everything else (graph, biases, scales, other weights) travels in the ONNX
 * skeleton, exported as float (the codebook annotations removed; binarized weights as int8 codes and a
 * DequantizeLinear) with the coded initializers left empty.
 */
public final class CzModel {
    private CzModel() {
    }

    /**
     * The container of {@code graph}.
     *
     * @param indexBits the gap width of each coded layer, by initializer name (1 to 16; the paper: 8 for conv, 5 for
     *                  fully connected layers)
     */
    public static CzFormat.Container encode(ModelGraph graph, ToIntFunction<String> indexBits) {
        return encode(graph, indexBits, name -> CentroidPrecision.FLOAT32);
    }

    /**
     * The container of {@code graph}, each coded layer's centroids stored at {@code precision} of its name; a float16
     * layer is coded from {@link #projected} centroids, so its decoded weights are those of
     * {@code projected(codebook, FLOAT16).weights()}, not the graph's own.
     */
    public static CzFormat.Container encode(ModelGraph graph, ToIntFunction<String> indexBits,
                                            Function<String, CentroidPrecision> precision) {
        Map<String, CodedLayer> coded = new LinkedHashMap<>();
        ModelGraph.Builder plain = graph.toBuilder();
        for (Map.Entry<String, CodedWeight> e : codebooks(graph).entrySet()) {
            String name = e.getKey();
            CentroidPrecision p = precision.apply(name);
            Codebook book = projected(e.getValue().codebook(), p);
            INDArray weight = p == CentroidPrecision.FLOAT32 ? e.getValue().weight() : book.weights();
            coded.put(name, CodedLayer.encode(name, weight, book, p, indexBits.applyAsInt(name)));
            plain.removeAnnotation(name, Codebook.class);
        }
        ModelProto proto = new OnnxExporter().toProto(plain.build());
        GraphProto.Builder g = proto.getGraph().toBuilder();
        Map<String, SignLayer> signs = new LinkedHashMap<>();
        for (Map.Entry<String, AffineQuantization> e : binarized(graph).entrySet()) {
            String codes = g.getNodeList().stream().filter(n -> n.getOpType().equals("DequantizeLinear")
                    && n.getOutputList().contains(e.getKey())).map(n -> n.getInput(0)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no DequantizeLinear exported for " + e.getKey()));
            signs.put(codes, SignLayer.of(codes, e.getValue().quantize(graph.initializers().get(e.getKey()))));
        }
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (coded.containsKey(t.getName()) || signs.containsKey(t.getName())) {
                g.setInitializer(i, t.toBuilder().clearRawData().clearFloatData().clearInt32Data());
            }
        }
        byte[] skeleton = proto.toBuilder().setGraph(g).build().toByteArray();
        return new CzFormat.Container(skeleton, List.copyOf(coded.values()), List.copyOf(signs.values()));
    }

    /**
     * The binarized weights of {@code graph} by name: signed grids of at most 2 bits, zero points 0, on which every
     * weight's code is +1 or -1 (what the binary quantize stage writes).
     */
    public static Map<String, AffineQuantization> binarized(ModelGraph graph) {
        Map<String, AffineQuantization> out = new LinkedHashMap<>();
        graph.initializers().forEach((name, value) -> graph.annotation(name, AffineQuantization.class)
                .filter(a -> a.bits() <= 2 && a.signed() && a.zeroPoint().amaxNumber().longValue() == 0)
                .filter(a -> value.length() > 0 && Transforms.abs(a.quantize(value).castTo(
                        org.nd4j.linalg.api.buffer.DataType.FLOAT), false).neq(1).castTo(
                        org.nd4j.linalg.api.buffer.DataType.INT64).sumNumber().longValue() == 0)
                .ifPresent(a -> out.put(name, a)));
        return out;
    }

    /** {@code codebook} with its centroids as {@code precision} stores them ({@link CentroidPrecision#project}). */
    public static Codebook projected(Codebook codebook, CentroidPrecision precision) {
        if (precision == CentroidPrecision.FLOAT32) {
            return codebook;
        }
        float[] c = precision.project(codebook.centroids().toFloatVector());
        return new Codebook(org.nd4j.linalg.factory.Nd4j.createFromArray(c), codebook.indices());
    }

    private record CodedWeight(INDArray weight, Codebook codebook) {
    }

    private static Map<String, CodedWeight> codebooks(ModelGraph graph) {
        Map<String, CodedWeight> out = new LinkedHashMap<>();
        graph.initializers().forEach((name, value) -> graph.annotation(name, Codebook.class)
                .ifPresent(c -> out.put(name, new CodedWeight(value, c))));
        return out;
    }

    /**
     * The ONNX model the container stands for: the skeleton with each coded initializer filled with its decoded
     * float32 weights (little-endian {@code raw_data}), bit for bit the encoded ones.
     *
     * @throws CodecException if a coded layer has no empty float initializer of its name and shape in the skeleton
     */
    public static byte[] decode(CzFormat.Container container, String source) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(container.skeleton());
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException(source + ": the model skeleton is not an ONNX model: " + e.getMessage(), e);
        }
        GraphProto.Builder g = proto.getGraph().toBuilder();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            index.put(g.getInitializer(i).getName(), i);
        }
        List<String> seen = new ArrayList<>();
        for (CodedLayer layer : container.layers()) {
            int i = emptySlot(g, index, seen, "layer", layer.name(), layer.shape(), TensorProto.DataType.FLOAT, source);
            float[] w = layer.decode().data().asFloat();
            ByteBuffer raw = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(w);
            g.setInitializer(i, g.getInitializer(i).toBuilder().setRawData(ByteString.copyFrom(raw.array())));
        }
        for (SignLayer layer : container.signs()) {
            int i = emptySlot(g, index, seen, "binarized layer", layer.name(), layer.shape(),
                    TensorProto.DataType.INT8, source);
            g.setInitializer(i, g.getInitializer(i).toBuilder().setRawData(ByteString.copyFrom(layer.int8())));
        }
        return proto.toBuilder().setGraph(g).build().toByteArray();
    }

    /**
     * The index in {@code g} of the empty initializer stored layer {@code name} fills: of that name, {@code type} and
     * {@code shape}, with no data, and not filled before ({@code seen}).
     *
     * @throws CodecException naming {@code source} and the layer otherwise
     */
    private static int emptySlot(GraphProto.Builder g, Map<String, Integer> index, List<String> seen, String kind,
                                 String name, long[] shape, TensorProto.DataType type, String source) {
        String what = kind + " " + name;
        Integer i = index.get(name);
        if (i == null || seen.contains(name)) {
            throw new CodecException(source + ": " + what + (i == null ? " has no initializer in the model skeleton"
                    : " is stored twice"));
        }
        seen.add(name);
        TensorProto t = g.getInitializer(i);
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        if (t.getDataType() != type.getNumber() || !Arrays.equals(dims, shape) || !t.getRawData().isEmpty()
                || t.getFloatDataCount() != 0 || t.getInt32DataCount() != 0) {
            throw new CodecException(source + ": " + what + " does not match its empty "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + " initializer " + Arrays.toString(dims)
                    + " in the model skeleton");
        }
        return i;
    }
}
