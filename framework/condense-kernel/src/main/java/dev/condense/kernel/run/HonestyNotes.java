package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.stats.ModelStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain statements a report must make about what the numbers do and do not mean (design invariant 1): a masked
 * zero is not a removed weight, and a dense file full of zeros is not smaller; structured removal does shrink the
 * file and the work, and the note says by how much (parameters, MACs, file bytes and latency of the first and last
 * evaluations).
 */
final class HonestyNotes {
    private HonestyNotes() {
    }

    static List<String> of(ModelGraph graph, Map<?, ?> initial, List<Map<String, Object>> evaluations,
                           boolean exported) {
        List<String> notes = new ArrayList<>();
        ModelStats s = ModelStats.of(graph);
        long zeros = s.denseParams() - s.nonzeros();
        long params0 = ((Number) initial.get("dense_params")).longValue();
        if (s.denseParams() < params0) {
            notes.add(removal(params0, s.denseParams(), ((Number) initial.get("macs_per_sample")).longValue(),
                    LayerCost.total(graph), evaluations));
        }
        if (!graph.masks().isEmpty()) {
            notes.add(String.format(Locale.ROOT, "Pruning here is unstructured masking: %d of %d parameters (%.1f%%) are"
                    + " zero, but no parameter was removed; the graph's shapes are unchanged.",
                    zeros, s.denseParams(), 100.0 * zeros / s.denseParams()));
            notes.add("model.onnx stores every weight as dense float32, zeros included: element sparsity does not make"
                    + " the file smaller nor ONNX Runtime faster. Compare onnx_bytes before and after pruning in the"
                    + " evaluations table; a smaller file needs structured pruning or storage coding (quantize + encode).");
        }
        if (!exported) {
            notes.add("No export stage: the run wrote no model file.");
        }
        if (evaluations.isEmpty()) {
            notes.add("No evaluate stage: accuracy and latency were not measured.");
        }
        return notes;
    }

    /** Structured removal: what got smaller, with the file bytes and latency of the first and last evaluations. */
    private static String removal(long params0, long params1, long macs0, long macs1,
                                  List<Map<String, Object>> evaluations) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Structured pruning physically removed %d of %d"
                + " parameters (%.1f%%) and cut MACs per sample from %d to %d (%.1f%% fewer): the graph's shapes are"
                + " smaller, so the exported file is smaller and ONNX Runtime does less work.",
                params0 - params1, params0, 100.0 * (params0 - params1) / params0, macs0, macs1,
                100.0 * (macs0 - macs1) / Math.max(1, macs0)));
        if (evaluations.size() >= 2) {
            Map<String, Object> first = evaluations.get(0);
            Map<String, Object> last = evaluations.get(evaluations.size() - 1);
            for (String key : List.of("onnx_bytes", "latency_b1_ms_median", "latency_b128_ms_median")) {
                if (first.containsKey(key) && last.containsKey(key)) {
                    b.append(' ').append(key).append(": ").append(first.get(key)).append(" -> ").append(last.get(key))
                            .append(" (first vs last evaluation).");
                }
            }
        }
        return b.toString();
    }
}
