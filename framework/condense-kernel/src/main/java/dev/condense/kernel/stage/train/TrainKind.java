package dev.condense.kernel.stage.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.condense.kernel.recipe.ExtensionRef;
import dev.condense.kernel.recipe.Location;
import dev.condense.kernel.recipe.NodeRef;
import dev.condense.kernel.recipe.TrainParser;
import dev.condense.kernel.schema.SchemaNodes;
import dev.condense.kernel.stage.StageKind;
import dev.condense.kernel.stage.StageSpec;

/**
 * {@code train: {epochs, batch, optimizer, limit, lr-schedule, augment, loss}}: train the model on the recipe's data.
 * {@code loss} (optional, a LossFunction id or {@code {id: params}}) replaces the default softmax cross-entropy with
 * the true labels, e.g. {@code step-by-step}, which also reads the rows' rationales.
 */
public final class TrainKind implements StageKind {
    private static final java.util.List<String> KEYS = java.util.stream.Stream.concat(
            dev.condense.kernel.recipe.TrainParser.KEYS.stream(), java.util.stream.Stream.of("loss")).toList();

    @Override
    public String id() {
        return "train";
    }

    @Override
    public boolean bare() {
        return false;
    }

    @Override
    public ObjectNode schema(ObjectNode defs) {
        ObjectNode body = ((ObjectNode) defs.get("train-body")).deepCopy();
        SchemaNodes.props(body).set("loss", SchemaNodes.orVar(SchemaNodes.ref("loss")));
        defs.set("train-stage-body", body);
        return SchemaNodes.ref("train-stage-body");
    }

    @Override
    public StageSpec parse(NodeRef body, Location at) {
        if (body.node().isObject()) {
            body.expectObject(KEYS);
        }
        if (!body.node().isObject() || !body.node().has("loss")) {
            return new TrainStageSpec(TrainParser.read(body), null, at);
        }
        ExtensionRef loss = ExtensionRef.read(body.child("loss"), "a loss");
        NodeRef rest = new NodeRef(body.tree(), body.pointer(), ((ObjectNode) body.node()).deepCopy().without("loss"));
        return new TrainStageSpec(TrainParser.read(rest), loss, at);
    }
}
