package dev.condense.cli;

import java.util.Locale;
import java.util.Map;

/** One-line console summaries of report entries. */
final class Summary {
    private Summary() {
    }

    static String evaluation(Map<String, Object> e) {
        StringBuilder b = new StringBuilder("after ").append(e.get("after")).append(":");
        if (e.get("accuracy") instanceof Number a) {
            boolean validation = e.get("validation_rows") != null;
            b.append(String.format(Locale.ROOT, " accuracy %.2f%% (%s %s rows)", 100 * a.doubleValue(),
                    validation ? e.get("validation_rows") : e.get("test_rows"), validation ? "validation" : "test"));
        }
        if (e.get("nonzeros") != null) {
            b.append(String.format(Locale.ROOT, ", %s of %s params nonzero, ONNX file %s bytes", e.get("nonzeros"),
                    e.get("dense_params"), e.get("onnx_bytes")));
        }
        if (e.get("latency_b1_ms_median") != null) {
            b.append(String.format(Locale.ROOT, ", latency %s ms (b1) / %s ms (b128)", e.get("latency_b1_ms_median"),
                    e.get("latency_b128_ms_median")));
            if (e.get("latency_b128_speedup") instanceof Number x) {
                b.append(String.format(Locale.ROOT, ", b128 speed-up vs input model %.2fx (IQR %.2f-%.2f, %s)",
                        x.doubleValue(), ((Number) e.get("latency_b128_speedup_q1")).doubleValue(),
                        ((Number) e.get("latency_b128_speedup_q3")).doubleValue(), e.get("latency_b128_verdict")));
            }
        }
        return b.toString();
    }
}
