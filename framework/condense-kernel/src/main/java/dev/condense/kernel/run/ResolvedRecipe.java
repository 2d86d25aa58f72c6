package dev.condense.kernel.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.condense.kernel.plan.CustomStep;
import dev.condense.kernel.plan.DistillStep;
import dev.condense.kernel.plan.EvaluateStep;
import dev.condense.kernel.plan.ExportStep;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.PlannedStage;
import dev.condense.kernel.plan.PruneStep;
import dev.condense.kernel.plan.TrainStep;
import dev.condense.kernel.recipe.LayerPattern;
import dev.condense.kernel.recipe.Schedule;
import dev.condense.api.train.LrSchedule;
import dev.condense.api.train.OptimizerSpec;
import dev.condense.api.train.TrainSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the plan as a recipe with every default filled in and every extension's params bound, so a run's output
 * says exactly what was done, independent of later changes to defaults.
 */
public final class ResolvedRecipe {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ResolvedRecipe() {
    }

    static void write(Plan plan, Path file) throws IOException {
        YAML.writeValue(file.toFile(), toMap(plan));
    }

    /** The resolved recipe as YAML text. */
    public static String yaml(Plan plan) {
        try {
            return YAML.writeValueAsString(toMap(plan));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the plan", e);
        }
    }

    static Map<String, Object> toMap(Plan plan) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("recipe", plan.name());
        r.put("seed", plan.seed());
        r.put("model", plan.model().zooId().<Object>map(z -> Map.of("zoo", z))
                .orElseGet(() -> Map.of("file", plan.model().modelFile().orElseThrow().toString())));
        plan.data().ifPresent(d -> r.put("data", ordered("dataset", d.dataset(), "validation", d.validation(),
                "train-limit", d.trainLimit(), "test-limit", d.testLimit())));
        List<Object> stages = new ArrayList<>();
        for (PlannedStage s : plan.stages()) {
            stages.add(Map.of(s.kind(), body(s)));
        }
        r.put("stages", stages);
        r.put("output", Map.of("dir", plan.outputDir().toString()));
        return r;
    }

    private static Object body(PlannedStage s) {
        if (s instanceof TrainStep t) {
            return train(t.spec());
        }
        if (s instanceof DistillStep d) {
            return ordered("teacher", Map.of("file", d.teacher().modelFile().orElseThrow().toString()),
                    "loss", Map.of(d.loss().id(), recordToMap(d.lossParams())), "train", train(d.spec()));
        }
        if (s instanceof PruneStep p) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scorer", Map.of(p.scorer().id(), recordToMap(p.scorerParams())));
            m.put("granularity", p.granularity().name().toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> sparsity = new LinkedHashMap<>();
            p.sparsity().selectors().forEach(sel -> sparsity.put(sel.selector(), sel.sparsity()));
            p.sparsity().defaultSparsity().ifPresent(d -> sparsity.put("default", d));
            p.sparsity().global().ifPresent(gl -> {
                sparsity.put("global", gl.sparsity());
                sparsity.put("floor", gl.floor());
            });
            m.put("sparsity", sparsity);
            m.put("schedule", schedule(p.schedule()));
            if (p.granularity() != dev.condense.api.prune.Granularity.ELEMENT) {
                m.put("structured", p.structured().id());
            }
            if (!p.layers().patterns().isEmpty()) {
                m.put("layers", ordered("include", p.layers().include().stream().map(LayerPattern::pattern).toList(),
                        "exclude", p.layers().exclude().stream().map(LayerPattern::pattern).toList()));
            }
            return m;
        }
        if (s instanceof EvaluateStep e) {
            return ordered("metrics", e.metrics(), "batch", e.batch(), "runtime", e.runtime(), "split", e.split());
        }
        if (s instanceof ExportStep x) {
            return Map.of("format", x.format());
        }
        return recordToMap(((CustomStep) s).params());
    }

    /** A map with the given key/value pairs in that order (Map.of iterates in a per-JVM random order). */
    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A params record as a recipe node: its components only (not other getters), with kebab-case keys. */
    static Map<String, Object> recordToMap(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var c : r.getClass().getRecordComponents()) {
            try {
                c.getAccessor().setAccessible(true);
                Object v = c.getAccessor().invoke(r);
                m.put(c.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT),
                        v instanceof Record nested ? recordToMap(nested) : v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getName(), e);
            }
        }
        return m;
    }

    private static Object schedule(Schedule s) {
        if (s instanceof Schedule.Iterative it) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", it.steps());
            m.put("ramp", it.ramp().name().toLowerCase(java.util.Locale.ROOT));
            it.finetune().ifPresent(ft -> m.put("finetune", train(ft)));
            return Map.of("iterative", m);
        }
        if (s instanceof Schedule.Agp agp) {
            return Map.of("agp", ordered("steps", agp.steps(), "start", agp.start(), "finetune", train(agp.finetuneSpec())));
        }
        return "one-shot";
    }

    private static Map<String, Object> train(TrainSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", t.epochs());
        m.put("batch", t.batch());
        OptimizerSpec o = t.optimizer();
        m.put("optimizer", Map.of(o.kind(), ordered("lr", o.lr(), "momentum", o.momentum(), "weight-decay", o.weightDecay())));
        m.put("limit", t.limit());
        LrSchedule s = t.schedule();
        if (!s.kind().equals("constant")) {
            m.put("lr-schedule", Map.of(s.kind(), s.kind().equals("step") ? ordered("every", s.stepEpochs(), "gamma", s.gamma())
                    : ordered("min-lr", s.minLr())));
        }
        if (t.augment().active()) {
            m.put("augment", Map.of("shift", t.augment().shift()));
        }
        return m;
    }
}
