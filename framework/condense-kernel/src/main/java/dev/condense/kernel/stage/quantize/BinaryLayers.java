package dev.condense.kernel.stage.quantize;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.model.Node;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.graph.WeightedLayers;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.RecipeException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which layers {@code mode: binary} binarizes and which tensors get a {@code Sign}: the float Conv, Gemm and MatMul
 * layers (graph order) selected by {@code layers}, minus the model's first and last weighted layers unless
 * {@code include-first-last}; each binarized layer's input (input 0) is binarized. Layers whose weight carries an annotation (quantized, float16 or
 * pruned) are not candidates. Located errors (at the stage) for a
 * pattern matching nothing, an empty selection, a weight of rank below 2, an input that is a ReLU output (through
 * MaxPool, Flatten or Reshape: its sign is 0 or 1, not +-1), and an input also read by a layer that stays float
 * (the Sign replaces the tensor for every reader).
 *
 * @param layers      the binarized layers, in graph order
 * @param weights     their weight initializers
 * @param activations their input tensors
 * @param keptFloat   the first and last layers left in float by default (empty with include-first-last)
 */
record BinaryLayers(List<WeightedLayer> layers, Set<String> weights, Set<String> activations, List<String> keptFloat) {
    private static final Set<String> PASS_THROUGH = Set.of("MaxPool", "Flatten", "Reshape", "Identity");

    static BinaryLayers select(ModelGraph graph, BinaryQuantizeSpec spec) {
        List<WeightedLayer> all = WeightedLayers.stored(graph).stream()
                .filter(l -> l.kind() != WeightedLayer.Kind.CONV_TRANSPOSE && l.dequantize() == null
                        && graph.annotations().getOrDefault(l.source(), List.of()).isEmpty())
                .toList();
        List<String> names = all.stream().map(WeightedLayer::source).distinct().toList();
        spec.layers().requireMatches(names, "layers", "float layer", "layers");
        List<String> kept = spec.includeFirstLast() || all.isEmpty() ? List.of()
                : List.copyOf(new LinkedHashSet<>(List.of(all.get(0).source(), all.get(all.size() - 1).source())));
        List<WeightedLayer> chosen = all.stream()
                .filter(l -> spec.layers().test(l.source()) && !kept.contains(l.source())).toList();
        if (chosen.isEmpty()) {
            throw new RecipeException(spec.location(), "quantize: mode binary has no layer to binarize"
                    + (kept.isEmpty() ? "" : " (the first and last layers " + String.join(", ", kept)
                    + " stay float; binary: {include-first-last: true} binarizes them too)"));
        }
        Set<String> weights = new LinkedHashSet<>();
        Set<String> activations = new LinkedHashSet<>();
        for (WeightedLayer l : chosen) {
            long[] shape = graph.initializers().get(l.source()).shape();
            if (shape.length < 2) {
                throw new RecipeException(spec.location(), "quantize: weight " + Quote.single(l.source())
                        + " has shape " + Arrays.toString(shape) + ", no output channel to scale; exclude it");
            }
            weights.add(l.source());
            activations.add(l.node().inputs().get(0));
        }
        for (String t : activations) {
            check(graph, t, chosen, spec);
        }
        return new BinaryLayers(chosen, Set.copyOf(weights), Set.copyOf(activations), kept);
    }

    private static void check(ModelGraph graph, String input, List<WeightedLayer> chosen, BinaryQuantizeSpec spec) {
        for (Node reader : graph.consumers(input)) {
            if (chosen.stream().noneMatch(l -> l.node().equals(reader))) {
                throw new RecipeException(spec.location(), "quantize: the input " + Quote.single(input)
                        + " of a binarized layer is also read by " + reader.opType() + " " + Quote.single(reader.name())
                        + ", which would then read its sign; binarize that layer too or exclude the others");
            }
        }
        String t = input;
        Optional<Node> p = graph.producer(t);
        while (p.isPresent() && PASS_THROUGH.contains(p.get().opType())) {
            t = p.get().inputs().get(0);
            p = graph.producer(t);
        }
        if (p.isPresent() && p.get().opType().equals("Relu")) {
            throw new RecipeException(spec.location(), "quantize: the input " + Quote.single(input)
                    + " of a binarized layer comes from Relu " + Quote.single(p.get().name()) + ": its sign is 0 or 1,"
                    + " not -1 or +1; binarize layers whose inputs can be negative (XNOR-Net binarizes the"
                    + " pre-activation) or exclude this one");
        }
    }
}
