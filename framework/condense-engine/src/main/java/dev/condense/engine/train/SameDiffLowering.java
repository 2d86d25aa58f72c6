package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import dev.condense.engine.graph.ShapeInference;
import dev.condense.engine.graph.WeightedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.NameScope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lowers a {@link ModelGraph} to a SameDiff graph, op by op ({@link OpLowering}), so training gets SameDiff's
 * autodiff.
 *
 * <p>Trainable parameters are the initializers read by the weighted-layer ops ({@link WeightedLayer.Kind}: Gemm,
 * MatMul, Conv, ConvTranspose) and Add (weights and biases) and the
 * scale and bias of BatchNormalization; running statistics and the initializers read by Sub, Div and Mul (the
 * baked-in input normalization) are constants. Arrays are duplicated into SameDiff, so training never mutates the
 * source graph (invariant of {@link ModelGraph}). Static shapes come from {@link ShapeInference}.
 */
public final class SameDiffLowering {
    /** Prefix of the per-node SameDiff name scopes ({@link #lowerScoped}); the node's index follows. */
    static final String SCOPE = "condense.node.";

    private SameDiffLowering() {
    }

    /** Lowers {@code graph} for inference; the single graph input becomes a float placeholder of the same name. */
    public static LoweredGraph lower(ModelGraph graph) {
        return lower(graph, false);
    }

    /**
     * Lowers a graph with one input and one output.
     *
     * @param training true for the training graph (batch-statistics BatchNormalization, real dropout)
     */
    public static LoweredGraph lower(ModelGraph graph, boolean training) {
        return lower(graph, training, WeightView.IDENTITY);
    }

    /**
     * Lowers a graph with one input and one output, each trainable weight entering its consumers through
     * {@code view} (fake quantization: {@link FakeQuantization}); the trainable variables keep their names.
     *
     * @param training true for the training graph (batch-statistics BatchNormalization, real dropout)
     */
    static LoweredGraph lower(ModelGraph graph, boolean training, WeightView view) {
        return lower(graph, training, view, ActivationView.IDENTITY);
    }

