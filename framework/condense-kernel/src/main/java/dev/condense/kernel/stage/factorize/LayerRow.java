package dev.condense.kernel.stage.factorize;

import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One selected layer of a {@code factorize} stage, as the preview and the report show it.
 *
 * @param layer      the layer
 * @param shape      its weight's shape as the decomposition saw it ({@code [out, in]} or {@code [out, in, kH, kW]})
 * @param ranks      the ranks per factorized mode ({@code [r]}, or {@code [r1, r2]} for Tucker-2)
 * @param macsBefore MACs per sample of the layer
 * @param macsAfter  MACs per sample of its factors, or {@code macsBefore} when skipped
 * @param skipped    why it was left as it is, or null
 */
record LayerRow(WeightedLayer layer, long[] shape, long[] ranks, long macsBefore, long macsAfter, String skipped) {

    String node() {
        return layer.node().name();
    }

    String weight() {
        return layer.source();
    }

    static String join(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(", "));
    }

    String describe() {
        return Quote.single(weight()) + " " + Arrays.toString(shape) + (ranks.length == 1 ? " rank " : " ranks ")
                + join(ranks) + ": " + (skipped == null ? "MACs " + macsBefore + " -> " + macsAfter
                : "skipped, " + skipped);
    }

    Map<String, Object> toMap() {
        List<Long> s = Arrays.stream(shape).boxed().toList();
        Object r = ranks.length == 1 ? (Object) ranks[0] : Arrays.stream(ranks).boxed().toList();
        Map<String, Object> m = new LinkedHashMap<>(ResolvedBodies.ordered("layer", weight(), "node", node(),
                "shape", s, ranks.length == 1 ? "rank" : "ranks", r, "macs_before", macsBefore,
                "macs_after", macsAfter));
        if (skipped != null) {
            m.put("skipped", skipped);
        }
        return m;
    }
}
