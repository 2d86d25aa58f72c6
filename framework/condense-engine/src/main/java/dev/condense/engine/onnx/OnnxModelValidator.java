package dev.condense.engine.onnx;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.api.model.ValueInfo.ElementType;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.text.Quote;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The checks {@link OnnxImporter} runs on every model it reads, so that a malformed model is one located error
 * ({@link OnnxFormatException}, exit 2 in the CLI) naming the node and its op, never a failure later in ND4J or ONNX
 * Runtime. In import order:
 * <ol>
 *   <li>{@link #checkModel}: IR version in [{@link #MIN_IR_VERSION}, {@link #MAX_IR_VERSION}], a default-domain
 *       opset in [{@link #MIN_OPSET}, {@link #MAX_OPSET}], unique initializer, graph input and graph output names.</li>
 *   <li>{@link #checkDims}: declared graph input/output dimensions are dynamic or in [1, {@link #MAX_DIM}].</li>
 *   <li>{@link #checkNode}: per op type ({@link OpSpecs}), input and output counts, attribute names, types and
 *       ranges for the model's opset.</li>
 *   <li>{@link GraphOrder}: unique node names, one writer per tensor, no dangling input, no cycle; nodes sorted.</li>
 *   <li>{@link #outputShape}: per node, shape preconditions ({@link ShapeChecks}: weight shapes against inputs,
 *       group, kernel within the padded input, axes) and output dimensions in [1, MAX_DIM] with at most
 *       {@link #MAX_ELEMENTS} static elements.</li>
 *   <li>{@link #checkTypes}: for ops with an {@link OpSpecs} entry, float32 data into every op except the
 *       type-generic ones and int64 shape inputs (outputs of ops without an entry are not type-tracked); declared
 *       graph outputs that agree with the inferred type, rank and static dimensions.</li>
 * </ol>
 * Every check is O(nodes + edges + attribute values).
 */
public final class OnnxModelValidator {
    /** Lowest default-domain opset accepted: the oldest ONNX Runtime supports and {@link OpsetUpgrade} handles. */
    public static final long MIN_OPSET = 7;
    /** Highest accepted: opset 18 changes no supported op except Pad's optional axes input, which is rejected. */
    public static final long MAX_OPSET = 18;
    /** IR versions accepted (ONNX 1.2 to 1.15; ONNX Runtime 1.20 reads up to 10). */
    public static final long MIN_IR_VERSION = 3;
    public static final long MAX_IR_VERSION = 10;
    /** Largest dimension of any tensor, pad, kernel, stride or dilation: 2^24. */
    public static final long MAX_DIM = 1L << 24;
    /** Most static elements (dynamic batch not counted) of one inferred tensor: 2^28, 1 GiB of float32 per sample. */
    public static final long MAX_ELEMENTS = 1L << 28;
    private static final Set<String> ANY_TYPE = Set.of("Identity", "Reshape", "Transpose", "Concat", "Add", "Sub",
            "Mul", "Div", "Slice", "Squeeze", "Gather", "Unsqueeze", "Cast");
    /** Inputs (by index) that carry int64 shapes, indices or sizes, whatever the data type. */
    private static final Map<String, Set<Integer>> INT64_INPUTS = Map.of("Reshape", Set.of(1), "Pad", Set.of(1),
            "Slice", Set.of(1, 2, 3, 4), "Squeeze", Set.of(1), "Resize", Set.of(3), "Gather", Set.of(1),
            "Unsqueeze", Set.of(1));

    private OnnxModelValidator() {
    }

    /** Model-level checks; returns the default-domain opset. */
    static long checkModel(ModelProto m, String file) {
        if (m.getIrVersion() < MIN_IR_VERSION || m.getIrVersion() > MAX_IR_VERSION) {
            throw new OnnxFormatException(file + ": IR version " + m.getIrVersion() + " is outside the supported range ["
                    + MIN_IR_VERSION + ", " + MAX_IR_VERSION + "]");
        }
        long opset = m.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).findFirst()
                .orElseThrow(() -> new OnnxFormatException(file + ": the model imports no opset of the default ONNX "
                        + "domain (opset_import)"));
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxFormatException(file + ": opset " + opset + " is outside the supported range [" + MIN_OPSET
                    + ", " + MAX_OPSET + "]");
        }
        GraphProto g = m.getGraph();
        unique(file, "initializer", g.getInitializerList().stream().map(TensorProto::getName).toList());
        unique(file, "graph input", g.getInputList().stream().map(ValueInfoProto::getName).toList());
        unique(file, "graph output", g.getOutputList().stream().map(ValueInfoProto::getName).toList());
        return opset;
    }

    private static void unique(String file, String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n.isEmpty()) {
                throw new OnnxFormatException(file + ": an " + what + " has an empty name");
            }
            if (!seen.add(n)) {
                throw new OnnxFormatException(file + ": " + what + " name '" + Quote.cut(n) + "' is used twice");
            }
        }
    }

    /** Declared dimensions of graph value {@code v}: dynamic ({@code -1}) or in [1, MAX_DIM]. */
    static void checkDims(ValueInfo v, String file) {
        for (long d : v.shape()) {
            if (d != -1 && (d < 1 || d > MAX_DIM)) {
                throw new OnnxFormatException(file + ": graph value '" + Quote.cut(v.name()) + "' has dimension " + d
                        + " in " + Quote.cut(Arrays.toString(v.shape())) + "; dimensions must be in [1, " + MAX_DIM + "]");
            }
        }
    }

    /** Per-op checks of {@code n} as imported (before opset upgrade); {@code where} names file, node and op. */
    static void checkNode(Node n, long opset, String where) {
        OpSpec spec = OpSpecs.of(n.opType()).orElse(null);
        if (spec == null) {
            return;
        }
        try {
            spec.validate(n, opset);
        } catch (IllegalArgumentException e) {
            throw new OnnxFormatException(where + ": " + Quote.message(e.getMessage()), e);
        }
    }

    /**
     * The checked output shape of {@code n}: {@link #checkShapes}, then {@link ShapeInference#outputShape}, then the
     * dimension bounds. Failures are {@link IllegalArgumentException}s naming the node and op.
     */
    static long[] outputShape(Node n, List<long[]> in, Map<String, INDArray> consts) {
        String where = "node '" + Quote.cut(n.name()) + "' (" + n.opType() + ")";
        long[] out;
        try {
            ShapeChecks.check(n, in, consts);
            out = ShapeInference.outputShape(n, in, consts);
        } catch (IllegalArgumentException e) {
            throw located(n, e);
        }
        long elements = 1;
        for (long d : out) {
            if (d != -1 && (d < 1 || d > MAX_DIM)) {
                throw new IllegalArgumentException(where + ": output shape " + Quote.cut(Arrays.toString(out))
                        + " has a dimension outside [1, " + MAX_DIM + "]");
            }
            elements = d < 0 ? elements : elements * d;
            if (elements > MAX_ELEMENTS) {
                throw new IllegalArgumentException(where + ": output shape " + Quote.cut(Arrays.toString(out))
                        + " has more than " + MAX_ELEMENTS + " elements");
            }
        }
        return out;
    }

    /**
     * The {@link ShapeChecks} of {@code n} alone, for nodes the importer evaluates ({@link ConstantOps}) instead of
     * keeping; failures name the node and op.
     */
    static void checkShapes(Node n, List<long[]> in, Map<String, INDArray> consts) {
        try {
            ShapeChecks.check(n, in, consts);
        } catch (IllegalArgumentException e) {
            throw located(n, e);
        }
    }

    /** {@code e} prefixed with the node and op unless it names the node already (its name then cut by Quote). */
    private static IllegalArgumentException located(Node n, IllegalArgumentException e) {
        String quoted = "'" + Quote.cut(n.name()) + "'";
        String msg = String.valueOf(e.getMessage());
        return new IllegalArgumentException(msg.contains("'" + n.name() + "'")
                ? msg.replace("'" + n.name() + "'", quoted)
                : "node " + quoted + " (" + n.opType() + "): " + msg, e);
    }

    /**
     * Element types through {@code g} and its declared outputs against the inferred ones ({@code shapes} from
     * {@link ShapeInference#infer}).
     */
    static void checkTypes(ModelGraph g, Map<String, long[]> shapes, String file) {
        Map<String, ElementType> t = new HashMap<>();
        g.inputs().forEach(v -> t.put(v.name(), v.type()));
        g.initializers().forEach((k, v) -> t.put(k, v.dataType() == DataType.INT64 ? ElementType.INT64 : ElementType.FLOAT));
        for (Node n : g.nodes()) {
            ElementType first = t.get(n.inputs().get(0));
            if (OpSpecs.of(n.opType()).isEmpty() || first == null) {
                t.put(n.output(), null); // an op without a spec: its output type is not tracked
                continue;
            }
            String where = file + ": node '" + Quote.cut(n.name()) + "' (" + n.opType() + ")";
            if (first != ElementType.FLOAT && !ANY_TYPE.contains(n.opType())) {
                throw new OnnxFormatException(where + ": input '" + Quote.cut(n.inputs().get(0)) + "' is " + first
                        + "; " + n.opType() + " takes FLOAT");
            }
            for (int i = 1; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                boolean shapeInput = INT64_INPUTS.getOrDefault(n.opType(), Set.of()).contains(i);
                ElementType want = shapeInput ? ElementType.INT64 : first;
                if (!in.isEmpty() && t.get(in) != null && t.get(in) != want) {
                    throw new OnnxFormatException(where + ": input " + i + " '" + Quote.cut(in) + "' is " + t.get(in)
                            + ", expected " + want);
                }
            }
            t.put(n.output(), n.opType().equals("Cast")
                    ? ConstantOps.castTarget(n) == DataType.INT64 ? ElementType.INT64 : ElementType.FLOAT : first);
        }
        for (ValueInfo o : g.outputs()) {
            long[] inferred = shapes.get(o.name());
            long[] declared = o.shape();
            boolean agree = (t.get(o.name()) == null || t.get(o.name()) == o.type()) && (declared.length == 0 || declared.length == inferred.length);
            for (int i = 0; agree && declared.length > 0 && i < declared.length; i++) {
                agree = declared[i] < 0 || inferred[i] < 0 || declared[i] == inferred[i];
            }
            if (!agree) {
                throw new OnnxFormatException(file + ": graph output '" + Quote.cut(o.name()) + "' is declared " + o.type()
                        + " " + Quote.cut(Arrays.toString(declared)) + " but computes " + t.get(o.name()) + " "
                        + Quote.cut(Arrays.toString(inferred)));
            }
        }
    }
}
