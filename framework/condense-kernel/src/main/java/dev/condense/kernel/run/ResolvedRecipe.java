package dev.condense.kernel.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.condense.kernel.plan.CustomStep;
import dev.condense.kernel.plan.EvaluateStep;
import dev.condense.kernel.plan.ExportStep;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.plan.PlannedStage;
import dev.condense.kernel.plan.PruneStep;
import dev.condense.kernel.plan.TrainStep;
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
final class ResolvedRecipe {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ResolvedRecipe() {
    }

    static void write(Plan plan, Path file) throws IOException {
        YAML.writeValue(file.toFile(), toMap(plan));
    }

    static Map<String, Object> toMap(Plan plan) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("recipe", plan.name());
        r.put("seed", plan.seed());
        r.put("model", plan.model().zooId().<Object>map(z -> Map.of("zoo", z))
                .orElseGet(() -> Map.of("file", plan.model().modelFile().orElseThrow().toString())));
        plan.data().ifPresent(d -> r.put("data", Map.of("dataset", d.dataset(), "validation", d.validation(),
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
            return t.spec();
        }
        if (s instanceof PruneStep p) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scorer", Map.of(p.scorer().id(), p.scorerParams()));
            m.put("granularity", p.granularity().name().toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> sparsity = new LinkedHashMap<>();
            p.sparsity().selectors().forEach(sel -> sparsity.put(sel.selector(), sel.sparsity()));
            p.sparsity().defaultSparsity().ifPresent(d -> sparsity.put("default", d));
            m.put("sparsity", sparsity);
            m.put("schedule", p.schedule());
            return m;
        }
        if (s instanceof EvaluateStep e) {
            return Map.of("metrics", e.metrics(), "batch", e.batch(), "runtime", e.runtime());
        }
        if (s instanceof ExportStep x) {
            return Map.of("format", x.format());
        }
        return ((CustomStep) s).params();
    }
}
