package dev.condense.kernel.stage.prune;

import dev.condense.api.prune.Granularity;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.stage.ResolvedBodies;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A prune stage's body in recipe.resolved.yaml: scorer with every params component, granularity, sparsity (selectors
 * in order, then default, or global with floor), schedule with its fine-tuning spelled out, {@code structured} at
 * unit granularities and {@code layers} when given. The key order is fixed: the resolved recipe's hash guards
 * {@code --resume}.
 */
final class PruneResolved {
    private PruneResolved() {
    }

    static Map<String, Object> body(PruneStep p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scorer", Map.of(p.scorer().id(), ResolvedBodies.recordToMap(p.scorerParams())));
        m.put("granularity", p.granularity().name().toLowerCase(Locale.ROOT));
        Map<String, Object> s = new LinkedHashMap<>();
        p.sparsity().selectors().forEach(sel -> s.put(sel.selector(), sel.sparsity()));
        p.sparsity().defaultSparsity().ifPresent(d -> s.put("default", d));
        p.sparsity().global().ifPresent(gl -> {
            s.put("global", gl.sparsity());
            s.put("floor", gl.floor());
        });
        m.put("sparsity", s);
        m.put("schedule", schedule(p.schedule()));
        if (p.granularity() != Granularity.ELEMENT) {
            m.put("structured", p.structured().id());
        }
        if (!p.layers().patterns().isEmpty()) {
            m.put("layers", ResolvedBodies.ordered("include", p.layers().include().stream().map(LayerPattern::pattern).toList(),
                    "exclude", p.layers().exclude().stream().map(LayerPattern::pattern).toList()));
        }
        return m;
    }

    private static Object schedule(Schedule schedule) {
        if (schedule instanceof Schedule.Iterative it) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", it.steps());
            m.put("ramp", it.ramp().name().toLowerCase(Locale.ROOT));
            it.finetune().ifPresent(ft -> m.put("finetune", ResolvedBodies.train(ft)));
            return Map.of("iterative", m);
        }
        if (schedule instanceof Schedule.Agp agp) {
            return Map.of("agp", ResolvedBodies.ordered("steps", agp.steps(), "start", agp.start(), "finetune",
                    ResolvedBodies.train(agp.finetuneSpec())));
        }
        return "one-shot";
    }
}
