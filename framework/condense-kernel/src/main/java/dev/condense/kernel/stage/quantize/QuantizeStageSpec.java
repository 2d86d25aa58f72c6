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
 * @param weightRules the weight grid, its per-layer overrides and the quantizer that computes it
 *                    ({@link #weights()}, {@link #overrides()}, {@link #quantizer()})
 * @param activationRules the activation grid and its calibrator ({@link #activations()}, {@link #calibrator()})
 * @param layers      which layers (named by their weight initializer) are quantized
 * @param qat         the quantization-aware training of {@code mode: qat} (null in the other modes)
 * @param diagnosis   the sensitivity table and fallback search ({@link QuantizeDiagnosis#NONE} when not asked for)
 */
public record QuantizeStageSpec(String mode, WeightRules weightRules, ActivationRules activationRules,
                                LayerFilter layers, Location location, QatSpec qat, QuantizeDiagnosis diagnosis)
        implements StageSpec {
    public static final List<String> MODES = List.of("static", "dynamic", "fp16", "qat", "binary");
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
     * @param bits       8 (QuantizeLinear's narrowest type); 2 to 8 in mode qat (the QDQ export clips the 8-bit
     *                   codes to the narrower grid)
     * @param symmetric  int8 with zero point 0 (else uint8 with a zero point, ONNX Runtime's default)
     * @param calibrator the id of the range calibrator ({@code minmax} when none is written: the engine's own)
     * @param rows       calibration rows: the first {@code rows} training rows
     */
    public record Activations(int bits, boolean symmetric, String calibrator, int rows) {
        public Activations {
            if (bits < 2 || bits > 8) {
                throw new IllegalArgumentException("activations.bits must be in [2, 8], was " + bits);
            }
            Objects.requireNonNull(calibrator, "calibrator");
            if (rows < 1) {
                throw new IllegalArgumentException("activations.rows must be >= 1, was " + rows);
            }
        }
    }

    /**
     * The weight side of the stage.
     *
     * @param weights   the weight grid of every layer no override names
     * @param overrides per-layer weight options, first match wins (empty: every layer takes {@code weights})
     * @param quantizer {@code weights.quantizer} as written (a {@code Quantizer} extension id whose params take the
     *                  weight options), or null for the engine's built-in affine grid (the same computation as the
     *                  {@code quant-affine} plugin's)
     */
    public record WeightRules(Weights weights, List<WeightOverride> overrides, ExtensionRef quantizer) {
        public WeightRules {
            Objects.requireNonNull(weights, "weights");
            overrides = List.copyOf(overrides);
        }
    }

    /**
     * The activation side of the stage.
     *
     * @param activations the activation grid and its calibration (static mode)
     * @param calibrator  the {@code activations.calibrator} as written (a {@code Calibrator} extension id, or
     *                    {@code {id: {params}}}), or null for the built-in min/max
     */
    public record ActivationRules(Activations activations, ExtensionRef calibrator) {
        public ActivationRules {
            Objects.requireNonNull(activations, "activations");
        }
    }

    public QuantizeStageSpec {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("mode must be one of " + MODES + ", was " + mode);
        }
        Objects.requireNonNull(weightRules, "weightRules");
        Objects.requireNonNull(activationRules, "activationRules");
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(location, "location");
        if ((qat != null) != mode.equals("qat")) {
            throw new IllegalArgumentException("a qat body goes with mode qat and only with it (mode " + mode + ")");
        }
        Objects.requireNonNull(diagnosis, "diagnosis");
    }

    /** The weight grid of every layer no override names. */
    public Weights weights() {
        return weightRules.weights();
    }

    /** Per-layer weight options, first match wins. */
    public List<WeightOverride> overrides() {
        return weightRules.overrides();
    }

    /** {@code weights.quantizer} as written, or null for the built-in affine grid. */
    public ExtensionRef quantizer() {
        return weightRules.quantizer();
    }

    /** The activation grid and its calibration. */
    public Activations activations() {
        return activationRules.activations();
    }

    /** {@code activations.calibrator} as written, or null for the built-in min/max. */
    public ExtensionRef calibrator() {
        return activationRules.calibrator();
    }

    /** The weight options of the layer with weight {@code source} and node {@code node}: the first override naming either, else {@link #weights}. */
    public Weights weightsFor(String source, String node) {
        return overrides().stream().filter(o -> o.pattern().matches(source) || o.pattern().matches(node)).findFirst()
                .map(WeightOverride::weights).orElse(weights());
    }

    @Override
    public String kind() {
        return "quantize";
    }

    @Override
    public PlannedStage plan(PlanContext context) {
        if (diagnosis.active() && context.recipe().data().map(d -> d.validation() <= 0).orElse(true)) {
            throw new dev.condense.kernel.recipe.RecipeException(diagnosis.location(), "quantize: sensitivity and"
                    + " fallback measure accuracy on validation rows (never test rows): set data.validation to a"
                    + " fraction in (0, 0.5), e.g. data: {dataset: mnist, validation: 0.1}");
        }
        if (mode.equals("static") || mode.equals("qat")) {
            context.requireData(location, mode + " quantization " + (mode.equals("qat") ? "fine-tunes on" : "calibrates"
                    + " activations on") + " training rows: add a data section to the recipe, or use mode: dynamic");
        }
        WeightQuantizer weightQuantizer = quantizer() == null ? null : WeightQuantizer.plan(this, context);
        if (calibrator() == null || !mode.equals("static")) {
            return new QuantizeStep(this, null, null, weightQuantizer);
        }
        Calibrator<?> resolved = context.resolve(Calibrator.class, calibrator(), "calibrator");
        return new QuantizeStep(this, resolved, context.bind(calibrator(), resolved.paramsType()), weightQuantizer);
    }
}
