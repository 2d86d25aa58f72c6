package dev.condense.engine.graph;

import dev.condense.api.model.Node;
import java.util.Objects;

/**
 * One weighted layer of a graph: a Gemm, MatMul, Conv or ConvTranspose node whose weight (input 1) is a stored
 * tensor, either an initializer read directly or the output of a {@code DequantizeLinear} whose inputs are all
 * initializers. Found by {@link WeightedLayers}, the one definition every finder (prunable layers, unit groups, layer
 * cost, channel dependencies, ...) uses.
 *
 * <p>Invariants: {@code weight} is {@code node.inputs().get(1)}; {@code source} is an initializer of the graph, equal
 * to {@code weight} when {@code dequantize} is null and to {@code dequantize.inputs().get(0)} otherwise; its shape
 * is the weight's shape ({@code [out, in]} or {@code [in, out]} for Gemm/MatMul, {@code [outC, inC/group, kH, kW]}
 * for Conv, {@code [inC, outC/group, kH, kW]} for ConvTranspose).
 *
 * @param node        the layer's node
 * @param kind        its op kind
 * @param weight      the float weight tensor the node reads (input 1)
 * @param source      the initializer that stores the weight's values
 * @param dequantize  the {@code DequantizeLinear} between {@code source} and {@code weight}, or null
 * @param bias        the bias initializer (input 2 of Gemm/Conv/ConvTranspose), or null when absent or computed
 */
public record WeightedLayer(Node node, Kind kind, String weight, String source, Node dequantize, String bias) {

    /** The op kinds that carry a weight. */
    public enum Kind {
        GEMM("Gemm"), MATMUL("MatMul"), CONV("Conv"), CONV_TRANSPOSE("ConvTranspose");

        private final String opType;

        Kind(String opType) {
            this.opType = opType;
        }

        /** The ONNX op type. */
        public String opType() {
            return opType;
        }

        /** The kind of {@code opType}, or null when the op carries no weight. */
        public static Kind of(String opType) {
            for (Kind k : values()) {
                if (k.opType.equals(opType)) {
                    return k;
                }
            }
            return null;
        }
    }

    public WeightedLayer {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(source, "source");
        if (dequantize == null && !source.equals(weight)) {
            throw new IllegalArgumentException("a weight read directly is its own source: " + weight + " vs " + source);
        }
    }

    /** True when the weight is stored quantized and read through a {@code DequantizeLinear}. */
    public boolean quantized() {
        return dequantize != null;
    }

    /** The node's name. */
    public String name() {
        return node.name();
    }
}
