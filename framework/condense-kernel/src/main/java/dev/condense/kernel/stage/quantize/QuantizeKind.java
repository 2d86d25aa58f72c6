package dev.condense.kernel.stage.quantize;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.integer;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.oneOfStrings;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.engine.text.Quote;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.LayerFilter;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.Suggestions;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;

/**
 * {@code quantize: {mode, weights: {quantizer, bits, granularity, symmetric, reduce-range}, activations: {bits,
 * symmetric, calibrator, rows, ranges, decay}, layers: {include, exclude}, overrides: {LAYER: {weights keys}},
 * finetune: {training body}, sensitivity, fallback}}: post-training int8, or quantization-aware training with
 * {@code mode: qat} (which needs {@code finetune}). Every other key has a default, so {@code - quantize} is valid
 * (static, per-channel symmetric int8 weights, uint8 activations calibrated by min/max on 512 training rows).
 * {@code sensitivity} and {@code fallback}: {@link QuantizeDiagnosis}. {@code mode: binary} (XNOR-Net, with a
 * {@code binary: {finetune, include-first-last}} body) is parsed into a {@link BinaryQuantizeSpec}.
 */
public final class QuantizeKind implements StageKind {
    private static final List<String> KEYS = List.of("mode", "weights", "activations", "layers", "overrides",
            "finetune", "sensitivity", "fallback", "binary");
    private static final List<String> WEIGHT_KEYS = List.of("quantizer", "bits", "granularity", "symmetric",
            "reduce-range");
    private static final List<String> OVERRIDE_KEYS = List.of("bits", "granularity", "symmetric", "reduce-range");
    private static final List<String> ACTIVATION_KEYS = List.of("bits", "symmetric", "calibrator", "rows", "ranges",
            "decay");

    @Override
    public String id() {
        return "quantize";
    }

