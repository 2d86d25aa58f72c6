package dev.condense.kernel.stage.quantize;

import dev.condense.api.data.DataSplit;
import dev.condense.api.model.ModelGraph;
import dev.condense.engine.graph.WeightedLayer;
import dev.condense.engine.quant.FallbackSearch;
import dev.condense.engine.quant.LayerSensitivity;
import dev.condense.engine.quant.LayerSubsets;
import dev.condense.engine.quant.QuantizationProbe;
import dev.condense.kernel.recipe.RecipeException;
import dev.condense.kernel.run.StageRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runs a quantize stage's {@link QuantizeDiagnosis}: the sensitivity table ({@link LayerSensitivity}) and the
 * fallback search ({@link FallbackSearch}) on the first {@code rows} validation rows, in ONNX Runtime, and reports
 * them in the stage's section ({@code sensitivity}: one map per layer, most sensitive first; {@code fallback}: one
 * map per step). Returns the model to pass on: all selected layers quantized, or the fallback's best model.
 */
final class QuantizeDiagnosisRun {
    private QuantizeDiagnosisRun() {
    }

    /**
     * The fallback's candidates: the quantized layers its layers filter keeps. Located errors (before any work) for
     * a pattern matching no quantized layer and for a filter leaving none.
     */
    static List<WeightedLayer> candidates(QuantizeDiagnosis.Fallback f, List<WeightedLayer> layers) {
        List<String> names = layers.stream().map(WeightedLayer::source).toList();
        f.layers().requireMatches(names, "fallback layers", "layer this stage quantizes", "quantized layers");
        List<WeightedLayer> c = layers.stream().filter(l -> f.layers().test(l.source())).toList();
        if (c.isEmpty()) {
            throw new RecipeException(f.location(), "fallback: no layer can stay float: the fallback layers filter"
                    + " leaves none of the quantized layers (" + String.join(", ", names) + ")");
        }
        return c;
    }

    /** The preview lines (and the located checks) of the diagnosis. */
    static List<String> preview(QuantizeDiagnosis d, List<WeightedLayer> layers) {
        List<String> lines = new ArrayList<>();
        if (d.sensitivity()) {
            lines.add("  sensitivity: " + layers.size() + " layers, " + (4 * layers.size() + 2)
                    + " ONNX Runtime passes over " + d.rows() + " validation rows");
        }
        if (d.fallback() != null) {
            List<WeightedLayer> c = candidates(d.fallback(), layers);
            lines.add(String.format(Locale.ROOT, "  fallback: max drop %s points on %d validation rows; may keep in"
                    + " float: %s", num(d.fallback().maxDrop()), d.rows(),
                    String.join(", ", c.stream().map(WeightedLayer::source).toList())));
        }
        return lines;
    }

