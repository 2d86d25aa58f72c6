package dev.condense.kernel.recipe;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads the {@code sparsity} and {@code schedule} entries of a prune stage. */
final class SparsityParser {
    static final String DEFAULT_KEY = "default";
    private static final List<String> SCHEDULES = List.of("one-shot", "iterative");
    private static final List<String> ITERATIVE_KEYS = List.of("steps", "finetune", "ramp");
    private static final List<String> RAMPS = List.of("cubic", "linear");

    private SparsityParser() {
    }

    /** {@code 0.9} or {@code {default: 0.9, "re:fc.*": 0.8, fc1.weight: 0.95}}. */
    static SparsityRule read(NodeRef node) {
        if (node.node().isNumber()) {
            return new SparsityRule(List.of(), OptionalDouble.of(fraction(node)));
        }
        if (!node.node().isObject()) {
            throw node.fail("expected a number or a mapping of selectors for sparsity but found " + node.describe());
        }
        OptionalDouble defaultSparsity = OptionalDouble.empty();
        List<SparsityRule.Selector> selectors = new ArrayList<>();
        for (Iterator<String> it = node.node().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            NodeRef value = node.child(key);
            double s = fraction(value);
            if (key.equals(DEFAULT_KEY)) {
                defaultSparsity = OptionalDouble.of(s);
            } else {
                Location at = value.keyLocation();
                try {
                    selectors.add(new SparsityRule.Selector(key, s, at));
                } catch (IllegalArgumentException e) {
                    throw new RecipeException(at, e.getMessage(), e);
                }
            }
        }
        OptionalDouble d = defaultSparsity;
        return node.construct(() -> new SparsityRule(selectors, d));
    }

    private static double fraction(NodeRef value) {
        double s = value.asDouble();
        if (!(s >= 0 && s < 1)) {
            String what = value.name().equals("sparsity") ? "sparsity" : "sparsity of '" + value.name() + "'";
            throw value.fail(what + " must be in [0, 1), was " + value.node().asText());
        }
        return s;
    }

    /** {@code one-shot} or {@code {iterative: {steps, finetune, ramp}}}. */
    static Schedule schedule(NodeRef node) {
        Map.Entry<String, Optional<NodeRef>> entry = node.singleEntry("a schedule");
        String kind = entry.getKey();
        Location at = node.node().isTextual() ? node.location() : node.tree().keyAt(LocatedTree.child(node.pointer(), kind));
        if (kind.equals("one-shot")) {
            entry.getValue().ifPresent(b -> b.expectObject(List.of()));
            return new Schedule.OneShot();
        }
        if (!kind.equals("iterative")) {
            throw new RecipeException(at, "unknown schedule '" + kind + "'" + Suggestions.hint(kind, SCHEDULES)
                    + "; one of: " + String.join(", ", SCHEDULES));
        }
        NodeRef body = entry.getValue().orElseThrow(() -> new RecipeException(at,
                "missing required key 'steps' in iterative"));
        body.expectObject(ITERATIVE_KEYS);
        int steps = body.required("steps").asInt(1, 1000);
        Schedule.Ramp ramp = body.optional("ramp").map(SparsityParser::ramp).orElse(Schedule.Ramp.CUBIC);
        return new Schedule.Iterative(steps, body.optional("finetune").map(TrainParser::read), ramp);
    }

    private static Schedule.Ramp ramp(NodeRef node) {
        String value = node.asText();
        if (!RAMPS.contains(value)) {
            throw node.fail("unknown ramp '" + value + "'" + Suggestions.hint(value, RAMPS) + "; one of: "
                    + String.join(", ", RAMPS));
        }
        return Schedule.Ramp.valueOf(value.toUpperCase());
    }
}
