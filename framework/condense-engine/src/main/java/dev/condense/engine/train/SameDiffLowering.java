package dev.condense.engine.train;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.api.model.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lowers a {@link ModelGraph} to a SameDiff graph, op by op, so training gets SameDiff's autodiff.
 *
 * <p>Trainable parameters are the initializers read as weights or biases by Gemm, MatMul, Conv and Add (a bias
 * after MatMul); initializers read by Sub, Div and Mul (the baked-in input normalization) are constants. Arrays are
 * duplicated into SameDiff, so training never mutates the source graph (invariant of {@link ModelGraph}).
 *
 * <p>Shapes are tracked statically from the graph input's shape (batch axis {@code -1}) so Flatten can reshape to
 * {@code [-1, prod(rest)]}.
 */
public final class SameDiffLowering {
    private static final Set<String> WEIGHT_READERS = Set.of("Gemm", "MatMul", "Conv", "Add");

    private SameDiffLowering() {
    }

    /** Lowers {@code graph}; the single graph input becomes a float placeholder of the same name. */
    public static LoweredGraph lower(ModelGraph graph) {
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            throw new IllegalArgumentException("training needs a graph with one input and one output, got "
                    + graph.inputs().size() + " inputs and " + graph.outputs().size() + " outputs");
        }
        SameDiff sd = SameDiff.create();
        ValueInfo in = graph.inputs().get(0);
        Map<String, SDVariable> vars = new HashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        vars.put(in.name(), sd.placeHolder(in.name(), DataType.FLOAT, in.shape()));
        shapes.put(in.name(), in.shape());
        Set<String> trainable = trainableInitializers(graph);
        for (var e : graph.initializers().entrySet()) {
            INDArray value = e.getValue().dup();
            vars.put(e.getKey(), trainable.contains(e.getKey()) ? sd.var(e.getKey(), value) : sd.constant(e.getKey(), value));
            shapes.put(e.getKey(), value.shape());
        }
        for (Node n : graph.nodes()) {
            List<SDVariable> args = new ArrayList<>();
            List<long[]> argShapes = new ArrayList<>();
            for (String i : n.inputs()) {
                args.add(i.isEmpty() ? null : vars.get(i));
                argShapes.add(i.isEmpty() ? null : shapes.get(i));
            }
            SDVariable out = OpLowering.lower(sd, n, args, argShapes);
            vars.put(n.output(), out);
            shapes.put(n.output(), OpLowering.outputShape(n, argShapes));
        }
        String outName = graph.outputs().get(0).name();
        SDVariable logits = vars.get(outName);
        return new LoweredGraph(sd, in.name(), logits.name(), List.copyOf(trainable));
    }

    /** Initializers that training updates: weights and biases of Gemm, MatMul, Conv, and biases added by Add. */
    public static Set<String> trainableInitializers(ModelGraph graph) {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : graph.nodes()) {
            if (!WEIGHT_READERS.contains(n.opType())) {
                continue;
            }
            for (String i : n.inputs()) {
                if (graph.initializers().containsKey(i)) {
                    out.add(i);
                }
            }
        }
        return out;
    }
}
