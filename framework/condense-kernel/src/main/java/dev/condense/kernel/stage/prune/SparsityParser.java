package dev.condense.kernel.stage.prune;

import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.recipe.SparsityRule;
import dev.condense.kernel.recipe.TrainParser;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.LocatedTree;
import dev.condense.kernel.recipe.Suggestions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads the {@code sparsity} and {@code schedule} entries of a prune stage. */
final class SparsityParser {
    static final String DEFAULT_KEY = "default";
    static final String GLOBAL_KEY = "global";
    private static final List<String> GLOBAL_KEYS = List.of(GLOBAL_KEY, "floor");
    private static final List<String> SCHEDULES = List.of("one-shot", "iterative", "agp");
    private static final List<String> AGP_KEYS = List.of("steps", "finetune", "start");
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
        if (node.node().has(GLOBAL_KEY)) {
            return global(node);
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

    /** {@code {global: 0.9, floor: 0.2}}; floor defaults to 0. */
    private static SparsityRule global(NodeRef node) {
        node.expectObject(GLOBAL_KEYS);
        double s = fraction(node.required(GLOBAL_KEY));
        double floor = node.optional("floor").map(f -> {
            double v = f.asDouble();
            if (!(v >= 0 && v <= 1)) {
                throw f.fail("floor must be in [0, 1], was " + f.node().asText());
            }
            return v;
        }).orElse(0.0);
        return node.construct(() -> SparsityRule.global(s, floor));
    }

    private static double fraction(NodeRef value) {
        double s = value.asDouble();
        if (!(s >= 0 && s < 1)) {
            String what = value.name().equals("sparsity") ? "sparsity" : "sparsity of " + Quote.single(value.name());
            throw value.fail(what + " must be in [0, 1), was " + value.node().asText());
        }
        return s;
    }

    /** {@code one-shot}, {@code {iterative: {steps, finetune, ramp}}} or {@code {agp: {steps, finetune, start}}}. */
    static Schedule schedule(NodeRef node) {
        Map.Entry<String, Optional<NodeRef>> entry = node.singleEntry("a schedule");
        String kind = entry.getKey();
        Location at = node.node().isTextual() ? node.location() : node.tree().keyAt(LocatedTree.child(node.pointer(), kind));
        if (kind.equals("one-shot")) {
            entry.getValue().ifPresent(b -> b.expectObject(List.of()));
            return new Schedule.OneShot();
        }
        if (kind.equals("agp")) {
            return agp(entry.getValue().orElseThrow(() -> new RecipeException(at, "missing required key 'steps' in agp")));
        }
        if (!kind.equals("iterative")) {
            throw new RecipeException(at, "unknown schedule " + Quote.single(kind) + Suggestions.hint(kind, SCHEDULES)
                    + "; one of: " + String.join(", ", SCHEDULES));
        }
        NodeRef body = entry.getValue().orElseThrow(() -> new RecipeException(at,
                "missing required key 'steps' in iterative"));
        body.expectObject(ITERATIVE_KEYS);
        int steps = body.required("steps").asInt(1, 1000);
        Schedule.Ramp ramp = body.optional("ramp").map(SparsityParser::ramp).orElse(Schedule.Ramp.CUBIC);
        return new Schedule.Iterative(steps, body.optional("finetune").map(TrainParser::read), ramp);
    }

    /** {@code {agp: {steps, finetune, start: 0}}}; finetune is required (AGP prunes between training phases). */
    private static Schedule agp(NodeRef body) {
        body.expectObject(AGP_KEYS);
        int steps = body.required("steps").asInt(1, 1000);
        var finetune = TrainParser.read(body.required("finetune"));
        double start = body.optional("start").map(SparsityParser::fraction).orElse(0.0);
        return body.construct(() -> new Schedule.Agp(steps, finetune, start));
    }

    private static Schedule.Ramp ramp(NodeRef node) {
        String value = node.asText();
        if (!RAMPS.contains(value)) {
            throw node.fail("unknown ramp " + Quote.single(value) + Suggestions.hint(value, RAMPS) + "; one of: "
                    + String.join(", ", RAMPS));
        }
        return Schedule.Ramp.valueOf(value.toUpperCase());
    }
}
