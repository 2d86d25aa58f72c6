package dev.condense.kernel.stage.export;

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
 * {@code export: {format, quantized}}, format defaulting to {@code onnx} and quantized to {@code qdq} (so
 * {@code - export} is valid).
 */
public final class ExportKind implements StageKind {
    private static final List<String> KEYS = List.of("format", "quantized");

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
        defs.set("export-body", export);
        return ref("export-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        return body.expectObject(KEYS).construct(() -> new ExportStageSpec(
                body.optional("format").map(NodeRef::asText).orElse("onnx"),
                body.optional("quantized").map(NodeRef::asText).orElse("qdq"), at));
    }
}
