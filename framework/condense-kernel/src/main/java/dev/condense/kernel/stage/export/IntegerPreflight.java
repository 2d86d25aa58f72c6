package dev.condense.kernel.stage.export;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The check {@code export: {quantized: integer}} makes on the graph it will receive, before any stage runs: every
 * node is an op the integer-only rewrite can put in integers (Conv, Gemm, MatMul, Add, GlobalAveragePool, MaxPool,
 * Relu, Flatten, Reshape, Identity, BatchNormalization, which a quantize stage folds) or the input's preprocessing
 * (Sub, Div, Mul), unless it writes a graph output (postprocessing after the output's dequantize, e.g. Softmax).
 * When the graph is quantized (some layer's weight carries a grid: a static quantize stage's preview annotates the
 * layers it selects), every Conv, Gemm and MatMul must be: a layer its {@code layers} filter leaves out would
 * compute in float between quantized tensors, which the rewrite refuses only after all the training.
 */
final class IntegerPreflight {
    static final Set<String> OPS = Set.of("Conv", "Gemm", "MatMul", "Add", "GlobalAveragePool", "MaxPool", "Relu",
            "Flatten", "Reshape", "Identity", "BatchNormalization", "Sub", "Div", "Mul");

    private IntegerPreflight() {
    }

    static void check(ModelGraph graph, Location at) {
        Set<String> outputs = new TreeSet<>();
        graph.outputs().forEach(v -> outputs.add(v.name()));
        for (Node n : graph.nodes()) {
            if (!OPS.contains(n.opType()) && n.outputs().stream().noneMatch(outputs::contains)) {
                throw new RecipeException(at, "quantized: integer: node " + Quote.single(n.name()) + " ("
                        + Quote.cut(n.opType()) + ") cannot run in integers in ONNX Runtime; the integer-only export"
                        + " takes " + new TreeSet<>(OPS) + " (and any op writing a graph output); use quantized: qdq");
            }
        }
        List<WeightedLayer> layers = WeightedLayers.of(graph);
        if (layers.stream().anyMatch(l -> WeightedLayers.quantizedValues(graph, l.source()))) {
            for (WeightedLayer l : layers) {
                if (!l.quantized() && !WeightedLayers.quantizedValues(graph, l.source())) {
                    throw new RecipeException(at, "quantized: integer: node " + Quote.single(l.node().name()) + " ("
                            + l.node().opType() + ") stays float after the quantize stage (weight "
                            + Quote.single(l.source()) + " is not selected), so ONNX Runtime would compute it in"
                            + " float; quantize every layer for an integer-only export, or use quantized: qdq");
                }
            }
        }
    }
}