    /**
     * As {@link #lower(ModelGraph, boolean, WeightView)}, the readers of each activation reading {@code acts} of it
     * ({@link ActivationView}; the tensor's own variable keeps its name and value).
     */
    static LoweredGraph lower(ModelGraph graph, boolean training, WeightView view, ActivationView acts) {
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            throw new IllegalArgumentException("training needs a graph with one input and one output, got "
                    + graph.inputs().size() + " inputs and " + graph.outputs().size() + " outputs");
        }
        LowerContext c = build(graph, training, view, acts);
        String out = c.sd().getVariable(graph.outputs().get(0).name()).name();
        return new LoweredGraph(c.sd(), graph.inputs().get(0).name(), out, List.copyOf(trainableInitializers(graph)),
                c.bnStats());
    }

    /** Lowers any graph: every graph input becomes a placeholder and every tensor a variable of the same name. */
    static LowerContext build(ModelGraph graph, boolean training) {
        return build(graph, training, WeightView.IDENTITY, ActivationView.IDENTITY);
    }

    /**
     * As {@link #build(ModelGraph, boolean)}, consumers of each trainable weight reading {@code view} of it and
     * readers of each activation reading {@code acts} of it.
     */
    private static LowerContext build(ModelGraph graph, boolean training, WeightView view, ActivationView acts) {
        SameDiff sd = SameDiff.create();
        LowerContext c = new LowerContext(sd, graph.initializers(), ShapeInference.infer(graph), training);
        Map<String, SDVariable> vars = new HashMap<>();
        for (ValueInfo in : graph.inputs()) {
            DataType t = in.type() == ValueInfo.ElementType.INT64 ? DataType.INT64 : DataType.FLOAT;
            vars.put(in.name(), activation(sd, acts, in.name(), sd.placeHolder(in.name(), t, in.shape())));
        }
        Set<String> trainable = trainableInitializers(graph);
        for (var e : graph.initializers().entrySet()) {
            INDArray value = e.getValue().dup();
            vars.put(e.getKey(), trainable.contains(e.getKey()) ? viewed(sd, view, e.getKey(), sd.var(e.getKey(), value))
                    : sd.constant(e.getKey(), value));
        }
        List<Node> nodes = graph.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            List<SDVariable> args = new ArrayList<>();
            n.inputs().forEach(i -> args.add(i.isEmpty() ? null : vars.get(i)));
            vars.put(n.output(), activation(sd, acts, n.output(), lowerScoped(c, n, args, SCOPE + k)));
        }
        return c;
    }

    /**
     * Lowers one node inside its own SameDiff name scope, then gives the node's result its tensor name back.
     *
     * <p>Why: SameDiff (1.0.0-M2.1, {@code SameDiff.getOpName}) names a new op by trying {@code relu},
     * {@code relu_1}, {@code relu_2}, ... until one is free, so the k-th op of a type costs k map lookups and a graph
     * of n Relu nodes costs O(n^2) to build (a 20,000-node chain: minutes). In a scope unique to the node the first
     * candidate, {@code <scope>/relu}, is free, so each op is named in O(1). Helper variables of the node keep their
     * scoped names; only the node's output is renamed, so every IR tensor keeps its name in SameDiff.
     */
    @SuppressWarnings("try") // the name scope is opened for its effect on op naming; the body never reads it
    private static SDVariable lowerScoped(LowerContext c, Node n, List<SDVariable> args, String scope) {
        SameDiff sd = c.sd();
        SDVariable v;
        try (NameScope s = sd.withNameScope(scope)) {
            v = OpLowering.lower(c, n, args);
        }
        if (v != null && v.name().startsWith(scope + "/") && !v.name().equals(n.output())) {
            sd.renameVariable(v.name(), n.output());
            v = sd.getVariable(n.output());
        }
        return v;
    }

    /**
     * {@code view} of trainable weight {@code w}; a non-identity view builds its ops in the weight's own name scope
     * ({@code condense.weight.<name>}), for the O(1) op naming explained at {@link #lowerScoped}.
     */
    @SuppressWarnings("try") // the name scope is opened for its effect on op naming; the body never reads it
    private static SDVariable viewed(SameDiff sd, WeightView view, String name, SDVariable w) {
        if (view == WeightView.IDENTITY) {
            return w;
        }
        try (NameScope s = sd.withNameScope("condense.weight." + name)) {
            return view.view(sd, name, w);
        }
    }

    /** {@code acts} of activation {@code x}, built in the tensor's own name scope ({@code condense.activation.<name>}). */
    @SuppressWarnings("try") // the name scope is opened for its effect on op naming; the body never reads it
    private static SDVariable activation(SameDiff sd, ActivationView acts, String name, SDVariable x) {
        if (acts == ActivationView.IDENTITY || x == null) {
            return x;
        }
        try (NameScope s = sd.withNameScope("condense.activation." + name)) {
            return acts.view(sd, name, x);
        }
    }

    /**
     * Initializers that training updates: Gemm/MatMul/Conv weights and biases, Add biases, BN scale and bias, the
     * tables a Gather reads (embeddings). A one-element initializer read by Add is a constant, not a bias (a
     * decomposed LayerNorm's epsilon), and is not trained.
     */
    public static Set<String> trainableInitializers(ModelGraph graph) {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            boolean weightReader = WeightedLayer.Kind.of(n.opType()) != null || n.opType().equals("Add");
            List<String> reads = weightReader ? n.inputs()
                    : n.opType().equals("BatchNormalization") ? n.inputs().subList(1, 3)
                    : n.opType().equals("Gather") && floatInitializer(graph, n.inputs().get(0)) ? n.inputs().subList(0, 1)
                    : List.of();
            boolean add = n.opType().equals("Add");
            reads.stream().filter(graph.initializers()::containsKey)
                    .filter(r -> !add || graph.initializers().get(r).length() > 1).forEach(out::add);
        }
        return out;
    }

    private static boolean floatInitializer(ModelGraph graph, String name) {
        return graph.initializers().containsKey(name) && graph.initializers().get(name).dataType().isFPType();
    }
}
