package dev.condense.kernel.run;

import dev.condense.engine.runtime.LatencyComparison;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a run report map (see {@link ReportWriter}) as Markdown for people. */
final class ReportMarkdown {
    private ReportMarkdown() {
    }

    @SuppressWarnings("unchecked")
    static String render(Map<String, Object> r) {
        StringBuilder md = new StringBuilder();
        md.append("# Condense run: ").append(r.get("recipe")).append("\n\n");
        md.append("- model: ").append(r.get("model")).append("\n");
        md.append("- data set: ").append(r.get("dataset")).append("\n");
        md.append("- seed: ").append(r.get("seed")).append("\n");
        if (r.get("cpu") != null) {
            md.append("- CPU: ").append(r.get("cpu")).append(" (int8 kernels and their results depend on these)\n");
        }
        md.append("\n");
        md.append("## Stages\n\n| # | stage | seconds | details |\n|---|---|---|---|\n");
        for (Map<String, Object> s : (List<Map<String, Object>>) r.getOrDefault("stages", List.of())) {
            md.append("| ").append(s.get("index")).append(" | ").append(s.get("kind")).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", ((Number) s.get("seconds")).doubleValue())).append(" | ")
                    .append(details(s)).append(" |\n");
        }
        for (Map<String, Object> s : (List<Map<String, Object>>) r.getOrDefault("stages", List.of())) {
            if (s.get("layers") instanceof List<?> rows) {
                if ("factorize".equals(s.get("kind"))) {
                    factorized(md, s.get("index"), (List<Map<String, Object>>) rows);
                    latencyBudget(md, s);
                } else {
                    layers(md, s.get("index"), (List<Map<String, Object>>) rows);
                }
            }
            if (s.get("storage") instanceof List<?> rows) {
                storage(md, s.get("index"), (List<Map<String, Object>>) rows);
            }
            if (s.get("binarized") instanceof List<?> rows) {
                binarized(md, s.get("index"), (List<Map<String, Object>>) rows);
            }
            QuantizeDiagnosisMarkdown.append(md, s);
        }
        md.append("\n## Evaluations (ONNX Runtime, exported model)\n\n");
        md.append("| after stage | accuracy | test rows | dense params | nonzeros | sparsity | ONNX bytes | latency b1 ms | latency b128 ms | ORT integer / float conv-matmul kernels |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> e : (List<Map<String, Object>>) r.getOrDefault("evaluations", List.of())) {
            md.append("| ").append(e.get("after")).append(" | ").append(pct(e.get("accuracy"))).append(" | ")
                    .append(e.get("test_rows") != null ? e.get("test_rows")
                            : e.get("validation_rows") != null ? e.get("validation_rows") + " (validation)" : "-")
                    .append(" | ").append(e.get("dense_params")).append(" | ")
                    .append(e.get("nonzeros")).append(" | ").append(pct(e.get("sparsity"))).append(" | ")
                    .append(e.get("onnx_bytes")).append(" | ").append(e.getOrDefault("latency_b1_ms_median", "-"))
                    .append(" | ").append(e.getOrDefault("latency_b128_ms_median", "-")).append(" | ")
                    .append(e.containsKey("ort_integer_kernels") ? e.get("ort_integer_kernels") + " / "
                            + e.get("ort_float_kernels") : "-").append(" |\n");
        }
        latency(md, (List<Map<String, Object>>) r.getOrDefault("evaluations", List.of()));
        md.append("\n## Notes\n\n");
        for (Object n : (List<Object>) r.getOrDefault("notes", List.of())) {
            md.append("- ").append(n).append("\n");
        }
        return md.toString();
    }

    /**
     * The latency table: per evaluation and batch size, this model's and the input model's median (timed
     * interleaved), the speed-up's median, interquartile range and range over rounds, and the verdict.
     */
    private static void latency(StringBuilder md, List<Map<String, Object>> evaluations) {
        if (evaluations.stream().noneMatch(e -> e.containsKey("latency_b1_speedup"))) {
            return;
        }
        md.append("\n## Latency (ONNX Runtime, ").append(evaluations.stream()
                        .map(e -> e.get("latency_intra_op_threads")).filter(t -> t != null).findFirst().orElse("?"))
                .append(" intra-op thread(s), timed interleaved with the input model)\n\n");
        md.append(String.format(Locale.ROOT, "Speed-up = input model time / this model's time, the median of per-round"
                + " ratios of the calling thread's CPU time (the call's own work, without waits for a core caused by"
                + " other processes); the middle half of the rounds lies in the IQR. Milliseconds are wall-clock"
                + " medians under this run's load. A change is called only when the IQR is at most %.0f%% of the"
                + " median wide and lies entirely above 1 with a median of at least %.2f (faster), or entirely below"
                + " 1 with a median of at most 1/%.2f (slower).\n\n",
                100 * LatencyComparison.MAX_RELATIVE_IQR, LatencyComparison.MIN_CHANGE, LatencyComparison.MIN_CHANGE));
        md.append("| after stage | batch | this model ms | input model ms | CPU ms this / input | speed-up | IQR |"
                + " min-max | wall-clock speed-up | rounds | verdict |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> e : evaluations) {
            for (String b : List.of("b1", "b128")) {
                String k = "latency_" + b;
                if (!e.containsKey(k + "_speedup")) {
                    continue;
                }
                md.append("| ").append(e.get("after")).append(" | ").append(b.substring(1)).append(" | ")
                        .append(e.get(k + "_ms_median")).append(" | ").append(e.get(k + "_reference_ms_median"))
                        .append(" | ").append(e.get(k + "_cpu_ms_median")).append(" / ")
                        .append(e.get(k + "_reference_cpu_ms_median"))
                        .append(" | ").append(times(e.get(k + "_speedup"))).append(" | ")
                        .append(times(e.get(k + "_speedup_q1"))).append("-").append(times(e.get(k + "_speedup_q3")))
                        .append(" | ").append(times(e.get(k + "_speedup_min"))).append("-")
                        .append(times(e.get(k + "_speedup_max"))).append(" | ").append(times(e.get(k + "_speedup_wall")))
                        .append(" | ").append(e.get(k + "_rounds"))
                        .append(" | ").append(e.get(k + "_verdict")).append(" |\n");
            }
        }
    }