    static ModelGraph run(QuantizeDiagnosis d, ModelGraph graph, List<WeightedLayer> layers, LayerSubsets subsets,
                          StageRun run) {
        DataSplit validation = run.context().dataset().flatMap(ds -> ds.validationSplit()).orElseThrow(
                () -> new IllegalStateException("quantize: sensitivity and fallback need validation rows"));
        int n = (int) Math.min(d.rows(), validation.size());
        DataSplit rows = new DataSplit(slice(validation.features(), n),
                validation.labels().reshape(validation.size()).get(NDArrayIndex.interval(0, n)));
        QuantizationProbe probe = new QuantizationProbe(graph, rows);
        var ctx = run.context();
        ctx.report("validation_rows", n);
        ctx.report("validation_float_accuracy", round(probe.referenceAccuracy(), 4));
        List<String> all = layers.stream().map(WeightedLayer::source).toList();
        Set<String> allSet = new LinkedHashSet<>(all);
        LayerSensitivity.Table[] table = new LayerSensitivity.Table[1];
        List<WeightedLayer> candidates = d.fallback() == null ? layers : candidates(d.fallback(), layers);
        if (d.sensitivity()) {
            table[0] = LayerSensitivity.measure(probe, layers, layers, subsets);
            report(table[0], ctx);
        }
        if (d.fallback() == null) {
            ctx.log(String.format(Locale.ROOT, "quantize: sensitivity on %d validation rows, most sensitive: %s", n,
                    table[0].ranking().get(0)));
            return subsets.quantize(allSet);
        }
        double maxDrop = d.fallback().maxDrop();
        Map<Set<String>, QuantizationProbe.Score> known = new java.util.HashMap<>();
        if (table[0] != null) {
            known.putAll(table[0].scores(all));
        }
        FallbackSearch.Result r = FallbackSearch.search(probe, all, () -> {
            if (table[0] == null) {
                table[0] = LayerSensitivity.measure(probe, layers, candidates, subsets);
                report(table[0], ctx);
            }
            known.putAll(table[0].scores(all));
            Set<String> c = new LinkedHashSet<>(candidates.stream().map(WeightedLayer::source).toList());
            return table[0].ranking().stream().filter(c::contains).toList();
        }, subsets, maxDrop, known);
        List<Map<String, Object>> steps = new ArrayList<>();
        for (int i = 0; i < r.steps().size(); i++) {
            FallbackSearch.Step s = r.steps().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", i);
            m.put("action", s.action());
            m.put("float_layers", s.floatLayers());
            m.put("accuracy", round(s.score().accuracy(), 4));
            m.put("drop_points", round(s.drop(), 2));
            m.put("logits_sqnr_db", db(s.score().sqnr()));
            m.put("within", s.within());
            m.put("chosen", s == r.best());
            m.put("from_table", s.reused());
            steps.add(m);
        }
        ctx.report("fallback", steps);
        ctx.report("fallback_max_drop", maxDrop);
        ctx.report("fallback_float_layers", r.best().floatLayers().isEmpty() ? "none"
                : String.join(" ", r.best().floatLayers()));
        ctx.report("fallback_drop_points", round(r.best().drop(), 2));
        String summary = String.format(Locale.ROOT, "quantize: fallback kept %d of %d layers in float (%s), validation"
                + " accuracy %.2f%% vs float %.2f%% (drop %.2f points, max %s), %d search steps",
                r.best().floatLayers().size(), all.size(), r.best().floatLayers().isEmpty() ? "none"
                        : String.join(", ", r.best().floatLayers()), 100 * r.best().score().accuracy(),
                100 * probe.referenceAccuracy(), r.best().drop(), num(maxDrop), r.steps().size());
        ctx.log(summary);
        if (!r.met()) {
            String warning = String.format(Locale.ROOT, "no set of float layers meets max-drop %s: returning the"
                    + " smallest drop found, %.2f points, with %s in float", num(maxDrop), r.best().drop(),
                    r.best().floatLayers().isEmpty() ? "no layer" : String.join(", ", r.best().floatLayers()));
            ctx.log("warning: " + warning);
            ctx.report("fallback_warning", warning);
        }
        Set<String> quantized = new LinkedHashSet<>(all);
        r.best().floatLayers().forEach(quantized::remove);
        ctx.report("layers", quantized.size());
        return quantized.isEmpty() ? graph : subsets.quantize(quantized);
    }

    private static void report(LayerSensitivity.Table t, dev.condense.kernel.run.RunContext ctx) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LayerSensitivity.Row r : t.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", r.layer());
            m.put("op", r.op());
            m.put("only_accuracy", round(r.only().accuracy(), 4));
            m.put("only_logits_sqnr_db", db(r.only().sqnr()));
            m.put("only_output_sqnr_db", db(r.outputSqnr()));
            m.put("all_but_accuracy", round(r.allBut().accuracy(), 4));
            m.put("all_but_logits_sqnr_db", db(r.allBut().sqnr()));
            rows.add(m);
        }
        ctx.report("validation_all_quantized_accuracy", round(t.allQuantized().accuracy(), 4));
        ctx.report("validation_all_quantized_logits_sqnr_db", db(t.allQuantized().sqnr()));
        ctx.report("sensitivity", rows);
    }

    /** A finite SQNR rounded to 0.01 dB; {@code "inf"} for identical tensors, null when undefined. */
    private static Object db(double v) {
        return Double.isNaN(v) ? null : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : round(v, 2);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static org.nd4j.linalg.api.ndarray.INDArray slice(org.nd4j.linalg.api.ndarray.INDArray a, int n) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(0, n);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return a.get(idx);
    }
}
