package dev.condense.kernel.run;

import dev.condense.kernel.stage.evaluate.Evaluator;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.engine.runtime.InterleavedLatency;
import dev.condense.engine.runtime.LatencyComparison;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The latency table of report.md, from planted timings through the evaluate stage's report keys. */
class ReportMarkdownTest {

    /** {@code rounds} rounds of 2 calls: reference {@code ref} ns, model {@code mod} ns in every call. */
    private static LatencyComparison planted(long ref, long mod, int rounds) {
        long[][] a = new long[rounds][];
        long[][] b = new long[rounds][];
        for (int r = 0; r < rounds; r++) {
            a[r] = new long[] {ref, ref};
            b[r] = new long[] {mod, mod};
        }
        return LatencyComparison.ofNanos(a, b);
    }

    @Test
    void latencyTableShowsMediansRatioSpreadAndVerdict() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("after", "3:evaluate");
        e.put("latency_intra_op_threads", 1);
        // wall clock 20 ms vs 10 ms under load; CPU time 12 ms vs 6 ms: a 2x speed-up from CPU time
        Evaluator.put(e, "latency_b128", new InterleavedLatency.Result(planted(20_000_000, 10_000_000, 5),
                planted(12_000_000, 6_000_000, 5), true));
        Evaluator.put(e, "latency_b1", new InterleavedLatency.Result(planted(100_000, 100_000, 5),
                planted(100_000, 100_000, 5), true));
        String md = ReportMarkdown.render(Map.of("recipe", "r", "evaluations", List.of(e)));
        assertTrue(md.contains("timed interleaved with the input model"), md);
        assertTrue(md.contains("| 3:evaluate | 128 | 10.0 | 20.0 | 6.0 / 12.0 | 2.00x | 2.00x-2.00x | 2.00x-2.00x | 2.00x | 5 | faster |"), md);
        assertTrue(md.contains("| 3:evaluate | 1 | 0.1 | 0.1 | 0.1 / 0.1 | 1.00x |"), md);
        assertTrue(md.contains("| no measurable difference |"), md);
        assertTrue(md.contains("| 3:evaluate | - | - |"), "no accuracy, no rows: " + md);
    }

    @Test
    void noLatencyTableWithoutLatency() {
        String md = ReportMarkdown.render(Map.of("recipe", "r", "evaluations", List.of(Map.of("after", "1:evaluate"))));
        assertFalse(md.contains("## Latency"), md);
    }

    @Test
    void factorizeLayersGetTheirOwnTable() {
        Map<String, Object> stage = new LinkedHashMap<>(Map.of("index", 4, "kind", "factorize", "seconds", 1.5));
        stage.put("layers", List.of(
                Map.of("layer", "b1.conv2.weight", "shape", List.of(32, 16, 3, 3), "ranks", List.of(8, 16),
                        "macs_before", 3612672, "macs_after", 1404928),
                Map.of("layer", "fc1.weight", "shape", List.of(10, 8), "rank", 8, "macs_before", 80, "macs_after",
                        80, "skipped", "rank 8 would need 144 MACs per sample, not fewer than 80")));
        String md = ReportMarkdown.render(Map.of("recipe", "r", "stages", List.of(stage)));
        assertTrue(md.contains("## Factorize stage 4: layers"), md);
        assertTrue(md.contains("| b1.conv2.weight | [32, 16, 3, 3] | [8, 16] | 3612672 -> 1404928 | - |"), md);
        assertTrue(md.contains("| fc1.weight | [10, 8] | 8 | 80 -> 80 | rank 8 would need"), md);
        assertFalse(md.contains("Prune stage") || md.contains("null ->"), md);
        assertFalse(md.contains("Latency budget"), md);
        stage.putAll(Map.of("target_latency", 0.52, "latency_batch", 128, "target_latency_met", false,
                "predicted_time_share", 0.5312, "measured_speedup", 1.874, "measured_speedup_iqr", List.of(1.86, 1.89),
                "search_steps", List.of("b2.conv1.weight -> 24, 32: 0.921")));
        String budget = ReportMarkdown.render(Map.of("recipe", "r", "stages", List.of(stage)));
        assertTrue(budget.contains("Latency budget: target 0.52 of the model's time at batch 128, **not reached**;"
                + " the search predicted 0.531, the chosen model measured 1.874x faster (IQR [1.86, 1.89])."), budget);
        assertTrue(budget.contains("- b2.conv1.weight -> 24, 32: 0.921\n"), budget);
    }
}
