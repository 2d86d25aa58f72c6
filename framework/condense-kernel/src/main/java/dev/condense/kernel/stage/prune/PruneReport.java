package dev.condense.kernel.stage.prune;

import dev.condense.api.model.ModelGraph;
import dev.condense.engine.stats.LayerCost;
import dev.condense.engine.stats.ModelStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-layer table of a prune stage: for every weighted layer (Gemm, MatMul, Conv; {@link LayerCost}), the
 * weight's shape, dense parameters, nonzeros and MACs per sample before and after the stage, plus the model's totals.
 * Structured removal shows up as smaller shapes, parameters and MACs; masking only as fewer nonzeros.
 */
final class PruneReport {
    private PruneReport() {
    }

    static List<Map<String, Object>> layers(ModelGraph before, ModelGraph after) {
        Map<String, LayerCost> post = new LinkedHashMap<>();
        LayerCost.of(after).forEach(c -> post.put(c.weight(), c));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerCost c : LayerCost.of(before)) {
            LayerCost a = post.get(c.weight());
            INDArray w0 = before.initializers().get(c.weight());
            INDArray w1 = after.initializers().get(c.weight());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("layer", c.weight());
            r.put("op", c.opType());
            r.put("shape_before", Arrays.toString(c.shape()));
            r.put("shape_after", Arrays.toString(a.shape()));
            r.put("params_before", w0.length());
            r.put("params_after", w1.length());
            r.put("nonzeros_before", ModelStats.nonzeros(w0));
            r.put("nonzeros_after", ModelStats.nonzeros(w1));
            r.put("macs_before", c.macs());
            r.put("macs_after", a.macs());
            rows.add(r);
        }
        return rows;
    }

    static Map<String, Object> totals(ModelGraph before, ModelGraph after) {
        ModelStats s0 = ModelStats.of(before);
        ModelStats s1 = ModelStats.of(after);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params_before", s0.denseParams());
        m.put("params_after", s1.denseParams());
        m.put("nonzeros_before", s0.nonzeros());
        m.put("nonzeros_after", s1.nonzeros());
        m.put("macs_before", LayerCost.total(before));
        m.put("macs_after", LayerCost.total(after));
        return m;
    }
}
