package dev.condense.kernel.prune;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the weights a prune stage may touch: the weight input of every Gemm, MatMul and Conv that is an
 * initializer. Layers are named by their weight's initializer name (e.g. {@code fc1.weight}), the most stable name an
 * ONNX file carries (node names of exported models are often generated). Biases are never pruned.
 */
public final class PrunableLayers {
    private PrunableLayers() {
    }

    /** Initializer names of prunable weights, in graph order. */
    public static List<String> of(ModelGraph graph) {
        List<String> out = new ArrayList<>();
        for (Node n : graph.nodes()) {
            String w = switch (n.opType()) {
                case "Gemm", "MatMul", "Conv" -> n.inputs().get(1);
                default -> null;
            };
            if (w != null && graph.initializers().containsKey(w) && !out.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }
}
