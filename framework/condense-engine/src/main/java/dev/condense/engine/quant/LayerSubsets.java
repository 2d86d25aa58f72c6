package dev.condense.engine.quant;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.quant.Calibrator.ClipRange;
import dev.condense.engine.graph.WeightedLayer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One quantization recipe applied to any subset of a float graph's layers: {@link #quantize} returns the graph with
 * exactly the layers named in the set quantized (by weight initializer, {@link WeightedLayer#source()}) and the others
 * left float. What sensitivity analysis and fallback search vary.
 */
@FunctionalInterface
public interface LayerSubsets {

    /**
     * @param quantized names of the layers to quantize (a subset of the layers the instance was made for)
     * @return the graph with those layers quantized, everything else as in the float graph
     */
    ModelGraph quantize(Set<String> quantized);

    /**
     * Static mode: each subset gets its own {@link QdqPlacement} and {@link StaticQuantization}, with activation
     * ranges taken from {@code ranges}, which must cover every tensor of {@code QdqPlacement.of(graph, layers)}
     * (placements grow with the layer set, so a subset's tensors are among those; the ranges of a float model do
     * not depend on which layers are later quantized). The full set gives exactly the stage's usual result.
     */
    static LayerSubsets ofStatic(ModelGraph graph, List<WeightedLayer> layers, Map<String, ClipRange> ranges,
                                 int activationBits, boolean activationSymmetric,
                                 StaticQuantization.WeightOptions weights) {
        return ofStatic(graph, layers, ranges, activationBits, activationSymmetric, StaticQuantization.grids(weights));
    }

    /** As above, each weight's grid from {@code weights} (per-layer overrides, a quantizer extension). */
    static LayerSubsets ofStatic(ModelGraph graph, List<WeightedLayer> layers, Map<String, ClipRange> ranges,
                                 int activationBits, boolean activationSymmetric, StaticQuantization.Grids weights) {
        return names -> {
            List<WeightedLayer> chosen = select(layers, names);
            return StaticQuantization.apply(graph, chosen, QdqPlacement.of(graph, chosen), ranges, activationBits,
                    activationSymmetric, weights);
        };
    }

    /** Dynamic mode ({@link DynamicQuantization}) on the named layers. */
    static LayerSubsets ofDynamic(ModelGraph graph, List<WeightedLayer> layers,
                                  StaticQuantization.WeightOptions weights) {
        return ofDynamic(graph, layers, StaticQuantization.grids(weights));
    }

    /** As above, each weight's grid from {@code weights}. */
    static LayerSubsets ofDynamic(ModelGraph graph, List<WeightedLayer> layers, StaticQuantization.Grids weights) {
        return names -> DynamicQuantization.apply(graph, select(layers, names), weights);
    }

    private static List<WeightedLayer> select(List<WeightedLayer> layers, Set<String> names) {
        List<WeightedLayer> chosen = layers.stream().filter(l -> names.contains(l.source())).toList();
        if (chosen.stream().map(WeightedLayer::source).distinct().count() != names.size()) {
            throw new IllegalArgumentException("unknown layers in " + names + "; layers: "
                    + layers.stream().map(WeightedLayer::source).toList());
        }
        return chosen;
    }
}
