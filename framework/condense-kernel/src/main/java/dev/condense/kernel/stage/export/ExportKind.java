package dev.condense.kernel.stage.export;

import static dev.condense.kernel.schema.SchemaNodes.NODES;
import static dev.condense.kernel.schema.SchemaNodes.object;
import static dev.condense.kernel.schema.SchemaNodes.oneOfStrings;
import static dev.condense.kernel.schema.SchemaNodes.orVar;
import static dev.condense.kernel.schema.SchemaNodes.props;
import static dev.condense.kernel.schema.SchemaNodes.ref;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;
import java.util.List;

/**
 * {@code export: {format, quantized, pad-channels, input-patches}}, format defaulting to {@code onnx}, quantized to
 * {@code qdq}, pad-channels and input-patches to false (so {@code - export} is valid).
 */
public final class ExportKind implements StageKind {
    private static final List<String> KEYS = List.of("format", "quantized", "pad-channels", "input-patches");

    @Override
    public String id() {
        return "export";
    }

    @Override
    public boolean bare() {
        return true;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode export = object("write the model");
        props(export).set("format", orVar(oneOfStrings(ExportStageSpec.FORMATS).put("default", "onnx")));
        props(export).set("quantized", orVar(oneOfStrings(ExportStageSpec.QUANTIZED).put("default", "qdq")));
        props(export).set("pad-channels", orVar(NODES.objectNode().put("type", "boolean").put("default", false).put("description", "widen int8"
                        + " convolution groups of fewer than 16 channels (or not a multiple of 8) with zero filters, and"
                        + " a 1-3 channel quantized input to 4, where ONNX Runtime then uses its symmetric int8"
                        + " convolution kernel; exact")));
        props(export).set("input-patches", orVar(NODES.objectNode().put("type", "boolean").put("default", false).put("description",
                "lower an int8 convolution over a 1-3 channel quantized input (an image's first layer) to shifted"
                        + " slices of the input and a 1x1 int8 convolution, which ONNX Runtime runs with its symmetric"
                        + " kernel instead of im2col; exact")));
        defs.set("export-body", export);
        return ref("export-body");
    }

    private static boolean bool(NodeRef n, String key) {
        if (!n.node().isBoolean()) {
            throw n.fail("expected true or false for " + key + " but found " + n.describe());
        }
        return n.node().asBoolean();
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        return body.expectObject(KEYS).construct(() -> new ExportStageSpec(
                body.optional("format").map(NodeRef::asText).orElse("onnx"),
                body.optional("quantized").map(NodeRef::asText).orElse("qdq"),
                new OrtRewrites(body.optional("pad-channels").map(n -> bool(n, "pad-channels")).orElse(false),
                        body.optional("input-patches").map(n -> bool(n, "input-patches")).orElse(false)), at));
    }
}
