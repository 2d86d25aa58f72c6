package dev.condense.kernel.stage.prune;

import dev.condense.api.model.ModelGraph;
import dev.condense.api.prune.Granularity;
import dev.condense.kernel.recipe.SparsityRule;
import dev.condense.kernel.stage.Trainings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * What {@code condense validate} prints for a prune stage, on the graph it receives and the graph it is predicted to
 * produce: a header ({@code prune: magnitude, element, mask, one-shot}), then one line per targeted layer with its
 * shape and target ({@code fc1 300x784 -> 90% (23,520 kept)} when masking elements, {@code fc1 300x784 -> 150x784}
 * when removing), then any other weight whose shape the removal changes.
 */
final class PruneLines {
    private PruneLines() {
    }

    static List<String> of(PruneStep p, ModelGraph before, ModelGraph after, Map<String, Double> targets) {
        List<String> lines = new ArrayList<>();
        lines.add("prune: " + p.scorer().id() + ", " + p.granularity().name().toLowerCase(Locale.ROOT) + ", "
                + p.structured().id() + ", " + schedule(p.schedule()));
        if (p.sparsity().global().isPresent()) {
            SparsityRule.Global g = p.sparsity().global().get();
            lines.add(String.format(Locale.ROOT, "global ranking to %s overall, floor %s per layer, over %s; the split"
                    + " between layers is decided by the scores when the stage runs", percent(g.sparsity()),
                    Trainings.number(g.floor()), targets.keySet().stream().map(l -> l + " " + shape(before, l))
                            .collect(Collectors.joining(", "))));
            return lines;
        }
        for (Map.Entry<String, Double> t : targets.entrySet()) {
            String layer = t.getKey();
            String was = shape(before, layer);
            String target;
            if (p.removes()) {
                target = shape(after, layer) + (unitsShrink(before, after, layer, p.granularity())
                        ? " (" + percent(t.getValue()) + " of its " + unit(p.granularity()) + "s removed)"
                        : " (target " + percent(t.getValue()) + ", but its " + unit(p.granularity()) + "s stay: they are"
                                + " coupled to tensors that cannot shrink)");
            } else if (p.granularity() == Granularity.ELEMENT) {
                long n = before.initializers().get(layer).length();
                long kept = n - (long) Math.floor(t.getValue() * n);
                target = String.format(Locale.ROOT, "%s (%,d kept)", percent(t.getValue()), kept);
            } else {
                target = percent(t.getValue()) + " of its " + unit(p.granularity()) + "s masked";
            }
            lines.add(layer + " " + was + " -> " + target);
        }
        for (String layer : PrunableLayers.of(after)) {
            if (!targets.containsKey(layer) && before.initializers().containsKey(layer)
                    && !shape(before, layer).equals(shape(after, layer))) {
                lines.add(layer + " " + shape(before, layer) + " -> " + shape(after, layer) + " (coupled)");
            }
        }
        return lines;
    }

    /**
     * True when {@code layer}'s own units shrink: its output axis (0) for filters and neurons, its input axis (1) for
     * channels. A targeted layer can keep its units and still change shape when a coupled layer's removal reaches it.
     */
    private static boolean unitsShrink(ModelGraph before, ModelGraph after, String layer, Granularity g) {
        int axis = g == Granularity.CHANNEL ? 1 : 0;
        return after.initializers().get(layer).size(axis) < before.initializers().get(layer).size(axis);
    }

    private static String unit(Granularity g) {
        return g.name().toLowerCase(Locale.ROOT);
    }

    private static String schedule(Schedule s) {
        String ft = s.finetune().map(f -> ", fine-tuning " + Trainings.describe(f)).orElse("");
        if (s instanceof Schedule.Agp a) {
            return "agp x" + a.steps() + ft;
        }
        return (s.steps() == 1 ? "one-shot" : "iterative x" + s.steps()) + ft;
    }

    /** {@code 90%}, {@code 92.5%}. */
    static String percent(double fraction) {
        return Trainings.number(Math.round(fraction * 1e6) / 1e4) + "%";
    }

    /** A weight's shape as {@code 300x784}. */
    static String shape(ModelGraph g, String tensor) {
        return LongStream.of(g.initializers().get(tensor).shape()).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }
}
