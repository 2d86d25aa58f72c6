package dev.condense.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate stage's latency through the distribution: the same graph evaluated twice in one run is timed
 * interleaved with the run's input model, and every reported speed-up is within 5% of 1.0 at batch 1 and 128
 * (this checks the mechanism, which must hold on a loaded machine, not a speed); report.json and report.md carry
 * the ratio with its spread and verdict.
 */
class EvaluateLatencyTest {
    @TempDir
    Path dir;

    @Test
    void twoEvaluationsOfTheSameGraphReportARatioOfOne() throws Exception {
        Path recipe = Recipes.write(dir, "twice.yaml", """
                recipe: latency-twice
                seed: 5
                model: {zoo: lenet-5}
                stages:
                  - evaluate: {metrics: [size, latency]}
                  - evaluate: {metrics: [size, latency]}
                output: {dir: runs/twice}
                """);
        Cli.Result r = Cli.run(dir, "run", recipe.toString());
        assertEquals(0, r.exit(), r.all());
        Path out = dir.resolve("runs/twice");
        JsonNode evaluations = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("evaluations");
        assertEquals(2, evaluations.size());
        for (JsonNode e : evaluations) {
            assertEquals("input model", e.get("latency_reference").asText());
            for (String b : new String[] {"latency_b1", "latency_b128"}) {
                double ratio = e.get(b + "_speedup").asDouble();
                assertTrue(Math.abs(ratio - 1.0) <= 0.05, b + " of the same graph: " + e);
                assertTrue(e.get(b + "_speedup_q1").asDouble() <= ratio && ratio <= e.get(b + "_speedup_q3").asDouble(),
                        e.toString());
                assertTrue(e.get(b + "_rounds").asInt() >= 21, e.toString());
                String verdict = e.get(b + "_verdict").asText();
                assertTrue(verdict.equals("no measurable difference") || verdict.equals("spread too wide to call"),
                        b + " verdict: " + e);
            }
        }
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("timed interleaved with the input model"), md);
        assertTrue(md.contains("| 2:evaluate | 128 |"), md);
        assertTrue(r.out().contains("b128 speed-up vs input model"), r.out());
    }
}
