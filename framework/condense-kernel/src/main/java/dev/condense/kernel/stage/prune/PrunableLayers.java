package dev.condense.kernel.stage.prune;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Finds the weights a prune stage may touch: the weight of every Gemm, MatMul and Conv whose weight is a float
 * initializer read directly ({@link WeightedLayers#stored}; ConvTranspose and quantized weights are not pruned). Layers are named by their weight's initializer name (e.g. {@code fc1.weight}), the most stable name an
 * ONNX file carries (node names of exported models are often generated). Biases are never pruned.
 */
public final class PrunableLayers {
    private PrunableLayers() {
    }

    /** Initializer names of prunable weights, in graph order. */
    public static List<String> of(ModelGraph graph) {
        return List.copyOf(new LinkedHashSet<>(byNode(graph).values()));
    }

    /**
     * The layer name recipes use for each node that has one, keyed by node name, in graph order: what sparsity
     * selectors, include and exclude match. Nodes without a prunable weight are absent; two nodes sharing a weight
     * map to the same name.
     */
    public static Map<String, String> byNode(ModelGraph graph) {
        Map<String, String> out = new LinkedHashMap<>();
        for (WeightedLayer l : WeightedLayers.stored(graph)) {
            if (l.kind() != WeightedLayer.Kind.CONV_TRANSPOSE) {
                out.put(l.name(), l.source());
            }
        }
        return out;
    }
}
