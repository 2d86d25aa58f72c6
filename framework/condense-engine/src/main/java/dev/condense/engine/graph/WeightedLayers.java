package dev.condense.engine.graph;

import dev.condense.api.model.AffineQuantization;
import dev.condense.api.model.Codebook;
import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one definition of "a weighted layer" ({@link WeightedLayer}): a Gemm, MatMul, Conv or ConvTranspose whose
 * input 1 is an initializer, or the output of a {@code DequantizeLinear} whose non-empty inputs (quantized values,
 * scale, zero point) are all initializers. A weight computed any other way (a Transpose of an initializer, a graph
 * input) is not stored, so the layer is not weighted.
 *
 * <p>Finders that change weight values (pruning, channel slicing) keep to {@link #stored}, the layers whose weight
 * is a float initializer read directly and carries no quantization annotation ({@link AffineQuantization},
 * {@link Codebook}: its values must stay on their grid or codebook); quantized weights, annotated or behind a
 * DequantizeLinear, are reported by {@link #of} for accounting.
 */
public final class WeightedLayers {
    private static final String DEQUANTIZE = "DequantizeLinear";

    private WeightedLayers() {
    }

    /** Every weighted layer of {@code g}, in graph order (one per node; nodes may share a weight). */
    public static List<WeightedLayer> of(ModelGraph g) {
        Map<String, Node> producers = new HashMap<>();
        for (Node n : g.nodes()) {
            n.outputs().forEach(o -> producers.put(o, n));
        }
        List<WeightedLayer> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            WeightedLayer.Kind kind = WeightedLayer.Kind.of(n.opType());
            if (kind == null || n.inputs().size() < 2) {
                continue;
            }
            String w = n.inputs().get(1);
            Node dq = null;
            String source = w;
            if (!g.initializers().containsKey(w)) {
                dq = storedDequantize(g, producers.get(w));
                if (dq == null) {
                    continue;
                }
                source = dq.inputs().get(0);
            }
            String bias = kind != WeightedLayer.Kind.MATMUL && n.inputs().size() > 2
                    && g.initializers().containsKey(n.inputs().get(2)) ? n.inputs().get(2) : null;
            out.add(new WeightedLayer(n, kind, w, source, dq, bias));
        }
        return out;
    }

    /**
     * The weighted layers of {@code g} whose weight is a float initializer read directly and not annotated as
     * quantized.
     */
    public static List<WeightedLayer> stored(ModelGraph g) {
        return of(g).stream().filter(l -> !l.quantized() && !quantizedValues(g, l.source())).toList();
    }

    /** True when initializer {@code tensor} carries an affine quantization or a codebook. */
    public static boolean quantizedValues(ModelGraph g, String tensor) {
        return g.annotation(tensor, AffineQuantization.class).isPresent()
                || g.annotation(tensor, Codebook.class).isPresent();
    }

    /** The weighted layer of node {@code n} in {@code g}, or null when {@code n} is not one. */
    public static WeightedLayer at(ModelGraph g, Node n) {
        return of(g).stream().filter(l -> l.node().equals(n)).findFirst().orElse(null);
    }

    private static Node storedDequantize(ModelGraph g, Node p) {
        if (p == null || !p.opType().equals(DEQUANTIZE) || p.inputs().isEmpty()) {
            return null;
        }
        boolean allStored = p.inputs().stream().allMatch(i -> i.isEmpty() || g.initializers().containsKey(i));
        return allStored && !p.inputs().get(0).isEmpty() ? p : null;
    }
}