    private static String times(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.2fx", n.doubleValue()) : "-";
    }

    /** A prune stage's per-layer table: shape, parameters, nonzeros and MACs per sample, before -> after. */
    private static void layers(StringBuilder md, Object index, List<Map<String, Object>> rows) {
        md.append("\n## Prune stage ").append(index).append(": layers (before -> after)\n\n");
        md.append("| layer | op | shape | params | nonzeros | MACs per sample |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> l : rows) {
            md.append("| ").append(l.get("layer")).append(" | ").append(l.get("op"));
            for (String k : List.of("shape", "params", "nonzeros", "macs")) {
                md.append(" | ").append(l.get(k + "_before")).append(" -> ").append(l.get(k + "_after"));
            }
            md.append(" |\n");
        }
    }

    /** A factorize stage's per-layer table: shape, rank(s), MACs per sample before -> after, why a layer stayed. */
    private static void factorized(StringBuilder md, Object index, List<Map<String, Object>> rows) {
        md.append("\n## Factorize stage ").append(index).append(": layers\n\n");
        md.append("| layer | shape | rank(s) | MACs per sample | skipped because |\n|---|---|---|---|---|\n");
        for (Map<String, Object> l : rows) {
            Object ranks = l.containsKey("ranks") ? l.get("ranks") : l.get("rank");
            md.append("| ").append(l.get("layer")).append(" | ").append(l.get("shape")).append(" | ").append(ranks)
                    .append(" | ").append(l.get("macs_before")).append(" -> ").append(l.get("macs_after"))
                    .append(" | ").append(l.getOrDefault("skipped", "-")).append(" |\n");
        }
    }

    /** A factorize stage's latency budget: the target, whether the search reached it, its steps and the measurement. */
    private static void latencyBudget(StringBuilder md, Map<String, Object> s) {
        if (!s.containsKey("target_latency")) {
            return;
        }
        md.append(String.format(Locale.ROOT, "%nLatency budget: target %s of the model's time at batch %s, %s; the"
                + " search predicted %.3f, the chosen model measured %.3fx faster (IQR %s).%n%nSearch steps (layer ->"
                + " ranks: time share after):%n%n", s.get("target_latency"), s.get("latency_batch"),
                Boolean.TRUE.equals(s.get("target_latency_met")) ? "reached" : "**not reached**",
                ((Number) s.get("predicted_time_share")).doubleValue(), ((Number) s.get("measured_speedup"))
                        .doubleValue(), s.get("measured_speedup_iqr")));
        for (Object step : (List<?>) s.getOrDefault("search_steps", List.of())) {
            md.append("- ").append(step).append('\n');
        }
    }

    /** An encode stage's Deep Compression table: per coded layer, bytes at each step of the storage coding. */
    private static void storage(StringBuilder md, Object index, List<Map<String, Object>> rows) {
        md.append("\n## Encode stage ").append(index).append(": storage (Deep Compression)\n\n");
        md.append("| layer | params | weights kept | weight bits | index bits | dense float32 B | sparse B |"
                + " + quantization B | + Huffman B | ratio |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            md.append("| ").append(r.get("layer")).append(" | ").append(r.get("params")).append(" | ")
                    .append(pct(r.get("kept")));
            for (String k : List.of("weight_bits", "index_bits", "dense_bytes", "sparse_bytes", "quantized_bytes",
                    "huffman_bytes")) {
                md.append(" | ").append(r.get(k) == null ? "-" : r.get(k));
            }
            md.append(" | ").append(times(r.get("ratio"))).append(" |\n");
        }
    }

    /** An encode stage's binarized layers: one bit per weight against float32. */
    private static void binarized(StringBuilder md, Object index, List<Map<String, Object>> rows) {
        md.append("\n## Encode stage ").append(index).append(": binarized layers, one bit per weight\n\n");
        md.append("| int8 codes in the skeleton | params | dense float32 B | packed B | ratio |\n|---|---|---|---|---|\n");
        for (Map<String, Object> r : rows) {
            md.append("| ").append(r.get("codes")).append(" | ").append(r.get("params")).append(" | ")
                    .append(r.get("dense_bytes")).append(" | ").append(r.get("packed_bytes")).append(" | ")
                    .append(times(r.get("ratio"))).append(" |\n");
        }
    }

    private static String details(Map<String, Object> s) {
        StringBuilder b = new StringBuilder();
        s.forEach((k, v) -> {
            if (!k.equals("index") && !k.equals("kind") && !k.equals("seconds") && !(v instanceof Map) && !(v instanceof List)) {
                b.append(b.length() == 0 ? "" : ", ").append(k).append(": ").append(v);
            }
        });
        return b.toString();
    }

    private static String pct(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.2f%%", 100 * n.doubleValue()) : "-";
    }
}
