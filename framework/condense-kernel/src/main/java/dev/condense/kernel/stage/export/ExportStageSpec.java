package dev.condense.kernel.stage.export;

import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code export: {format, quantized, pad-channels, input-patches}}.
 *
 * @param format    the output format; only {@code onnx} for now
 * @param quantized the form of quantized layers: {@code qdq} (QuantizeLinear/DequantizeLinear around float ops,
 *                  which ONNX Runtime fuses into integer kernels where it can) or {@code integer} (integer-only
 *                  operators: QLinearConv, QGemm, ...; an op that cannot run in integers is an error)
 * @param rewrites  the exact rewrites for ONNX Runtime's int8 kernels ({@link OrtRewrites})
 */
public record ExportStageSpec(String format, String quantized, OrtRewrites rewrites, Location location) implements StageSpec {
    /** The formats the kernel writes. */
    public static final List<String> FORMATS = List.of("onnx");
    /** The forms of quantized layers. */
    public static final List<String> QUANTIZED = List.of("qdq", "integer");

    public ExportStageSpec {
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format must be one of " + FORMATS + ", was " + format);
        }
        if (!QUANTIZED.contains(quantized)) {
            throw new IllegalArgumentException("quantized must be one of " + QUANTIZED + ", was " + quantized);
        }
        Objects.requireNonNull(rewrites, "rewrites");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "export";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        return new ExportStep(format, quantized, rewrites, location, context.recipe().output().resolvedDir());
    }
}
