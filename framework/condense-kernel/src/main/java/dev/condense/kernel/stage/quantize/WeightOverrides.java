package dev.condense.kernel.stage.quantize;

import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantize stage's {@code overrides}: per-layer weight options, e.g.
 * <pre>
 * overrides:
 *   conv1.weight: {bits: 8}                      # an exact weight (or node) name
 *   "re:fc.*": {granularity: per-tensor, symmetric: false}
 * </pre>
 * Each entry takes the keys of {@code weights} ({@code bits, granularity, symmetric, reduce-range}); keys it does not
 * write keep the stage's. The first entry naming a layer wins. Errors are located at the entry: a pattern that names
 * no quantizable layer, per-channel quantization of a weight without channels, bad values.
 */
final class WeightOverrides {
    private WeightOverrides() {
    }

    /** Reads the {@code overrides} mapping, each entry's unset keys taken from {@code defaults}. */
    static List<WeightOverride> read(NodeRef node, QuantizeStageSpec.Weights defaults) {
        if (!node.node().isObject() || node.node().isEmpty()) {
            throw node.fail("overrides maps layer names or re:REGEX to weight options, e.g. {conv1.weight: {bits: 8}},"
                    + " but found " + node.describe());
        }
        List<WeightOverride> out = new ArrayList<>();
        for (var it = node.node().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            NodeRef body = node.child(key);
            Location at = node.tree().keyAt(body.pointer());
            LayerPattern pattern;
            try {
                pattern = new LayerPattern(key, at);
            } catch (IllegalArgumentException e) {
                throw new RecipeException(at, e.getMessage(), e);
            }
            QuantizeStageSpec.Weights w = QuantizeKind.override(body, defaults);
            out.add(new WeightOverride(pattern, w));
        }
        return out;
    }

    /** @throws RecipeException at the first override pattern that names none of {@code layers} */
    static void requireMatches(QuantizeStageSpec spec, List<WeightedLayer> layers) {
        List<String> names = layers.stream().map(WeightedLayer::source).distinct().toList();
        for (WeightOverride o : spec.overrides()) {
            boolean hit = layers.stream().anyMatch(l -> o.pattern().matches(l.source())
                    || o.pattern().matches(l.node().name()));
            if (!hit) {
                throw new RecipeException(o.pattern().location(), "overrides pattern " + Quote.single(o.pattern()
                        .pattern()) + " matches no quantizable layer; layers: " + String.join(", ", names));
            }
        }
    }

    /** Where the options of {@code l} are written: its override's pattern, else the stage. */
    static Location locationFor(QuantizeStageSpec spec, WeightedLayer l) {
        return spec.overrides().stream().filter(o -> o.pattern().matches(l.source())
                || o.pattern().matches(l.node().name())).findFirst().map(o -> o.pattern().location())
                .orElse(spec.location());
    }

    /** Preview lines: each layer whose options differ from the stage's, with them. */
    static List<String> describe(QuantizeStageSpec spec, List<WeightedLayer> layers) {
        List<String> out = new ArrayList<>();
        for (WeightedLayer l : layers) {
            QuantizeStageSpec.Weights w = spec.weightsFor(l.source(), l.node().name());
            if (!w.equals(spec.weights())) {
                out.add("  override " + l.source() + ": " + text(w) + " weights");
            }
        }
        return out;
    }

    /** E.g. {@code 4-bit symmetric per-channel}. */
    static String text(QuantizeStageSpec.Weights w) {
        int bits = w.reduceRange() ? Math.min(7, w.bits()) : w.bits();
        return bits + "-bit " + (w.symmetric() ? "symmetric" : "asymmetric") + " "
                + (w.perChannel() ? "per-channel" : "per-tensor");
    }

    /** The resolved weights body: {@code bits, granularity, symmetric, reduce-range}. */
    static Map<String, Object> resolved(QuantizeStageSpec.Weights w) {
        return ResolvedBodies.ordered("bits", w.bits(), "granularity", w.perChannel() ? "per-channel" : "per-tensor",
                "symmetric", w.symmetric(), "reduce-range", w.reduceRange());
    }

    /** The resolved overrides: pattern to its full options, in order. */
    static Map<String, Object> resolvedOverrides(QuantizeStageSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        spec.overrides().forEach(o -> out.put(o.pattern().pattern(), resolved(o.weights())));
        return out;
    }
}
