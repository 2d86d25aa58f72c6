package dev.condense.kernel.run;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown of a quantize stage's diagnosis (see {@code kernel.stage.quantize.QuantizeDiagnosisRun}): the
 * per-layer sensitivity table and the fallback search, from the stage's report keys {@code sensitivity} and
 * {@code fallback}.
 */
final class QuantizeDiagnosisMarkdown {
    private QuantizeDiagnosisMarkdown() {
    }

    @SuppressWarnings("unchecked")
    static void append(StringBuilder md, Map<String, Object> stage) {
        Object index = stage.get("index");
        if (stage.get("sensitivity") instanceof List<?> rows) {
            md.append("\n## Quantize stage ").append(index).append(": sensitivity (ONNX Runtime, ")
                    .append(stage.get("validation_rows")).append(" validation rows, float accuracy ")
                    .append(pct(stage.get("validation_float_accuracy"))).append(", all quantized ")
                    .append(pct(stage.get("validation_all_quantized_accuracy"))).append(")\n\n");
            md.append("Most sensitive first. SQNR = 10 log10(sum y^2 / sum (y - y_q)^2) against the float model, in"
                    + " dB; a layer's output is its float output tensor before its own QuantizeLinear.\n\n");
            md.append("| layer | op | only this layer quantized: accuracy | logits SQNR dB | layer output SQNR dB"
                    + " | all but this layer quantized: accuracy | logits SQNR dB |\n|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> r : (List<Map<String, Object>>) rows) {
                md.append("| ").append(r.get("layer")).append(" | ").append(r.get("op")).append(" | ")
                        .append(pct(r.get("only_accuracy"))).append(" | ").append(r.get("only_logits_sqnr_db"))
                        .append(" | ").append(r.get("only_output_sqnr_db")).append(" | ")
                        .append(pct(r.get("all_but_accuracy"))).append(" | ").append(r.get("all_but_logits_sqnr_db"))
                        .append(" |\n");
            }
        }
        if (stage.get("fallback") instanceof List<?> steps) {
            md.append("\n## Quantize stage ").append(index).append(": fallback search (max drop ")
                    .append(stage.get("fallback_max_drop")).append(" points on ").append(stage.get("validation_rows"))
                    .append(" validation rows)\n\n");
            md.append("| step | action | layers in float | accuracy | drop (points) | logits SQNR dB | within |"
                    + " chosen |\n|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> s : (List<Map<String, Object>>) steps) {
                List<?> floats = (List<?>) s.get("float_layers");
                md.append("| ").append(s.get("step")).append(" | ").append(s.get("action"))
                        .append(Boolean.TRUE.equals(s.get("from_table")) ? " (from the table)" : "").append(" | ")
                        .append(floats.isEmpty() ? "none" : String.join(", ", floats.stream().map(String::valueOf)
                                .toList())).append(" | ").append(pct(s.get("accuracy"))).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2f", ((Number) s.get("drop_points")).doubleValue()))
                        .append(" | ").append(s.get("logits_sqnr_db")).append(" | ")
                        .append(Boolean.TRUE.equals(s.get("within")) ? "yes" : "no").append(" | ")
                        .append(Boolean.TRUE.equals(s.get("chosen")) ? "**returned**" : "").append(" |\n");
            }
            if (stage.get("fallback_warning") != null) {
                md.append("\nWarning: ").append(stage.get("fallback_warning")).append("\n");
            }
        }
    }

    private static String pct(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.2f%%", 100 * n.doubleValue()) : "-";
    }
}
