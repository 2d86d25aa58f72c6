package dev.condense.kernel.run;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.stats.ModelStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain statements a report must make about what the numbers do and do not mean (design invariant 1): a masked
 * zero is not a removed weight, and a dense file full of zeros is not smaller.
 */
final class HonestyNotes {
    private HonestyNotes() {
    }

    static List<String> of(ModelGraph graph, List<Map<String, Object>> evaluations, boolean exported) {
        List<String> notes = new ArrayList<>();
        ModelStats s = ModelStats.of(graph);
        long zeros = s.denseParams() - s.nonzeros();
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
}
