package dev.condense.kernel.stage.quantize;

import dev.condense.api.quant.Calibrator;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.stage.PlanContext;
import dev.condense.kernel.stage.PlannedStage;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code quantize} stage.
 *
 * @param mode        {@code static} (weights and activations; activations calibrated on training rows) or
 *                    {@code dynamic} (weights; ONNX Runtime quantizes the activations of Gemm/MatMul at run time)
 *                    or {@code fp16} (weights and biases stored as float16, computed in float32); {@code binary}
 *                    is listed for the schema and the parser, which gives it its own {@link BinaryQuantizeSpec}
 * @param weights     the weight grid
 * @param activations the activation grid and its calibration (static mode)
 * @param calibrator  the {@code activations.calibrator} as written (a {@code Calibrator} extension id, or
 *                    {@code {id: {params}}}), or null for the built-in min/max
 * @param layers      which layers (named by their weight initializer) are quantized
 */
public record QuantizeStageSpec(String mode, Weights weights, Activations activations, ExtensionRef calibrator,
                                LayerFilter layers, Location location) implements StageSpec {
    public static final List<String> MODES = List.of("static", "dynamic", "fp16", "binary");
    public static final List<String> GRANULARITIES = List.of("per-channel", "per-tensor");
    public static final int DEFAULT_ROWS = 512;

    /**
     * @param bits        2 to 8 (7 at most with {@code reduceRange})
     * @param perChannel  one scale per output channel (else one per tensor)
     * @param symmetric   signed with zero point 0 (else unsigned with a zero point)
     * @param reduceRange 7-bit weights, for CPUs without VNNI
     */
    public record Weights(int bits, boolean perChannel, boolean symmetric, boolean reduceRange) {
        public Weights {
            if (bits < 2 || bits > 8) {
                throw new IllegalArgumentException("weights.bits must be in [2, 8], was " + bits);
            }
        }
    }

    /**
     * @param bits       8 (QuantizeLinear's narrowest type)
     * @param symmetric  int8 with zero point 0 (else uint8 with a zero point, ONNX Runtime's default)
     * @param calibrator the id of the range calibrator ({@code minmax} when none is written: the engine's own)
     * @param rows       calibration rows: the first {@code rows} training rows
     */
    public record Activations(int bits, boolean symmetric, String calibrator, int rows) {
        public Activations {
            if (bits != 8) {
                throw new IllegalArgumentException("activations.bits must be 8, was " + bits);
            }
            Objects.requireNonNull(calibrator, "calibrator");
            if (rows < 1) {
                throw new IllegalArgumentException("activations.rows must be >= 1, was " + rows);
            }
        }
    }

    public QuantizeStageSpec {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("mode must be one of " + MODES + ", was " + mode);
        }
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
    }

    @Override
    public String kind() {
        return "quantize";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        if (mode.equals("static")) {
            context.requireData(location, "static quantization calibrates activations on training rows: add a data"
                    + " section to the recipe, or use mode: dynamic");
        }
        if (calibrator == null || !mode.equals("static")) {
            return new QuantizeStep(this, null, null);
        }
        Calibrator<?> resolved = context.resolve(Calibrator.class, calibrator, "calibrator");
        return new QuantizeStep(this, resolved, context.bind(calibrator, resolved.paramsType()));
    }
}
