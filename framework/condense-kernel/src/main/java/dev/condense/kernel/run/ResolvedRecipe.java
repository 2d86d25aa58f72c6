package dev.condense.kernel.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.condense.kernel.plan.Plan;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.ResolvedBodies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the plan as a recipe with every default filled in and every extension's params bound, so a run's output
 * says exactly what was done, independent of later changes to defaults. Each stage writes its own body
 * ({@link PlannedStage#resolvedBody()}).
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
        return yaml(plan, plan.stages().size());
    }

    /**
     * The resolved recipe with only its first {@code stages} stages (the part of the plan a checkpoint after that many
     * stages depends on).
     */
    public static String yaml(Plan plan, int stages) {
        try {
            return YAML.writeValueAsString(toMap(plan, stages));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the plan", e);
        }
    }

    static Map<String, Object> toMap(Plan plan) {
        return toMap(plan, plan.stages().size());
    }

    static Map<String, Object> toMap(Plan plan, int count) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("recipe", plan.name());
        r.put("seed", plan.seed());
        r.put("model", plan.model().zooId().<Object>map(z -> Map.of("zoo", z))
                .or(() -> plan.model().textEncoder().map(e -> Map.of("encoder", ResolvedBodies.ordered("source",
                        e.source(), "sequence-length", e.sequenceLength(), "classes", e.classes(), "layers", e.layers(),
                        "intermediate", e.intermediate()))))
                .orElseGet(() -> Map.of("file", plan.model().modelFile().orElseThrow().toString())));
        plan.data().ifPresent(d -> {
            Map<String, Object> data = d.splitSeed() == null
                    ? ResolvedBodies.ordered("dataset", d.dataset(), "validation", d.validation(),
                            "train-limit", d.trainLimit(), "test-limit", d.testLimit())
                    : ResolvedBodies.ordered("dataset", d.dataset(), "validation", d.validation(),
                            "train-limit", d.trainLimit(), "test-limit", d.testLimit(), "split-seed", d.splitSeed());
            if (d.longPairs() != null) {
                data = new LinkedHashMap<>(data);
                data.put("long-pairs", d.longPairs());
            }
            if (d.fraction() != null) {
                data = new LinkedHashMap<>(data);
                data.put("fraction", d.fraction());
            }
            if (d.rationales() != null) {
                data = new LinkedHashMap<>(data);
                data.put("rationales", d.rationales());
            }
            r.put("data", data);
        });
        List<Object> stages = new ArrayList<>();
        for (PlannedStage s : plan.stages().subList(0, count)) {
            stages.add(Map.of(s.kind(), s.resolvedBody()));
        }
        r.put("stages", stages);
        r.put("output", Map.of("dir", plan.outputDir().toString()));
        return r;
    }
}
