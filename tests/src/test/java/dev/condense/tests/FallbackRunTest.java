package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantize stage's sensitivity table and fallback search through the distribution: LeNet-5 on a slice of MNIST
 * with 2-bit per-tensor weights (far too coarse: the all-quantized model loses more than the tolerance), so the
 * search keeps layers in float; and the located errors of bad fallback options, before any work.
 */
class FallbackRunTest {
    private static final String RECIPE = """
            recipe: fallback
            seed: 5
            model: {zoo: lenet-5}
            data: {dataset: mnist, validation: 0.2, train-limit: 2000, test-limit: 500}
            stages:
              - train: {epochs: 1, batch: 64, optimizer: {adam: {lr: 2.0e-3}}}
              - quantize:
                  weights: {bits: 2, granularity: per-tensor}
                  activations: {rows: 256}
                  %s
              - evaluate: {metrics: [accuracy, size]}
              - export
            output: {dir: runs/fallback}
            """;

    @TempDir
    Path dir;

    @Test
    void theReportHasTheTableAndTheSearchAndTheBestModelIsExported() throws Exception {
        Path recipe = Recipes.write(dir, "fallback.yaml", RECIPE.formatted(
                "sensitivity: true\n      fallback: {max-drop: 1.0, rows: 300}"));
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/fallback");
        JsonNode q = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("stages").get(1);
        assertEquals("quantize", q.get("kind").asText());
        assertEquals(300, q.get("validation_rows").asInt());

        JsonNode table = q.get("sensitivity");
        assertEquals(4, table.size(), table.toString());
        Set<String> layers = new HashSet<>();
        table.forEach(row -> layers.add(row.get("layer").asText()));
        assertEquals(Set.of("conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight"), layers);
        for (int i = 1; i < table.size(); i++) {   // most sensitive first: leaving it float buys the most
            assertTrue(table.get(i - 1).get("all_but_accuracy").asDouble()
                    >= table.get(i).get("all_but_accuracy").asDouble(), table.toString());
        }

        JsonNode steps = q.get("fallback");
        assertEquals("all quantized", steps.get(0).get("action").asText());
        assertFalse(steps.get(0).get("within").asBoolean(), "2-bit weights cost more than a point: " + steps);
        assertEquals(table.get(0).get("layer").asText(), steps.get(1).get("float_layers").get(0).asText(),
                "the search starts with the most sensitive layer");
        JsonNode chosen = null;
        for (JsonNode s : steps) {
            if (s.get("chosen").asBoolean()) {
                assertEquals(null, chosen, "one step is returned");
                chosen = s;
            }
        }
        assertTrue(chosen != null, steps.toString());
        assertTrue(chosen.get("within").asBoolean() || q.has("fallback_warning"), q.toString());
        assertEquals(4 - chosen.get("float_layers").size(), q.get("layers").asInt());
        assertEquals(chosen.get("drop_points").asDouble(), q.get("fallback_drop_points").asDouble());

        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("## Quantize stage 2: sensitivity (ONNX Runtime, 300 validation rows"), md);
        assertTrue(md.contains("## Quantize stage 2: fallback search (max drop 1.0 points on 300 validation rows)"), md);
        assertTrue(md.contains("| 0 | all quantized (from the table) | none |"), md);
        assertTrue(md.contains("**returned**"), md);
        String resolved = Files.readString(out.resolve("recipe.resolved.yaml"));
        assertTrue(resolved.contains("max-drop: 1.0"), resolved);
        assertTrue(Files.exists(out.resolve("model.onnx")));
    }

    @Test
    void aFilterLeavingNoLayerThatCanStayFloatIsALocatedErrorBeforeAnyWork() throws Exception {
        assertRejected(RECIPE.formatted("fallback: {max-drop: 0.5, layers: {exclude: [\"re:.*\"]}}"), 10, 7,
                "fallback: no layer can stay float");
        assertRejected(RECIPE.formatted("fallback: {max-drop: 0.5, layers: {include: [fc9.weight]}}"), 10, 52,
                "fallback layers pattern 'fc9.weight' matches no layer this stage quantizes");
    }

    @Test
    void negativeMaxDropAndMissingValidationRowsAreLocatedErrors() throws Exception {
        assertRejected(RECIPE.formatted("fallback: {max-drop: -1}"), 10, 28, "must be >= 0, was -1");
        assertRejected(RECIPE.formatted("sensitivity: true").replace("validation: 0.2, ", ""), 10, 7,
                "sensitivity and fallback measure accuracy on validation rows", "data.validation");
    }

    /** {@code condense run}: exit 2, one located line, no stack trace, nothing written. */
    private void assertRejected(String text, int line, int column, String... fragments) throws Exception {
        Path recipe = Recipes.write(dir, "bad.yaml", text);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains(recipe + ":" + line + ":" + column + ":"), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "expected '" + f + "' in: " + r.err());
        }
        assertFalse(r.all().contains("\tat "), r.all());
        assertFalse(Files.exists(dir.resolve("runs")), "something was written under runs/");
    }
}
