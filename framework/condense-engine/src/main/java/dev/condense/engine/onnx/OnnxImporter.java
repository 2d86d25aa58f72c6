package dev.condense.engine.onnx;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.TensorAnnotation;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.io.InputFiles;
import dev.condense.engine.text.Quote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads an ONNX model file into a {@link ModelGraph}.
 *
 * <p>Accepted: default-domain nodes whose op type is in {@link SupportedOps}; FLOAT and INT64 tensors stored as
 * {@code raw_data} or typed fields. {@code Constant} nodes are turned into initializers named after their output.
 * Graph inputs that are also initializers (pre-IR-4 style) are not graph inputs in the IR. Symbolic or unknown
 * dimensions become {@code -1}. Unnamed nodes are named {@code <opType>_<index>}. The IR follows opset 13: a
 * Softmax or LogSoftmax from an older opset without an {@code axis} gets {@code axis=1}; older opsets normalized
 * over all axes from {@code axis} on (the input flattened to 2-D there), which equals opset 13's one axis only when
 * that is the last axis, so any other is refused with the node named ({@link #checkLegacySoftmax}). Other opset
 * differences are normalized by {@link OpsetUpgrade}; HardSwish becomes HardSigmoid and Mul ({@link #hardSwish}),
 * Sum a chain of Adds ({@link #sum}); static
 * Shape/Gather/Unsqueeze/Concat chains and constant Cast/Slice/Squeeze/Concat are evaluated by
 * {@link StaticFolding}, and a shape computation that depends on runtime data is rejected.
 *
 * <p>Weight-only quantization is read: a {@code DequantizeLinear} of a constant INT8/UINT8/INT32 initializer becomes a
 * float initializer with an {@link AffineQuantization} ({@link DequantizedWeights}), which the exporter writes back.
 * A model quantized otherwise (QuantizeLinear, QLinearConv, ConvInteger, MatMulInteger, ...) is refused as already
 * quantized, naming the ops and nodes. A {@code Gather} of a constant 1-D float codebook by constant integer indices
 * (the exporter's form of a {@link dev.condense.api.model.Codebook}) becomes a float initializer with its codebook
 * ({@link CodebookWeights}), and float16 weights ({@code Cast(to=FLOAT)} of a FLOAT16 initializer) as float32 initializers
 * annotated {@link dev.condense.api.model.HalfPrecision} ({@link HalfWeights}).
 *
 * <p>Unsupported content is reported all at once before anything is converted: every unsupported op type and
 * tensor element type with its count and first location ({@link UnsupportedContent}).
 *
 * <p>Every problem with the file (missing, empty, larger than {@link #maxBytes()}, not a valid protobuf, no graph,
 * unsupported op or tensor type) and every malformed graph found by {@link OnnxModelValidator} (opset range,
 * dangling or duplicate names, cycles, attribute types and ranges, weight shapes, dimension bounds) is an
 * {@link OnnxFormatException} naming the file and, where one is involved, the node and its op. Nodes out of
 * topological order are sorted.
 */
public final class OnnxImporter {

    /** Default cap on the model file size: 1 GiB, well under protobuf's 2 GiB message limit. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private final long maxBytes;
    private final Map<String, Long> dimensions;

    public OnnxImporter() {
        this(DEFAULT_MAX_BYTES);
    }

    /** An importer refusing files larger than {@code maxBytes} (at most {@code Integer.MAX_VALUE - 8}). */
    public OnnxImporter(long maxBytes) {
        this(maxBytes, Map.of());
    }

    private OnnxImporter(long maxBytes, Map<String, Long> dimensions) {
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be in (0, 2^31 - 9], was " + maxBytes);
        }
        for (var e : dimensions.entrySet()) {
            if (e.getValue() < 1 || e.getValue() > OnnxModelValidator.MAX_DIM) {
                throw new IllegalArgumentException("dimension '" + Quote.cut(e.getKey()) + "' must be in [1, "
                        + OnnxModelValidator.MAX_DIM + "], was " + e.getValue());
            }
        }
        this.maxBytes = maxBytes;
        this.dimensions = Map.copyOf(dimensions);
    }

    /**
     * This importer, also fixing symbolic dimensions by name: a graph input or output dimension whose
     * {@code dim_param} is a key of {@code sizes} gets that size, so the IR's shapes are static but for the batch.
     * A transformer encoder is imported with its maximum sequence length this way
     * ({@code withDimensions(Map.of("sequence_length", 128L))}); the shape chains computed from it then fold into
     * constants ({@link StaticFolding}). Other symbolic dimensions stay dynamic ({@code -1}).
     */
    public OnnxImporter withDimensions(Map<String, Long> sizes) {
        return new OnnxImporter(maxBytes, sizes);
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The graph stored in {@code file}. */
    public ModelGraph read(Path file) {
        ModelProto model = parse(file);
        GraphProto graph = model.getGraph();
        DequantizedWeights dequantized = DequantizedWeights.find(graph);
        CodebookWeights codebooks = CodebookWeights.find(graph);
        HalfWeights halves = HalfWeights.find(graph);
        String unsupported = UnsupportedContent.describe(graph,
                i -> dequantized.folds(i) || codebooks.folds(i) || halves.folds(i),
                t -> dequantized.drops(t) || codebooks.drops(t) || halves.drops(t));
        if (unsupported != null) {
            throw new OnnxFormatException(file + ": " + unsupported);
        }
        long opset = OnnxModelValidator.checkModel(model, file.toString());
        String graphName = graph.getName().isEmpty() ? String.valueOf(file.getFileName()) : graph.getName();
        ModelGraph.Builder b = ModelGraph.builder(graphName);
        Map<String, INDArray> inits = new LinkedHashMap<>();
        Map<String, TensorAnnotation> quantized = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (dequantized.drops(t.getName()) || codebooks.drops(t.getName()) || halves.drops(t.getName())) {
                continue;
            }
            inits.put(t.getName(), OnnxTensors.fromProto(t, file + ": initializer '" + Quote.cut(t.getName()) + "'"));
        }
        List<ValueInfo> inputs = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        Set<String> available = new HashSet<>(inits.keySet());
        for (ValueInfoProto v : graph.getInputList()) {
            available.add(v.getName());
            if (!inits.containsKey(v.getName())) {
                inputs.add(valueInfo(v, file));
            }
        }
        inputs.forEach(b::input);
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto np = graph.getNode(i);
            String name = np.getName().isEmpty() ? np.getOpType() + "_" + i : np.getName();
            String where = file + ": node '" + Quote.cut(name) + "' (" + np.getOpType() + ")";
            if (dequantized.folds(i) || codebooks.folds(i) || halves.folds(i)) {
                DequantizedWeights.Folded f = dequantized.folds(i) ? dequantized.fold(i, opset, where)
                        : halves.folds(i) ? halves.fold(i, where) : codebooks.fold(i, where);
                if (f == null) {
                    continue; // the Cast of a codebook's indices, folded with its Gather
                }
                if (!available.add(f.name())) {
                    throw new OnnxFormatException(where + ": output '" + Quote.cut(f.name())
                            + "' is already a graph input, initializer or constant");
                }
                inits.put(f.name(), f.value());
                quantized.put(f.name(), f.annotation());
                continue;
            }
            boolean defaultDomain = np.getDomain().isEmpty() || np.getDomain().equals("ai.onnx");
            if (!defaultDomain || !SupportedOps.isSupported(np.getOpType())) {
                throw new OnnxFormatException(file + ": unsupported op '" + Quote.cut(np.getOpType()) + "'"
                        + (defaultDomain ? "" : " in domain '" + Quote.cut(np.getDomain()) + "'")
                        + " at node '" + Quote.cut(name)
                        + "'; supported ops: " + SupportedOps.describe());
            }
            if (np.getOpType().equals("Constant")) {
                INDArray value = ConstantNodes.value(np, where);
                if (np.getOutput(0).isEmpty() || !available.add(np.getOutput(0))) {
                    throw new OnnxFormatException(where + ": output '" + Quote.cut(np.getOutput(0))
                            + "' is empty or already a graph input, initializer or constant");
                }
                inits.put(np.getOutput(0), value);
                continue;
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (AttributeProto a : np.getAttributeList()) {
                if (attrs.put(a.getName(), OnnxAttributes.fromProto(a, where)) != null) {
                    throw new OnnxFormatException(where + ": attribute '" + Quote.cut(a.getName()) + "' appears twice");
                }
            }
            OnnxModelValidator.checkNode(new Node(name, np.getOpType(), np.getInputList(), np.getOutputList(), attrs),
                    opset, where);
            if (opset < 13 && (np.getOpType().equals("Softmax") || np.getOpType().equals("LogSoftmax"))) {
                attrs.putIfAbsent("axis", 1L);
            }
            if (np.getOpType().equals("HardSwish")) {
                nodes.addAll(hardSwish(name, np.getInput(0), np.getOutput(0)));
                continue;
            }
            if (np.getOpType().equals("Sum")) {
                nodes.addAll(sum(name, np.getInputList(), np.getOutput(0)));
                continue;
            }
            nodes.add(new Node(name, np.getOpType(), np.getInputList(), np.getOutputList(), attrs));
        }
        try {
            List<Node> sorted = new ArrayList<>(GraphOrder.sort(nodes, available));
            sorted.replaceAll(n -> OpsetUpgrade.upgrade(n, inits));
            StaticFolding.fold(inputs, sorted, inits).forEach(b::node);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(file + ": " + Quote.message(e.getMessage() + symbolicHint(graph)), e);
        }
        inits.forEach(b::initializer);
        quantized.forEach(b::annotate);
        graph.getOutputList().forEach(v -> b.output(valueInfo(v, file)));
        ModelGraph g;
        try {
            g = b.build();
        } catch (IllegalStateException e) {
            throw new OnnxFormatException(file + ": inconsistent graph: "
                    + Quote.message(e.getMessage()), e);
        }
        Map<String, long[]> shapes = ShapeInference.infer(g);
        OnnxModelValidator.checkTypes(g, shapes, file.toString());
        if (opset < 13) {
            checkLegacySoftmax(g, shapes, opset, file);
        }
        return g;
    }

    /**
     * Before opset 13, Softmax and LogSoftmax normalized over the axes {@code [axis, rank)} together; the IR's (opset
     * 13) normalizes over {@code axis} alone. The two agree when {@code axis} is the last axis; otherwise the import
     * would silently compute another function, so it is refused.
     */
    static void checkLegacySoftmax(ModelGraph g, Map<String, long[]> shapes, long opset, Path file) {
        for (Node n : g.nodes()) {
            if (n.opType().equals("Softmax") || n.opType().equals("LogSoftmax")) {
                int rank = shapes.get(n.inputs().get(0)).length;
                long axis = ShapeInference.axis(n.intAttr("axis", 1), rank);
                if (axis != rank - 1) {
                    throw new OnnxFormatException(file + ": node '" + Quote.cut(n.name()) + "' (" + n.opType()
                            + ", opset " + opset + ") normalizes a rank-" + rank + " input over axes " + axis + ".."
                            + (rank - 1) + " together, as opsets before 13 define it; only the last axis is supported"
                            + " there (export the model at opset 13 or later)");
                }
            }
        }
    }

    /**
     * HardSwish (opset 14) as the IR's HardSigmoid and Mul: {@code x * clip(x / 6 + 1/2, 0, 1)}, which is its ONNX
     * definition and exports within opset 13. The Mul keeps the node's name and output.
     */
    static List<Node> hardSwish(String name, String x, String y) {
        String gate = y + ".hardsigmoid";
        return List.of(new Node(name + ".hardsigmoid", "HardSigmoid", List.of(x), List.of(gate),
                        Map.of("alpha", 1.0 / 6, "beta", 0.5)),
                new Node(name, "Mul", List.of(x, gate), List.of(y), Map.of()));
    }

    /**
     * Sum (variadic, numpy broadcasting from opset 8) as the IR's Adds, left to right: {@code ((x1 + x2) + x3) ...};
     * one input is an Identity. The last node keeps the node's name and output.
     */
    static List<Node> sum(String name, List<String> inputs, String y) {
        if (inputs.size() == 1) {
            return List.of(new Node(name, "Identity", inputs, List.of(y), Map.of()));
        }
        List<Node> adds = new ArrayList<>();
        String acc = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            boolean last = i == inputs.size() - 1;
            String out = last ? y : y + ".sum" + i;
            adds.add(new Node(last ? name : name + ".sum" + i, "Add", List.of(acc, inputs.get(i)), List.of(out), Map.of()));
            acc = out;
        }
        return adds;
    }

    /**
     * When a graph input has a symbolic dimension after the first that this importer does not fix: a hint naming it,
     * since the IR takes every dynamic dimension for the batch (a text model's sequence length, for instance, must be
     * fixed at import, {@link #withDimensions}); else empty.
     */
    private String symbolicHint(GraphProto graph) {
        for (ValueInfoProto v : graph.getInputList()) {
            var dims = v.getType().getTensorType().getShape().getDimList();
            for (int i = 1; i < dims.size(); i++) {
                var d = dims.get(i);
                if (d.getValueCase() != TensorShapeProto.Dimension.ValueCase.DIM_VALUE
                        && !dimensions.containsKey(d.getDimParam())) {
                    return "; note: graph input '" + Quote.cut(v.getName()) + "' has the symbolic dimension "
                            + (d.getDimParam().isEmpty() ? "(unnamed)" : "'" + Quote.cut(d.getDimParam()) + "'")
                            + " at position " + i + ", which the IR can only hold fixed (only the batch, position 0, "
                            + "stays dynamic): a transformer's sequence length is fixed at import";
                }
            }
        }
        return "";
    }

    private ModelProto parse(Path file) {
        InputFiles.fileProblem(file).ifPresent(problem -> {
            throw new OnnxFormatException("ONNX model " + Quote.path(file) + " " + problem);
        });
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new OnnxFormatException("cannot read ONNX model " + file + ": " + e, e);
        }
        if (size == 0) {
            throw new OnnxFormatException("ONNX model " + file + " is empty (0 bytes)");
        }
        if (size > maxBytes) {
            throw new OnnxFormatException("ONNX model " + file + " is " + size + " bytes, over the limit of "
                    + maxBytes + " bytes");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException("ONNX model " + file + " is truncated or corrupted (not a valid ONNX "
                    + "protobuf: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new OnnxFormatException("cannot read ONNX model " + file + ": " + e, e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 || model.getGraph().getOutputCount() == 0) {
            throw new OnnxFormatException("ONNX model " + file + " holds no graph with nodes and outputs: "
                    + "the file is corrupted or not an ONNX model");
        }
        return model;
    }

    private ValueInfo valueInfo(ValueInfoProto v, Path file) {
        if (!v.getType().hasTensorType()) {
            throw new OnnxFormatException(file + ": graph value '" + Quote.cut(v.getName())
                    + "' is not a tensor");
        }
        var tt = v.getType().getTensorType();
        ValueInfo.ElementType type = switch (tt.getElemType()) {
            case TensorProto.DataType.FLOAT_VALUE -> ValueInfo.ElementType.FLOAT;
            case TensorProto.DataType.INT64_VALUE -> ValueInfo.ElementType.INT64;
            default -> throw new OnnxFormatException(file + ": graph value '" + Quote.cut(v.getName()) + "' has element type "
                    + TensorProto.DataType.forNumber(tt.getElemType()) + "; only FLOAT and INT64 are supported");
        };
        long[] shape = tt.getShape().getDimList().stream()
                .mapToLong(d -> d.getValueCase() == TensorShapeProto.Dimension.ValueCase.DIM_VALUE ? d.getDimValue()
                        : dimensions.getOrDefault(d.getDimParam(), -1L))
                .toArray();
        ValueInfo info = new ValueInfo(v.getName(), type, shape);
        OnnxModelValidator.checkDims(info, file.toString());
        return info;
    }
}
