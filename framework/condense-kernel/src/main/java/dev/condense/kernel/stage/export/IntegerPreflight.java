package dev.condense.kernel.stage.export;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.RecipeException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The check {@code export: {quantized: integer}} makes on the graph it will receive, before any stage runs: every
 * node is an op the integer-only rewrite can put in integers (Conv, Gemm, MatMul, Add, GlobalAveragePool, MaxPool,
 * Relu, Flatten, Reshape, Identity, BatchNormalization, which a quantize stage folds) or the input's preprocessing
 * (Sub, Div, Mul), unless it writes a graph output (postprocessing after the output's dequantize, e.g. Softmax). Which
 * layers a quantize stage leaves in float is known only when it has run; the rewrite checks that again, by node.
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
    }
}