    @Override
    public boolean bare() {
        return true;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode override = object("weight options of the layers this entry names (unset keys: the stage's)");
        props(override).set("bits", orVar(integer(2, 8)));
        props(override).set("granularity", orVar(oneOfStrings(QuantizeStageSpec.GRANULARITIES)));
        props(override).set("symmetric", orVar(NODES.objectNode().put("type", "boolean")));
        props(override).set("reduce-range", orVar(NODES.objectNode().put("type", "boolean")));
        ObjectNode weights = object("how weights are quantized (from their own min/max)");
        props(weights).set("quantizer", ref("quantizer"));
        props(weights).set("bits", orVar(integer(2, 8).put("default", 8)));
        props(weights).set("granularity", orVar(oneOfStrings(QuantizeStageSpec.GRANULARITIES)
                .put("default", "per-channel")));
        props(weights).set("symmetric", orVar(NODES.objectNode().put("type", "boolean").put("default", true)));
        props(weights).set("reduce-range", orVar(NODES.objectNode().put("type", "boolean").put("default", false)));
        ObjectNode overrides = NODES.objectNode().put("type", "object").put("minProperties", 1)
                .put("description", "per-layer weight options: a weight or node name, or re:REGEX; first match wins");
        overrides.set("additionalProperties", override);
        ObjectNode acts = object("how activations are quantized (static mode: calibrated on training rows)");
        props(acts).set("bits", orVar(integer(2, 8).put("default", 8)
                .put("description", "8; 2 to 8 in mode qat (codes clipped to the narrow grid in the QDQ export)")));
        props(acts).set("symmetric", orVar(NODES.objectNode().put("type", "boolean").put("default", false)));
        props(acts).set("calibrator", ref("calibrator"));
        props(acts).set("rows", orVar(integer(1, null).put("default", QuantizeStageSpec.DEFAULT_ROWS)));
        props(acts).set("ranges", orVar(oneOfStrings(QatSpec.RANGES).put("default", "ema")));
        props(acts).set("decay", orVar(NODES.objectNode().put("type", "number").put("minimum", 0)
                .put("exclusiveMaximum", 1).put("default", QatSpec.DEFAULT_DECAY)));
        ObjectNode q = object("int8 quantization (QDQ export): post-training, or quantization-aware training (qat)");
        props(q).set("mode", orVar(oneOfStrings(QuantizeStageSpec.MODES).put("default", "static")));
        props(q).set("weights", weights);
        props(q).set("activations", acts);
        props(q).set("layers", ref("layers"));
        props(q).set("overrides", overrides);
        props(q).set("finetune", ref("train-body"));
        QuantizeDiagnosis.schema(props(q));
        props(q).set("binary", BinaryQuantizeSpec.schema());
        defs.set("quantize-body", q);
        return ref("quantize-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        body.expectObject(KEYS);
        String mode = body.optional("mode").map(QuantizeKind::mode).orElse("static");
        if (mode.equals("binary")) {
            return BinaryQuantizeSpec.read(body, body.required("mode"), at);
        }
        if (body.optional("binary").isPresent()) {
            throw body.optional("binary").get().fail("binary options are for mode: binary; remove them or set"
                    + " mode: binary");
        }
        var w = body.optional("weights");
        w.ifPresent(n -> n.expectObject(WEIGHT_KEYS));
        var weights = w.map(n -> weights(n, new QuantizeStageSpec.Weights(8, true, true, false)))
                .orElse(new QuantizeStageSpec.Weights(8, true, true, false));
        ExtensionRef quantizer = w.flatMap(n -> n.optional("quantizer")).map(q -> ExtensionRef.read(q, "a quantizer"))
                .orElse(null);
        int aBits = 8;
        boolean aSym = false;
        String calibrator = "minmax";
        ExtensionRef calibratorRef = null;
        int rows = QuantizeStageSpec.DEFAULT_ROWS;
        var a = body.optional("activations");
        if (a.isPresent()) {
            a.get().expectObject(ACTIVATION_KEYS);
            aBits = a.get().optional("bits").map(n -> activationBits(n, mode)).orElse(8);
            aSym = a.get().optional("symmetric").map(QuantizeKind::bool).orElse(false);
            calibratorRef = a.get().optional("calibrator").map(c -> ExtensionRef.read(c, "a calibrator")).orElse(null);
            calibrator = calibratorRef == null ? "minmax" : calibratorRef.id();
            rows = a.get().optional("rows").map(r -> r.asInt(1, Integer.MAX_VALUE)).orElse(QuantizeStageSpec.DEFAULT_ROWS);
            QatParsing.checkActivations(a.get(), mode);
            if (mode.equals("dynamic")) {
                throw a.get().fail("activations are quantized at run time in dynamic mode (uint8, per tensor, each"
                        + " batch's own range); remove activations or use mode: static");
            }
        }
        if (mode.equals("fp16") && (w.isPresent() || a.isPresent())) {
            throw (w.isPresent() ? w.get() : a.get()).fail("mode fp16 stores the layers' weights and biases as"
                    + " float16 and has no " + (w.isPresent() ? "weights" : "activations") + " options; remove them");
        }
        if (mode.equals("fp16") && body.optional("overrides").isPresent()) {
            throw body.child("overrides").fail("mode fp16 has no weight options to override; remove overrides");
        }
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        List<WeightOverride> overrides = body.optional("overrides").map(o -> WeightOverrides.read(o, weights))
                .orElse(List.of());
        QatSpec qat = QatParsing.read(body, a, mode);
        var activations = new QuantizeStageSpec.Activations(aBits, aSym, calibrator, rows);
        ExtensionRef ref = calibratorRef;
        QuantizeDiagnosis diagnosis = QuantizeDiagnosis.read(body, mode);
        return body.construct(() -> new QuantizeStageSpec(mode,
                new QuantizeStageSpec.WeightRules(weights, overrides, quantizer),
                new QuantizeStageSpec.ActivationRules(activations, ref), layers, at, qat, diagnosis));
    }

    /** Reads the weight options of {@code n} ({@code weights} or an override), unset keys from {@code defaults}. */
    static QuantizeStageSpec.Weights weights(NodeRef n, QuantizeStageSpec.Weights defaults) {
        return weights(n, defaults, WEIGHT_KEYS);
    }

    /** As {@link #weights(NodeRef, QuantizeStageSpec.Weights)}, for an override (no {@code quantizer} key). */
    static QuantizeStageSpec.Weights override(NodeRef n, QuantizeStageSpec.Weights defaults) {
        return weights(n, defaults, OVERRIDE_KEYS);
    }

    private static QuantizeStageSpec.Weights weights(NodeRef n, QuantizeStageSpec.Weights defaults, List<String> keys) {
        n.expectObject(keys);
        int bits = n.optional("bits").map(b -> b.asInt(2, 8)).orElse(defaults.bits());
        boolean perChannel = n.optional("granularity").map(g -> choice(g, QuantizeStageSpec.GRANULARITIES))
                .map("per-channel"::equals).orElse(defaults.perChannel());
        boolean sym = n.optional("symmetric").map(QuantizeKind::bool).orElse(defaults.symmetric());
        boolean reduce = n.optional("reduce-range").map(QuantizeKind::bool).orElse(defaults.reduceRange());
        return n.construct(() -> new QuantizeStageSpec.Weights(bits, perChannel, sym, reduce));
    }

    private static String mode(NodeRef n) {
        return choice(n, QuantizeStageSpec.MODES);
    }

    /** 8, or 2 to 8 in mode qat (the export clips the 8-bit codes to the narrower grid the training used). */
    private static int activationBits(NodeRef n, String mode) {
        int bits = n.asInt(2, 8);
        if (bits != 8 && !mode.equals("qat")) {
            throw n.fail("activations are quantized with 8 bits in mode " + mode + " (ONNX QuantizeLinear has no"
                    + " narrower type), was " + bits + "; 2 to 7 bits are for mode: qat, which trains with them");
        }
        return bits;
    }

    private static String choice(NodeRef n, List<String> allowed) {
        String v = n.asText();
        if (!allowed.contains(v)) {
            throw n.fail("unknown " + n.name() + " " + Quote.single(v) + Suggestions.hint(v, allowed)
                    + "; available: " + String.join(", ", allowed));
        }
        return v;
    }

    static boolean bool(NodeRef n) {
        if (!n.node().isBoolean()) {
            throw n.fail("expected true or false for " + n.name() + " but found " + n.describe());
        }
        return n.node().asBoolean();
    }
}
