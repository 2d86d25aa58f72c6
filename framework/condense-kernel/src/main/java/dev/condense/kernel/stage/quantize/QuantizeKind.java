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
 * {@code quantize: {mode, weights: {bits, granularity, symmetric, reduce-range}, activations: {bits, symmetric,
 * calibrator, rows}, layers: {include, exclude}}}: post-training int8. Every key has a default, so
 * {@code - quantize} is valid (static, per-channel symmetric int8 weights, uint8 activations calibrated by min/max on
 * 512 training rows). {@code mode: qat} is a located "not yet" error. {@code mode: binary} (XNOR-Net, with a
 * {@code binary: {finetune, include-first-last}} body) is parsed into a {@link BinaryQuantizeSpec}.
 */
public final class QuantizeKind implements StageKind {
    private static final List<String> KEYS = List.of("mode", "weights", "activations", "layers", "binary");
    private static final List<String> WEIGHT_KEYS = List.of("bits", "granularity", "symmetric", "reduce-range");
    private static final List<String> ACTIVATION_KEYS = List.of("bits", "symmetric", "calibrator", "rows");

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
        ObjectNode weights = object("how weights are quantized (from their own min/max)");
        props(weights).set("bits", orVar(integer(2, 8).put("default", 8)));
        props(weights).set("granularity", orVar(oneOfStrings(QuantizeStageSpec.GRANULARITIES)
                .put("default", "per-channel")));
        props(weights).set("symmetric", orVar(NODES.objectNode().put("type", "boolean").put("default", true)));
        props(weights).set("reduce-range", orVar(NODES.objectNode().put("type", "boolean").put("default", false)));
        ObjectNode acts = object("how activations are quantized (static mode: calibrated on training rows)");
        props(acts).set("bits", orVar(integer(8, 8).put("default", 8)));
        props(acts).set("symmetric", orVar(NODES.objectNode().put("type", "boolean").put("default", false)));
        props(acts).set("calibrator", ref("calibrator"));
        props(acts).set("rows", orVar(integer(1, null).put("default", QuantizeStageSpec.DEFAULT_ROWS)));
        ObjectNode q = object("post-training int8 quantization (QDQ export)");
        props(q).set("mode", orVar(oneOfStrings(QuantizeStageSpec.MODES).put("default", "static")));
        props(q).set("weights", weights);
        props(q).set("activations", acts);
        props(q).set("layers", ref("layers"));
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
        int wBits = 8;
        String granularity = "per-channel";
        boolean wSym = true;
        boolean reduce = false;
        var w = body.optional("weights");
        if (w.isPresent()) {
            w.get().expectObject(WEIGHT_KEYS);
            wBits = w.get().optional("bits").map(b -> b.asInt(2, 8)).orElse(8);
            granularity = w.get().optional("granularity").map(g -> choice(g, QuantizeStageSpec.GRANULARITIES))
                    .orElse("per-channel");
            wSym = w.get().optional("symmetric").map(QuantizeKind::bool).orElse(true);
            reduce = w.get().optional("reduce-range").map(QuantizeKind::bool).orElse(false);
        }
        int aBits = 8;
        boolean aSym = false;
        String calibrator = "minmax";
        ExtensionRef calibratorRef = null;
        int rows = QuantizeStageSpec.DEFAULT_ROWS;
        var a = body.optional("activations");
        if (a.isPresent()) {
            a.get().expectObject(ACTIVATION_KEYS);
            aBits = a.get().optional("bits").map(QuantizeKind::activationBits).orElse(8);
            aSym = a.get().optional("symmetric").map(QuantizeKind::bool).orElse(false);
            calibratorRef = a.get().optional("calibrator").map(c -> ExtensionRef.read(c, "a calibrator")).orElse(null);
            calibrator = calibratorRef == null ? "minmax" : calibratorRef.id();
            rows = a.get().optional("rows").map(r -> r.asInt(1, Integer.MAX_VALUE)).orElse(QuantizeStageSpec.DEFAULT_ROWS);
            if (mode.equals("dynamic")) {
                throw a.get().fail("activations are quantized at run time in dynamic mode (uint8, per tensor, each"
                        + " batch's own range); remove activations or use mode: static");
            }
        }
        if (mode.equals("fp16") && (w.isPresent() || a.isPresent())) {
            throw (w.isPresent() ? w.get() : a.get()).fail("mode fp16 stores the layers' weights and biases as"
                    + " float16 and has no " + (w.isPresent() ? "weights" : "activations") + " options; remove them");
        }
        LayerFilter layers = body.optional("layers").map(LayerFilter::read).orElse(LayerFilter.ALL);
        var weights = new QuantizeStageSpec.Weights(wBits, granularity.equals("per-channel"), wSym, reduce);
        var activations = new QuantizeStageSpec.Activations(aBits, aSym, calibrator, rows);
        ExtensionRef ref = calibratorRef;
        return body.construct(() -> new QuantizeStageSpec(mode, weights, activations, ref, layers, at));
    }

    private static String mode(NodeRef n) {
        String m = n.asText();
        if (m.equals("qat")) {
            throw n.fail("mode 'qat' (quantization-aware training) is not supported yet; use static, dynamic or fp16");
        }
        return choice(n, QuantizeStageSpec.MODES);
    }

    private static int activationBits(NodeRef n) {
        int bits = n.asInt(2, 8);
        if (bits != 8) {
            throw n.fail("activations are quantized with 8 bits (ONNX QuantizeLinear has no narrower type), was "
                    + bits);
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

    private static boolean bool(NodeRef n) {
        if (!n.node().isBoolean()) {
            throw n.fail("expected true or false for " + n.name() + " but found " + n.describe());
        }
        return n.node().asBoolean();
    }
}
